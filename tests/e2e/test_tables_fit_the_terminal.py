"""Item 6 of issue 15: tables that fit — wrapped to $COLUMNS or the terminal, every column headed, `history`
headed by the person; colour and the pager only on a terminal, NO_COLOR honoured."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Ledger, run_ledger
from tests.scenarios import hire


@pytest.fixture
def bureau(sqlite_ledger: Ledger, write_jsonl, bureau_lines) -> Ledger:
    long_note = "经区市场监督管理局党组会议研究决定，报区委组织部备案，并在局内公示五个工作日无异议"
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    sqlite_ledger.ok("promote", "S04", "--rank", "二级主任科员", "--effective", "2023-01-05",
                     "--basis", "区市监党组〔2023〕1号", "--note", long_note)
    sqlite_ledger.ok("import", str(write_jsonl([hire(f"S{i:02d}", f"新人{i}", "SJ", "一级科员", "2022-01-01",
                                                     section="综合科", mode="录用") for i in (7, 8)])))
    return sqlite_ledger


def _widths(text: str) -> list[int]:
    from cli.output import width

    return [width(line) for line in text.splitlines()]


def test_history_fits_80_columns_and_heads_with_the_person(bureau: Ledger):
    out = bureau.ok("history", "S04", env={"COLUMNS": "80"}).stdout
    assert max(_widths(out)) <= 80, out
    heading, headers = out.splitlines()[:2]
    assert heading.startswith("司马光 (S04)")
    assert headers.split() == ["Event", "Effective", "What", "Details", "Basis", "Note", "Recorded", "(UTC)",
                               "Actor"]  # every column headed
    note = "经区市场监督管理局党组会议研究决定，报区委组织部备案，并在局内公示五个工作日无异议"
    rest = iter("".join(out.split()))
    assert "…" not in out and all(c in rest for c in note)  # the note is folded, never cut: all of it, in order
    wide = bureau.ok("history", "S04").stdout  # into a pipe: rows unfolded
    assert "经区市场监督管理局党组会议研究决定，报区委组织部备案，并在局内公示五个工作日无异议" in wide


@pytest.mark.parametrize("args", [("roster", "--as-of", "2023-06-30"), ("log",), ("check", "--as-of", "2023-06-30"),
                                  ("diff", "--from", "2021-12-31", "--to", "2023-12-31"), ("units",)], ids=" ".join)
def test_every_reading_command_fits_a_narrow_terminal(bureau: Ledger, args):
    r = bureau(*args, env={"COLUMNS": "80"})
    assert r.exit_code in (0, 1), r.output
    assert max(_widths(r.stdout)) <= 80, r.stdout


def test_a_pipe_without_columns_keeps_each_row_on_one_line(bureau: Ledger):
    out = bureau.ok("log").stdout
    rows = out.splitlines()[2:]
    assert len(rows) == bureau.event_count() and all(row.split()[0].isdigit() for row in rows)
    assert "\x1b[" not in out  # no colour into a pipe


posix_terminal = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX's")


def _on_a_terminal(args: list[str], env: dict[str, str], rows: int = 24) -> str:
    """Run `ledger ARGS` with a pseudo-terminal as stdout (and stdin), and return what it wrote."""
    import fcntl
    import pty
    import struct
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 100, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    code = "from cli.main import cli; cli(prog_name='ledger')"
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdin=secondary, stdout=secondary,
                            stderr=subprocess.PIPE, env={**full_env, **env})
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


@posix_terminal
def test_colour_only_on_a_terminal_and_never_with_no_color(bureau: Ledger):
    args = ["--store", bureau.store, "roster", "--as-of", "2023-06-30"]
    coloured = _on_a_terminal(args, {"PAGER": "cat"}, rows=200)
    assert "\x1b[1m" in coloured  # the headings in bold
    plain = _on_a_terminal(args, {"PAGER": "cat", "NO_COLOR": "1"}, rows=200)
    assert "\x1b[" not in plain and "S04" in plain


@posix_terminal
def test_long_output_on_a_terminal_goes_through_the_pager(bureau: Ledger, tmp_path: Path):
    pager = tmp_path / "pager.py"
    seen = tmp_path / "seen.txt"
    pager.write_text(f"import sys\nopen({str(seen)!r}, 'w').write(sys.stdin.read())\n", encoding="utf-8")
    _on_a_terminal(["--store", bureau.store, "log"], {"PAGER": f"{sys.executable} {pager}"}, rows=10)
    assert seen.exists() and "S04" in seen.read_text(encoding="utf-8")
    seen.unlink()
    _on_a_terminal(["--store", bureau.store, "history", "S05"], {"PAGER": f"{sys.executable} {pager}"}, rows=200)
    assert not seen.exists()  # short output is not paged


def test_a_closed_pipe_ends_the_command_quietly(bureau: Ledger):
    code = "from cli.main import cli; cli(prog_name='ledger')"
    p = subprocess.Popen(f"{sys.executable} -c \"{code}\" --store {bureau.store} log | head -1", shell=True,
                         stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=60)
    assert out.strip() and "Error" not in err and "Traceback" not in err
    assert run_ledger("--store", bureau.store, "log").returncode == 0
