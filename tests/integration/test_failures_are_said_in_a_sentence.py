"""Files in other encodings, a full disk, a store kept locked: each says what happened and what to do, in one sentence
without a raw exception, and the store is left as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from ledger.app.failures import explain_failure
from tests.audit_bureau import ev, opening
from tests.conftest import Ledger
from tests.safety import fingerprint, refused

PROMOTION = ev("rank_promoted", "2022-03-01", person="T03", rank="二级主任科员")
SAVE_AS = "save it as UTF-8 (Excel: 'CSV UTF-8'; Notepad: Save as → Encoding UTF-8)"


@pytest.fixture
def bureau(ledger: Ledger, write_jsonl) -> Ledger:
    ledger.ok("import", str(write_jsonl(opening())))
    return ledger


def jsonl(lines: list[dict]) -> str:
    return "".join(orjson.dumps(x).decode() + "\n" for x in lines)


def test_a_json_lines_file_with_a_byte_order_mark_is_read(bureau: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "bom.jsonl"
    f.write_text(jsonl([PROMOTION]), encoding="utf-8-sig")
    assert bureau.ok("import", str(f)).stdout.startswith("1 events recorded")


@pytest.mark.parametrize("encoding,seems", [
    ("gbk", "GBK/GB18030 text (what Chinese Windows saves as 'ANSI')"),
    ("utf-16", "UTF-16 text (Excel's 'Unicode text')"),
])
def test_a_json_lines_file_in_another_encoding_says_which_it_seems_to_be(bureau: Ledger, tmp_path: Path,
                                                                         encoding: str, seems: str) -> None:
    f = tmp_path / f"{encoding}.jsonl"
    f.write_text(jsonl([PROMOTION]), encoding=encoding)
    err = refused(bureau, "import", str(f))
    assert err == (f"Refused (nothing was written):\n  {f}: not UTF-8 (first bad byte on line 1); it seems to be "
                   f"{seems}: {SAVE_AS}\n")


def test_a_csv_of_events_in_utf16_is_read(bureau: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text("event\tperson\trank\teffective\nrank_promoted\tT03\t二级主任科员\t2022-03-01\n", encoding="utf-16")
    assert bureau.ok("import", str(f)).stdout.startswith("1 events recorded")


def test_a_binary_file_given_as_csv_is_refused_as_not_text(bureau: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "photo.csv"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    err = refused(bureau, "import", str(f))
    assert "not a text file the ledger reads; it seems to be" in err and "Traceback" not in err


# --- the store's own failures, in a process whose SQLite is made to fail ------------------------------------------
def run_with_sqlite(patch: str, store: str, *args: str) -> subprocess.CompletedProcess:
    """`ledger` in a process where every SQLite connection first runs `patch` (a full disk, a short lock wait)."""
    code = (f"import sqlite3\n_connect = sqlite3.connect\n"
            f"def connect(*a, **k):\n    {patch}\n    return c\n"
            "sqlite3.connect = connect\nfrom cli.main import cli; cli(prog_name='ledger')")
    return subprocess.run([sys.executable, "-c", code, "--store", store, *args], capture_output=True, text=True,
                          timeout=120)


def test_a_full_disk_is_said_in_a_sentence_and_nothing_is_written(sqlite_ledger: Ledger, write_jsonl) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(opening())))
    pages = sqlite3.connect(sqlite_ledger.store).execute("PRAGMA page_count").fetchone()[0]
    before = fingerprint(sqlite_ledger.store)
    many = [ev("post_quota_set", "2022-01-01", unit="TJ", post=f"岗位{i}", level="乡科级副职", count=1, note="x" * 900)
            for i in range(300)]
    r = run_with_sqlite(f"c = _connect(*a, **k); c.execute('PRAGMA max_page_count = {pages + 2}')",
                        sqlite_ledger.store, "import", str(write_jsonl(many)))
    assert r.returncode == 1, r.stderr
    assert r.stderr == (f"Error: the disk holding {sqlite_ledger.store} is full; nothing was written (the ledger is as "
                        "it was). Free some space and run the command again\n")
    assert fingerprint(sqlite_ledger.store) == before


def test_a_store_kept_locked_is_said_in_a_sentence_and_nothing_is_written(sqlite_ledger: Ledger, write_jsonl) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(opening())))
    holder = sqlite3.connect(sqlite_ledger.store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        r = run_with_sqlite("k['timeout'] = 0.5; c = _connect(*a, **k)", sqlite_ledger.store,
                            "promote", "T03", "--rank", "二级主任科员", "--effective", "2022-03-01")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith(f"Error: the store {sqlite_ledger.store} is busy: another program kept it locked")
    assert "nothing was written" in r.stderr and "Traceback" not in r.stderr
    assert len(sqlite_ledger.json("log")) == len(opening())


# --- the translation itself -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("error,start", [
    (sqlite3.OperationalError("database or disk is full"), "the disk holding S is full; nothing was written"),
    (sqlite3.OperationalError("database is locked"), "the store S is busy: another program kept it locked"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "the store S may only be read here"),
    (sqlite3.DatabaseError("file is not a database"), "S is not a ledger store (not a SQLite database)"),
    (sqlite3.OperationalError("disk I/O error"), "the disk holding S failed to read or write (I/O error)"),
    (RuntimeError('connection failed: FATAL:  password authentication failed for user "x"'),
     "the PostgreSQL server refused the login for S"),
    (RuntimeError('connection failed: FATAL:  database "nope" does not exist'),
     "the PostgreSQL server has no such database"),
    (RuntimeError("connection failed: Connection refused"), "cannot open S: the PostgreSQL server does not answer"),
    (RuntimeError("permission denied for schema x"), "the PostgreSQL role of S lacks a permission"),
    (RuntimeError('Composite type "x.stored_event_uuid" not found'), "S is not set up as a ledger"),
    (RuntimeError("cannot execute INSERT in a read-only transaction"), "the store S may only be read here"),
    (FileNotFoundError(2, "No such file or directory", "/x/y.csv"), "no such file or folder: /x/y.csv"),
    (PermissionError(13, "Permission denied", "/x/y.csv"), "permission denied: /x/y.csv"),
    (OSError(28, "No space left on device", "/x/y.docx"), "the disk is full (writing /x/y.docx)"),
    (MemoryError(), "out of memory"),
])
def test_each_known_failure_has_its_sentence(error: BaseException, start: str) -> None:
    said = explain_failure(error, "S")
    assert said is not None and str(said).startswith(start), said


def test_a_password_in_a_failure_is_never_shown() -> None:
    said = explain_failure(RuntimeError("connection failed: postgresql://u:hunter2@h/d Connection refused"), "S")
    assert said is not None and "hunter2" not in str(said) and "u:***@h" in str(said)


def _adversary_s_exceptions() -> list[BaseException]:
    """The raw exceptions issue 25's adversarial run met behind a generic "Error: X … LEDGER_DEBUG" line."""
    import psycopg.errors

    out: list[BaseException] = [
        ValueError("non-hexadecimal number found in fromhex() arg at position 0"),  # a forged access-log line
        psycopg.errors.NumericValueOutOfRange('value "9223372036854775808" is out of range for type bigint'),
        psycopg.errors.StringDataRightTruncation("value too long for type character varying(64)"),
        psycopg.errors.InvalidTextRepresentation('invalid input syntax for type uuid: "x"'),
        sqlite3.DatabaseError("database disk image is malformed"),
        sqlite3.OperationalError("integer overflow"),
        RecursionError("maximum recursion depth exceeded"),
        OverflowError("date value out of range"),
        UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
    ]
    try:
        b"\xff".decode("utf-8")
    except UnicodeDecodeError as e:
        out.append(e)
    return out


@pytest.mark.parametrize("error", _adversary_s_exceptions(), ids=lambda e: type(e).__name__)
def test_every_exception_the_adversary_hit_is_one_sentence(error: BaseException) -> None:
    said = explain_failure(error, "S")
    assert said is not None, f"{type(error).__name__} would be a generic error line"
    text = str(said)
    assert "\n" not in text and "LEDGER_DEBUG" not in text and type(error).__name__ not in text
    assert (text[0].islower() or text.startswith("S ")) and len(text) < 400
    assert "nothing was written" in text
