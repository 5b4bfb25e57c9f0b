"""Files and folders the ledger creates are its owner's alone — 0600 and 0700 — even under `umask 000` (issue 25
item 5: the demo folder was 0777 and its ledger.toml, the rules used at entry, 0666)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _ledger(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process whose umask is 000 (the most permissive a shared machine can have)."""
    code = "import os, sys; os.umask(0); from cli.main import cli; cli(sys.argv[1:], prog_name='ledger')"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEDGER_LANG": "en"}
    env.pop("LEDGER_STORE", None)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=600)


def _loose(root: Path) -> list[str]:
    """Everything under `root` (and `root` itself) that a group or other user could read, write or enter."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {oct(mode)}")
    return found


def test_under_umask_000_every_file_and_folder_is_owner_only(tmp_path: Path) -> None:
    demo = tmp_path / "new" / "bureau" / "demo"  # the demo makes its missing parents too
    r = _ledger("demo", str(demo))
    assert r.returncode == 0, r.stderr
    store = demo / "ledger.sqlite3"
    assert (demo / "ledger.toml").exists() and store.exists()
    assert any(p.suffix in (".docx", ".xlsx") for p in demo.iterdir())  # the demo's exported documents

    out = tmp_path / "exports" / "2023"
    for fmt in ("xlsx", "csv", "docx"):
        r = _ledger("--store", str(store), "roster", "--as-of", "2023-12-31", "--format", fmt,
                    "-o", str(out / f"roster.{fmt}"))
        assert r.returncode == 0, r.stderr

    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    r = _ledger("keygen", "--signing", "-o", str(keys / "checkpoints"))
    assert r.returncode == 0, r.stderr
    r = _ledger("--store", str(store), "checkpoint", "--key", str(keys / "checkpoints"), "-o",
                str(tmp_path / "audit" / "cp.json"))
    assert r.returncode == 0, r.stderr
    assert {p.name for p in keys.iterdir()} == {"checkpoints", "checkpoints.pub"}

    loose = [*_loose(tmp_path / "new"), *_loose(tmp_path / "exports"), *_loose(keys), *_loose(tmp_path / "audit")]
    assert loose == [], loose


def test_a_file_or_folder_the_owner_made_is_left_as_it_was(tmp_path: Path) -> None:
    """Only what the ledger creates is narrowed: an existing, shared folder keeps its mode."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o775)
    r = _ledger("demo", str(shared / "demo"))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o775
    assert stat.S_IMODE((shared / "demo").stat().st_mode) == 0o700
