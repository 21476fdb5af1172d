"""The throwaway database: an SQLite file in the run's folder, or a fresh database on the PostgreSQL server given."""

import secrets
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg


def throwaway_url(workdir, server_url=None):
    """A database URL for this run only: SQLite in `workdir`, or a new database on the server of `server_url`."""
    if not server_url:
        return f"sqlite:///{workdir}/bench.sqlite3"
    parts = urlsplit(server_url)
    name = f"{parts.path.lstrip('/') or 'newsroom'}_{secrets.token_hex(4)}"
    with connect(server_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop(url):
    """Drops a database made by throwaway_url(); an SQLite file goes with the run's folder."""
    if url.startswith("postgres"):
        parts = urlsplit(url)
        with connect(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def connect(url):
    """An autocommit connection, as CREATE and DROP DATABASE need, to the maintenance database of `url`'s server."""
    parts = urlsplit(url)
    return psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=unquote(parts.username or ""),
                           password=unquote(parts.password or ""), dbname="postgres", autocommit=True)
