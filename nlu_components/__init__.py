"""Custom Rasa NLU components (run inside the Rasa server, Python 3.10, .venv-rasa).

They hold no business rule: the rules live in ``assistant/`` (Python 3.11), which
passes its decisions to Rasa in the message metadata. Rasa finds this package
because it runs with the project root as its working directory.
"""
