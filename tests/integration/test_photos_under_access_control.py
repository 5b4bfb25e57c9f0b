"""The images of the cadre's files under PostgreSQL access control: a clerk records a photo (its image inserted into
the blob table, never rewritten), an auditor reads the file and exports the 任免审批表 with the photo and inserts
nothing, nobody updates, deletes or truncates an image (the owner included: the table's guard), `verify` passes as
each role and names the images' guard disabled, dropped or redefined."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import psycopg
import pytest
from docx import Document

from tests.conftest import PG_DSN, Ledger, new_pg_role, new_pg_url
from tests.integration.test_access_roles_and_log import as_role, ok, run, schema_of, sql
from tests.integration.test_lrmx_round_trip import SAMPLES, elements

IMAGE = base64.b64decode(str(elements(SAMPLES / "周雨桐.lrmx")["ZhaoPian"]))


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A PostgreSQL store of the sample staffing, put under access control with one clerk and one auditor before
    any photo was recorded; the clerk then records Z1's photo."""
    folder = tmp_path_factory.mktemp("photos")
    url = new_pg_url()
    Ledger(url).ok("import", str(SAMPLES / "staffing.jsonl"))
    clerk, auditor = new_pg_role("photo_clerk"), new_pg_role("photo_auditor")
    ok(url, "access", "grant", clerk, "--as", "clerk")
    ok(url, "access", "grant", auditor, "--as", "auditor")
    image = folder / "z1.png"
    image.write_bytes(IMAGE)
    ok(as_role(url, clerk), "photo", "Z1", "--file", str(image), "--effective", "2023-01-01")
    return {"owner": url, "clerk": clerk, "auditor": auditor, "blobs": f'"{schema_of(url)}".blobs', "dir": str(folder)}


def test_a_clerk_records_a_photo_and_its_image_is_kept_once(bureau: dict[str, str]) -> None:
    rows = sql(PG_DSN["user"], f"SELECT sha256, media_type FROM {bureau['blobs']}")
    assert [r[1] for r in rows] == ["image/png"]
    log = Ledger(bureau["owner"]).json("log")
    assert log[-1]["event"] == "photo_recorded" and log[-1]["actor"] == bureau["clerk"]
    assert log[-1]["sha256"] == rows[0][0]


def test_an_auditor_reads_the_file_and_exports_the_form_with_the_photo(bureau: dict[str, str]) -> None:
    auditor, folder = as_role(bureau["owner"], bureau["auditor"]), Path(bureau["dir"])
    assert "Z1" in ok(auditor, "history", "Z1").output
    ok(auditor, "export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "-o",
       str(folder / "z1.lrmx"))
    assert base64.b64decode(str(elements(folder / "z1.lrmx")["ZhaoPian"])) == IMAGE
    ok(auditor, "export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "--format", "docx", "-o",
       str(folder / "z1.docx"))
    assert len(Document(str(folder / "z1.docx")).inline_shapes) == 1  # the photo, in its cell
    logged = [(x["actor"], x["action"]) for x in Ledger(bureau["owner"]).json("access", "log", "--person", "Z1")]
    assert (bureau["auditor"], "history") in logged


@pytest.mark.parametrize("who", ["owner", "clerk", "auditor"])
def test_verify_passes_as_each_role(bureau: dict[str, str], who: str) -> None:
    url = bureau["owner"] if who == "owner" else as_role(bureau["owner"], bureau[who])
    assert "stored events verified" in ok(url, "--lang", "en", "verify").output


@pytest.mark.parametrize("statement", ["UPDATE {b} SET media_type = 'image/jpeg'", "DELETE FROM {b}",
                                       "TRUNCATE {b}"])
