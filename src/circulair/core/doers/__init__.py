"""The doers catalogue: tokenisation and ranking of case search, shared by SQLite and PostgreSQL."""
