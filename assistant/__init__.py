"""社区管家 (Community Butler): the application package.

Each capability is one subpackage that owns its models, rules and storage
(``kb``, ``booking``, ``tickets``, ``residents``...). Channels (``api``,
Telegram, voice) and Rasa actions only adapt to these rules.
"""

__version__ = "0.1.0"