@pytest.mark.parametrize("who", ["clerk", "auditor"])
def test_no_role_rewrites_or_removes_an_image(bureau: dict[str, str], statement: str, who: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(bureau[who], statement.format(b=bureau["blobs"]))


@pytest.mark.parametrize("statement", ["UPDATE {b} SET media_type = 'image/jpeg'", "DELETE FROM {b}",
                                       "TRUNCATE {b}"])
def test_even_the_owner_cannot_rewrite_or_remove_an_image(bureau: dict[str, str], statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        sql(PG_DSN["user"], statement.format(b=bureau["blobs"]))


def test_an_auditor_cannot_insert_an_image(bureau: dict[str, str]) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(bureau["auditor"], f"INSERT INTO {bureau['blobs']} VALUES (%s, 'image/png', %s)", ("0" * 64, b"x"))


def test_an_auditor_cannot_record_a_photo(bureau: dict[str, str]) -> None:
    auditor = as_role(bureau["owner"], bureau["auditor"])
    other = Path(bureau["dir"]) / "other.png"
    other.write_bytes(IMAGE[:-12] + IMAGE[-12:])  # the same image: still refused, as a recording
    r = run(auditor, "--lang", "en", "photo", "Z1", "--file", str(other), "--effective", "2023-02-01")
    assert r.exit_code == 1 and "may not record" in r.output and "Traceback" not in r.output


NEUTERED = {
    "disabled": ("ALTER TABLE {b} DISABLE TRIGGER ledger_blob_guard", "ledger_blob_guard is disabled",
                 "ALTER TABLE {b} ENABLE TRIGGER ledger_blob_guard"),
    "dropped": ("DROP TRIGGER ledger_blob_guard_truncate ON {b}", "ledger_blob_guard_truncate was dropped", None),
    "never-true condition": ("DROP TRIGGER ledger_blob_guard ON {b}\nCREATE TRIGGER ledger_blob_guard BEFORE UPDATE "
                             "OR DELETE ON {b} FOR EACH ROW WHEN (false) EXECUTE FUNCTION {s}.ledger_refuse_change()",
                             "the trigger ledger_blob_guard was redefined", None),
}


@pytest.mark.parametrize("case", NEUTERED)
def test_the_images_guard_made_harmless_is_named_by_verify(tmp_path: Path, case: str) -> None:
    url = new_pg_url()
    Ledger(url).ok("import", str(SAMPLES / "staffing.jsonl"))
    auditor = new_pg_role("blobguard")
    ok(url, "access", "grant", auditor, "--as", "auditor")
    statement, said, undo = NEUTERED[case]
    names = {"b": f'"{schema_of(url)}".blobs', "s": f'"{schema_of(url)}"'}
    for part in statement.split("\n"):
        sql(PG_DSN["user"], part.format(**names))
    r = run(url, "--lang", "en", "verify")
    assert r.exit_code == 1 and said in r.output, r.output
    if undo is not None:
        sql(PG_DSN["user"], undo.format(**names))
    else:
        ok(url, "access", "grant", auditor, "--as", "auditor")  # reinstalls the guard
    ok(url, "verify")


def test_a_store_whose_blob_table_existed_before_access_control_gives_clerks_no_update(tmp_path: Path) -> None:
    """The images' table made by the owner's own photo before `access grant` is no derived table: clerks get
    INSERT on it, not the UPDATE and DELETE they have on the derived tables."""
    url = new_pg_url()
    owner = Ledger(url)
    owner.ok("import", str(SAMPLES / "staffing.jsonl"))
    (tmp_path / "z.png").write_bytes(IMAGE)
    owner.ok("photo", "Z1", "--file", str(tmp_path / "z.png"), "--effective", "2023-01-01")
    clerk = new_pg_role("early_clerk")
    ok(url, "access", "grant", clerk, "--as", "clerk")
    privileges = sql(PG_DSN["user"], "SELECT privilege_type FROM information_schema.role_table_grants WHERE "
                                     "table_schema = %s AND table_name = 'blobs' AND grantee LIKE %s",
                     (schema_of(url), "%_clerk"))
    assert sorted(p[0] for p in privileges) == ["INSERT", "SELECT"]


def test_a_refused_photo_leaves_no_image_behind(ledger: Ledger, tmp_path: Path) -> None:
    """The image is kept in the writers' turn once the batch has passed every check: a photo refused (of no one on
    record, or a second batch refused under --strict) writes neither an event nor an image."""
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    (tmp_path / "z.png").write_bytes(IMAGE)
    before = ledger.event_count()
    r = ledger("photo", "NOBODY", "--file", str(tmp_path / "z.png"), "--effective", "2023-01-01")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert ledger.event_count() == before and _images(ledger.store) == 0
    ledger.ok("photo", "Z1", "--file", str(tmp_path / "z.png"), "--effective", "2023-01-01", "--dry-run")
    assert ledger.event_count() == before and _images(ledger.store) == 0  # a dry run keeps nothing either
    ledger.ok("photo", "Z1", "--file", str(tmp_path / "z.png"), "--effective", "2023-01-01")
    assert _images(ledger.store) == 1


def _images(store: str) -> int:
    """How many images the store keeps (0 when it has no blob table yet)."""
    if store.startswith("postgresql"):
        table = f'"{schema_of(store)}".blobs'
        found = sql(PG_DSN["user"], "SELECT to_regclass(%s) IS NOT NULL", (table,))[0][0]
        return sql(PG_DSN["user"], f"SELECT count(*) FROM {table}")[0][0] if found else 0
    with sqlite3.connect(store) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'blobs'").fetchone():
            return 0
        return conn.execute("SELECT count(*) FROM blobs").fetchone()[0]


def test_rekey_re_encrypts_the_guarded_images(tmp_path: Path) -> None:
    """`ledger rekey` lifts the images' guard for its transaction only, as it does the events': the photo comes
    back under the new key and verify finds the guard in force again."""
    from ledger.store.crypto import new_key

    old, new = new_key(), new_key()
    url, env = new_pg_url(), {"LEDGER_ENCRYPTION_KEY": old}
    owner = Ledger(url)
    owner.ok("import", str(SAMPLES / "staffing.jsonl"), env=env)
    (tmp_path / "z.png").write_bytes(IMAGE)
    owner.ok("photo", "Z1", "--file", str(tmp_path / "z.png"), "--effective", "2023-01-01", env=env)
    owner.ok("access", "enable", env=env)
    (tmp_path / "new.key").write_text(new + "\n")
    owner.ok("rekey", "--new-key-file", str(tmp_path / "new.key"), env=env)
    env = {"LEDGER_ENCRYPTION_KEY": new}
    assert owner.ok("verify", env=env).output.startswith("OK:")
    owner.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "-o", str(tmp_path / "z.lrmx"),
             env=env)
    assert base64.b64decode(str(elements(tmp_path / "z.lrmx")["ZhaoPian"])) == IMAGE
