"""Pure-Python domain types and engines (no Django, no database, no environment, no printing)."""
