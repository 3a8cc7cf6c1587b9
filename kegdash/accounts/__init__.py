"""People and their credentials: users, password hashes, API keys, OAuth clients, bearer tokens."""
