"""What a clerk types or a file holds is text the ledger can keep and show, of the field's one type, and a date that can
be: invisible, control and bidi characters, wrong types, numbers out of range, duplicate keys and impossible dates
are refused with the exact reason, at the command line and in files, on SQLite and PostgreSQL; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit_bureau import ev, opening
from tests.conftest import Ledger
from tests.safety import refused

HIRE = ["--gender", "男", "--birth-date", "1990-05-01", "--unit", "TJ", "--section", "办公室", "--establishment",
        "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2022-01-01"]


def hire(person: object = "T20", **fields: object) -> dict:
    base = dict(name="令狐冲", gender="男", birth_date="1990-05-01", unit="TJ", section="办公室", establishment="行政编制",
                rank="一级科员", mode="录用")
    return ev("hired", "2022-01-01", person=person, **{**base, **fields})


@pytest.fixture
def bureau(ledger: Ledger, write_jsonl) -> Ledger:
    ledger.ok("import", str(write_jsonl(opening())))
    return ledger


def refused_line(ledger: Ledger, *args: str) -> str:
    err = refused(ledger, *args)
    lines = err.splitlines()
    assert lines[0] == "Refused (nothing was written):", err
    return "\n".join(lines[1:])


# --- text ---------------------------------------------------------------------------------------------------------
def test_an_id_with_an_invisible_character_is_no_second_person(bureau: Ledger) -> None:
    assert refused_line(bureau, "hire", "T01\u200b", "--name", "钟离春", *HIRE) == \
        "  hired: person: holds an invisible format character (U+200B) at character 4: remove it"
    assert [p["person"] for p in bureau.json("roster", "--as-of", "2022-01-01")["people"]].count("T01") == 1


@pytest.mark.parametrize("bad,what", [
    ("T2\x00", "a control character (U+0000) at character 3"),
    ("T2\u202e", "an invisible format character (U+202E) at character 3"),
    ("T\u20282", "a line separator (U+2028) at character 2"),
])
def test_a_nul_bidi_or_separator_in_an_id_is_refused_in_a_file(bureau: Ledger, write_jsonl, bad: str, what: str) -> None:
    assert refused_line(bureau, "import", str(write_jsonl([hire(bad)]))) == f"  line 1: hired: person: holds {what}: remove it"
    assert bureau.json("roster", "--as-of", "2022-01-01")["people"]  # the ledger reads as before


@pytest.mark.parametrize("bad,why", [
    ("P/1", "'P/1' is not an id (1–64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit)"),
    ("-P1", "'-P1' is not an id (1–64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit)"),
    ("P" * 65, "65 characters, more than the 64 allowed"),
])
def test_ids_follow_one_pattern(bureau: Ledger, write_jsonl, bad: str, why: str) -> None:
    assert refused_line(bureau, "import", str(write_jsonl([hire(bad)]))) == f"  line 1: hired: person: {why}"


def test_full_width_id_characters_are_read_as_ascii(bureau: Ledger, write_jsonl) -> None:
    bureau.ok("import", str(write_jsonl([hire("Ｔ２０")])))
    assert "T20" in [p["person"] for p in bureau.json("roster", "--as-of", "2022-01-01")["people"]]


def test_escape_codes_in_a_name_are_refused_and_never_reach_the_terminal(bureau: Ledger) -> None:
    err = refused_line(bureau, "hire", "T20", "--name", "\x1b[2K\r1 events recorded\x1b[8m", *HIRE)
    assert err == "  hired: name: holds a control character (U+001B) at character 1: remove it"
    assert "\x1b" not in err


def test_names_are_trimmed_and_their_padding_dropped(bureau: Ledger) -> None:
    bureau.ok("hire", "T20", "--name", " 林  芳 ", *HIRE)
    bureau.ok("engage", "Z09", "--name", "Li\u3000\u3000Fang", "--role", "办公室 助理", "--unit", "TJ",
              "--effective", "2022-01-01")
    roster = bureau.json("roster", "--as-of", "2022-01-01")
    assert [p["name"] for p in roster["people"] if p["person"] == "T20"] == ["林芳"]
    assert [(a["name"], a["role"]) for a in roster["assistants"]] == [("Li Fang", "办公室助理")]


def test_a_name_over_its_limit_is_refused(bureau: Ledger) -> None:
    assert refused_line(bureau, "hire", "T20", "--name", "张" * 101, *HIRE) == \
        "  hired: name: 101 characters, more than the 100 allowed"


def test_a_line_break_in_a_note_is_refused(bureau: Ledger, write_jsonl) -> None:
    assert refused_line(bureau, "import", str(write_jsonl([hire(note="第一行\n1 events recorded")]))) == \
        "  line 1: hired: note: holds a control character (U+000A) at character 4: remove it"


def test_text_the_ledger_refuses_is_never_obeyed_and_its_row_is_named(sqlite_store: str, write_jsonl) -> None:
    """A row holding text the ledger refuses at entry (control and bidi characters: inserted by hand, or by a writer
    that skipped the rules) is one this ledger would not have written: every reader passes over it with a notice
    naming it — the terminal never shows the text raw, let alone obeys it — and the owner can set it aside."""
    from ledger.app.ledger import open_ledger
    from ledger.model.facts import Draft
    from ledger.model.parsing import parse_fields

    app = open_ledger(sqlite_store)
    app.append([Draft(x.pop("event"), x) for x in opening()])
    fields, _ = parse_fields("hired", {k: v for k, v in hire().items() if k != "event"})
    app.append([Draft("hired", {}, parsed={**fields, "name": "坏\x1b[2K\u202e人\n1 events recorded"})])
    app.close()
    ledger = Ledger(sqlite_store)
    for args in (("roster", "--as-of", "2022-01-01"), ("log",), ("history", "T20")):
        r = ledger(*args)
        assert "\x1b" not in r.output and "\u202e" not in r.output and "\n1 events recorded" not in r.output, args
        if args[0] != "history":  # (T20 is the row's person: no one the ledger holds)
            assert "U+001B" in r.output and "quarantine" in r.output, r.output  # the row named, and what to do
    assert "T20" not in ledger.ok("roster", "--as-of", "2022-01-01").stdout
    row = max(e["id"] for e in ledger.json("log"))
    ledger.ok("quarantine", str(row + 1), "--reason", "text the ledger refuses")
    out = ledger.ok("roster", "--as-of", "2022-01-01").output
    assert "U+001B" not in out and "quarantine" not in out


# --- types --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line,message", [
    (hire(name={"a": [1, 2]}), "hired: name: expected text, not an object"),
    (hire(name=["张三"]), "hired: name: expected text, not a list"),
    (hire(person=20), "hired: person: expected text, not the number 20"),
    (ev("quota_set", "2022-01-01", unit="TJ", establishment="行政编制", count="E5"),
     "quota_set: count: 'E5' is not a whole number"),
    (ev("quota_set", "2022-01-01", unit="TJ", establishment="行政编制", count=True),
     "quota_set: count: true (yes/no) is not a whole number"),
    (ev("quota_set", "2022-01-01", unit="TJ", establishment="行政编制", count=5.5),
     "quota_set: count: the number 5.5 is not a whole number"),
    (ev("quota_set", "2022-01-01", unit="TJ", establishment="行政编制", count=18446744073709551615),
     "quota_set: count: 18446744073709551615 is out of range (0–1,000,000)"),
    (ev("quota_set", "2022-01-01", unit="TJ", establishment="行政编制", count=-1),
     "quota_set: count: -1 is out of range (0–1,000,000)"),
    (ev("post_appointed", "2022-01-01", person="T02", post="科长", section="综合科", probation=1),
     "post_appointed: probation: the number 1 is not yes/no"),
])
def test_each_field_has_one_type(bureau: Ledger, write_jsonl, line: dict, message: str) -> None:
    assert refused_line(bureau, "import", str(write_jsonl([line]))) == f"  line 1: {message}"


@pytest.mark.parametrize("count,message", [
    ("E3", "'E3' is not a whole number"),
    ("1" * 30, "111111111111111111111111111111 is out of range (0–1,000,000)"),
    ("3.0", "'3.0' is not a whole number"),
])
def test_counts_at_the_command_line_are_whole_numbers_in_range(bureau: Ledger, count: str, message: str) -> None:
    assert refused_line(bureau, "org", "quota", "TJ", "--establishment", "行政编制", "--count", count, "--effective",
                        "2022-01-01") == f"  quota_set: count: {message}"


def test_a_thirty_digit_count_in_a_file_is_out_of_range(bureau: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl"
    f.write_text('{"event": "quota_set", "unit": "TJ", "establishment": "行政编制", "count": 1' + "0" * 29 +
                 ', "effective": "2022-01-01"}\n', encoding="utf-8")
    assert refused_line(bureau, "import", str(f)) == \
        "  line 1: quota_set: count: the number 1e+29 is out of range (0–1,000,000)"


def test_a_key_given_twice_on_a_line_is_refused_with_its_line(bureau: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "twice.jsonl"
    f.write_text('{"event": "rank_promoted", "person": "T03", "rank": "二级主任科员", "effective": "2022-03-01"}\n'
                 '{"event": "quota_set", "unit": "TJ", "establishment": "行政编制", "count": 9, "count": 90, '
                 '"effective": "2022-01-01"}\n', encoding="utf-8")
    assert refused_line(bureau, "import", str(f)) == '  line 2: the key "count" is given twice (which one is meant?)'


# --- dates --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line,message", [
    (hire(birth_date="0001-01-01"),
     "line 1: hired: birth_date: 0001-01-01 is an impossible date (dates run from 1900-01-01 to 2100-12-31)"),
    (hire(birth_date="2099-01-01"), "line 1: hired: birth_date: 2099-01-01 is an impossible date: it is after today"),
    (hire(birth_date="2017-01-01"),
     "line 1: 2022-01-01 T20 令狐冲: birth date 2017-01-01: 5 years old on 2022-01-01 (the hire); nobody is hired, "
     "ranked or appointed before 16 (《劳动法》第十五条)"),
    (hire(birth_date="1990-05-01", rank_since="2005-01-01"),
     "line 1: 2022-01-01 T20 令狐冲: birth date 1990-05-01: 14 years old on 2005-01-01 (rank_since); nobody is "
     "hired, ranked or appointed before 16 (《劳动法》第十五条)"),
    (hire(rank_since="2023-01-01"), "line 1: hired: rank_since (2023-01-01) must not be after effective (2022-01-01)"),
    (ev("rank_promoted", "2022-03-01", person="T03", rank="二级主任科员", publicity_from="2022-02-20",
        publicity_to="2022-02-10"),
     "line 1: rank_promoted: publicity_from (2022-02-20) must not be after publicity_to (2022-02-10)"),
    (ev("secondment_started", "2022-03-01", person="T03", host="区委办", kind="借调", until="2022-02-01"),
     "line 1: secondment_started: effective (2022-03-01) must not be after until (2022-02-01)"),
    (ev("post_appointed", "2022-03-01", person="T02", post="科长", section="综合科", since="2000-01-01"),
     "line 1: 2022-03-01 T02 公孙兰: birth date 1988-04-04: 11 years old on 2000-01-01 (since); nobody is hired, "
     "ranked or appointed before 16 (《劳动法》第十五条)"),
])
def test_impossible_dates_are_refused(bureau: Ledger, write_jsonl, line: dict, message: str) -> None:
    assert refused_line(bureau, "import", str(write_jsonl([line]))) == f"  {message}"
