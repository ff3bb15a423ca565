"""Staff accounts: roles, argon2 password hashes, JWT bearer tokens."""
