"""Plumbing every app shares (the one place for each cross-cutting rule)."""
