"""Channel-independent conversation help in the gateway: choosing from the butler's
last list by number or by name, the butler's own button payloads as the only slash
commands, and two requests in one message. ``converse`` is called by
``DialogueClient.send_or_degrade`` for every resident message of every channel."""

from assistant.conversation.turn import converse

__all__ = ["converse"]
