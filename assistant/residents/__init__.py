"""Residents: one identity per channel sender, what we remember about them
(address, phone, elderly profile), and their requests to talk to a person."""
