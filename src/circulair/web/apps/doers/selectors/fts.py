"""SQL of the full-text indexes (used by migration 0002 and by ``services.search_index_ensure``).

SQLite: an FTS5 table whose rowid is the case id, kept in sync by triggers (bulk inserts and
``QuerySet.update`` stay indexed). A later migration that remakes ``doers_case`` on SQLite drops
the triggers; the seeding step (``search_index_ensure``) re-creates them and rebuilds the index.
PostgreSQL: a stored ``tsvector`` column (``search_vector``), filled from ``search_text`` by a
BEFORE trigger, with a GIN index; the selector matches ``search_vector @@ to_tsquery(...)``.
A stored vector keeps a sequential scan cheap too (the planner picks one for very common words;
recomputing ``to_tsvector`` per row there took seconds on 20,000 cases).
"""

from __future__ import annotations

SQLITE_OBJECTS = ("doers_case_fts", "doers_case_fts_ai", "doers_case_fts_ad", "doers_case_fts_au")
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
PG_UP = [
    "CREATE FUNCTION doers_case_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN NEW.search_vector := to_tsvector('simple'::regconfig, "
    "COALESCE(NEW.search_text, '')); RETURN NEW; END $$",
    "CREATE TRIGGER doers_case_search_vector_t BEFORE INSERT OR UPDATE ON doers_case "
    "FOR EACH ROW EXECUTE FUNCTION doers_case_search_vector()",
    "UPDATE doers_case SET search_text = search_text",
    "CREATE INDEX doers_case_search_gin ON doers_case USING GIN (search_vector)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS doers_case_search_gin",
    "DROP TRIGGER IF EXISTS doers_case_search_vector_t ON doers_case",
    "DROP FUNCTION IF EXISTS doers_case_search_vector()",
]
