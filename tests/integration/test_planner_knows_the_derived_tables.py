"""After an import fills the derived tables in bulk, PostgreSQL's planner knows how many rows they hold.

A server with autovacuum off (or not yet come round) would otherwise plan the first readers' queries for empty
tables: a unit's facts looked up through the fact index became a scan of a million rows (one unit's diff and check
in the web view took 300+ ms at 100,000 people instead of ~140 ms). The writer analyses the tables it filled."""

from __future__ import annotations

from tests.conftest import PG_DSN, Ledger


def _counts(schema: str) -> dict[str, tuple[float, int]]:
    """Each derived table's row estimate (pg_class.reltuples: -1 when never analysed) and its real row count."""
    import psycopg

    with psycopg.connect(**PG_DSN) as conn:
        out = {}
        for table in ("report_subjects", "report_unit_people", "timeline_people", "timeline_unit_figures"):
            (estimate,) = conn.execute("SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                       "WHERE n.nspname = %s AND c.relname = %s", (schema, table)).fetchone()
            (rows,) = conn.execute(f'SELECT COUNT(*) FROM "{schema}".{table}').fetchone()
            out[table] = (estimate, rows)
        return out


def test_an_import_leaves_the_derived_tables_analysed(pg_store: str, bureau_lines: list[dict], write_jsonl):
    ledger = Ledger(pg_store)
    ledger.ok("import", str(write_jsonl(bureau_lines)))
    schema = pg_store.rsplit("schema=", 1)[1]
    for table, (estimate, rows) in _counts(schema).items():
        assert rows > 0, table
        assert estimate == rows, f"{table}: the planner thinks {estimate} rows, the table holds {rows}"
