"""The ledger's events table reached with the store's own driver, as an intruder would: for the tamper tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ledger.app.ledger import open_ledger


class Table:
    """The ledger's events table, reached with the store's own driver (sqlite3 / psycopg), as an intruder would."""

    def __init__(self, store: str):
        app = open_ledger(store)
        self.is_pg = app.config.kind == "postgresql"
        self.name = f'"{app.config.schema}"."{app.recorder.events_table_name}"' if self.is_pg else app.recorder.events_table_name
        self.stream = app.ledger_id if self.is_pg else app.ledger_id.hex
        self.store = store
        self.env = app.config.env
        app.close()

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        if self.is_pg:
            import psycopg

            e = self.env
            with psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                                 user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None) as conn:
                with conn.cursor() as cur:
                    yield cur
                conn.commit()
        else:
            conn = sqlite3.connect(self.store)
            try:
                yield conn.cursor()
                conn.commit()
            finally:
                conn.close()

    def run(self, sql: str, *params: Any) -> list[tuple]:
        sql = sql.replace("{t}", self.name)
        if self.is_pg:
            sql = sql.replace("?", "%s")
        with self.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def row(self, version: int) -> tuple[str, bytes]:
        topic, state = self.run("SELECT topic, state FROM {t} WHERE originator_id = ? AND originator_version = ?",
                                self.stream, version)[0]
        return topic, bytes(state)

    def set_state(self, version: int, state: bytes, topic: str | None = None) -> None:
        topic = topic or self.row(version)[0]
        self.run("UPDATE {t} SET topic = ?, state = ? WHERE originator_id = ? AND originator_version = ?",
                 topic, state, self.stream, version)

    def delete(self, version: int) -> None:
        self.run("DELETE FROM {t} WHERE originator_id = ? AND originator_version = ?", self.stream, version)

    def insert(self, version: int, topic: str, state: bytes) -> None:
        self.run("INSERT INTO {t} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                 self.stream, version, topic, state)

    def shift_up(self, from_version: int, top: int) -> None:
        """Renumber versions >= from_version one up (top first, so the primary key never clashes)."""
        for v in range(top, from_version - 1, -1):
            self.run("UPDATE {t} SET originator_version = ? WHERE originator_id = ? AND originator_version = ?",
                     v + 1, self.stream, v)
