"""The stored search index of each database: a weighted tsvector on PostgreSQL, an FTS5 table on SQLite."""

import sqlite3
from functools import cache

from django.contrib.postgres.search import SearchVector
from django.db import OperationalError, connections

SEARCH_CONFIG = "english"
# What each field weighs: the headline outweighs the standfirst, which outweighs the body's words.
FIELD_WEIGHTS = {"headline": "A", "standfirst": "B", "body_text": "C"}
# PostgreSQL's own ts_rank weights for A, B and C; SQLite's bm25 gets the same, so both rank alike.
RANK_WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}

SQLITE_TABLE = "article_search"
# An external-content FTS5 table: it holds only the index, the words are read from articles_article.
SQLITE_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(headline, standfirst, body_text, "
    "content='articles_article', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
)
_COLUMNS = "headline, standfirst, body_text"
_NEW = "new.headline, new.standfirst, new.body_text"
_OLD = "old.headline, old.standfirst, old.body_text"
# Triggers keep the index in step with every insert, update and delete, queryset updates included.
SQLITE_TRIGGERS = {
    "article_search_insert": (
        f"AFTER INSERT ON articles_article BEGIN "
        f"INSERT INTO {SQLITE_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
    ),
    "article_search_delete": (
        f"AFTER DELETE ON articles_article BEGIN "
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD}); END"
    ),
    "article_search_update": (
        f"AFTER UPDATE OF headline, standfirst, body_text ON articles_article BEGIN "
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD}); "
        f"INSERT INTO {SQLITE_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
    ),
}


def document(headline, standfirst, body_text):
    """The weighted tsvector of an article's words; takes field names or Value() expressions."""
    vectors = [
        SearchVector(source, weight=weight, config=SEARCH_CONFIG)
        for source, weight in zip([headline, standfirst, body_text], FIELD_WEIGHTS.values(), strict=True)
    ]
    return vectors[0] + vectors[1] + vectors[2]


@cache
def sqlite_has_fts5():
    """Whether this Python's SQLite library has FTS5; without it search falls back to a word match."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE probe USING fts5(words)")
    except sqlite3.OperationalError:
        return False
    return True


def create_sqlite_index(connection):
    """Creates the FTS5 table and its triggers if missing, and fills it; does nothing without FTS5."""
    if not sqlite_has_fts5():
        return
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_CREATE_TABLE)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles_article'")
        present = {row[0] for row in cursor.fetchall()}
        if present >= set(SQLITE_TRIGGERS):
            return
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"CREATE TRIGGER {name} {body}")
        cursor.execute(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')")


def drop_sqlite_index(connection):
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        try:
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
        except OperationalError:  # the table exists but this SQLite lacks FTS5 to drop it
            pass


def repair_sqlite_index(using, **kwargs):
    """Puts back the FTS5 triggers after migrate: SQLite drops them when a migration rebuilds the table."""
    connection = connections[using]
    if connection.vendor == "sqlite" and SQLITE_TABLE in connection.introspection.table_names():
        create_sqlite_index(connection)
