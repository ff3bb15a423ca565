"""Rasa custom actions (served by rasa-sdk). One module per capability, one action
per purpose. Actions only adapt: they read the tracker, call one function of
``assistant``, and turn the result into messages and slot events."""
