"""Residents: one identity per channel sender, what we remember about them
(address, phone, elderly profile), and their requests to talk to a person.

``identity``: who is talking on the web chat (server-issued resident sessions, trusted
integrations); ``idempotency``: chat retries with an ``Idempotency-Key`` answered once
(docs/identity.md)."""
