"""Complaint tickets (12345 flow): intake, classification, sentiment and urgency, routing, lifecycle."""
