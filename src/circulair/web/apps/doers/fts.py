"""SQL of the full-text indexes (used by migration 0002 and by ``services.search_index_ensure``).

SQLite: an FTS5 table whose rowid is the case id, kept in sync by triggers (bulk inserts and
``QuerySet.update`` stay indexed). A later migration that remakes ``doers_case`` on SQLite drops
the triggers; the seeding step (``search_index_ensure``) re-creates them and rebuilds the index.
PostgreSQL: a GIN index on the expression the selector queries.
"""

from __future__ import annotations

SQLITE_OBJECTS = ("doers_case_fts", "doers_case_fts_ai", "doers_case_fts_ad",
                  "doers_case_fts_au")
SQLITE_UP = [
    "CREATE VIRTUAL TABLE doers_case_fts USING fts5(search_text, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER doers_case_fts_ai AFTER INSERT ON doers_case BEGIN "
    "INSERT INTO doers_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER doers_case_fts_ad AFTER DELETE ON doers_case BEGIN "
    "DELETE FROM doers_case_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER doers_case_fts_au AFTER UPDATE OF search_text ON doers_case BEGIN "
    "DELETE FROM doers_case_fts WHERE rowid = old.id; "
    "INSERT INTO doers_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO doers_case_fts(rowid, search_text) SELECT id, search_text FROM doers_case",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS doers_case_fts_ai",
    "DROP TRIGGER IF EXISTS doers_case_fts_ad",
    "DROP TRIGGER IF EXISTS doers_case_fts_au",
    "DROP TABLE IF EXISTS doers_case_fts",
]
PG_UP = ["CREATE INDEX doers_case_search_gin ON doers_case USING GIN "
         "(to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"]
PG_DOWN = ["DROP INDEX IF EXISTS doers_case_search_gin"]
