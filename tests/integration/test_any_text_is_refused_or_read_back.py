"""Property: any Unicode text, in any text field of any event type, through `ledger import`, is either refused with a
clear message (and nothing written), or stored so that the log, the history, the roster and every export read it back
exactly as the ledger keeps it (`ledger.model.parsing.sanitise`) — never a traceback, never a second person who
looks like the first."""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from ledger.io.spreadsheets import read_tables
from ledger.model.events import EVENT_TYPES
from ledger.model.parsing import ID_PATTERN, parse_value
from tests.audit_bureau import ev, opening
from tests.conftest import Ledger
from tests.safety import fingerprint

DAY = "2022-03-01"
# One line of each event type that the base ledger accepts; the property puts random text into one of its fields.
TEMPLATES: dict[str, dict[str, Any]] = {
    "unit_established": ev("unit_established", DAY, unit="NU", name="区新设局", kind="事业单位", parent="TJ",
                           funding="全额拨款"),
    "section_established": ev("section_established", DAY, unit="TJ", section="信息科"),
    "section_abolished": ev("section_abolished", DAY, unit="TJ", section="档案科"),
    "quota_set": ev("quota_set", DAY, unit="TJ", establishment="行政编制", count=9),
    "post_quota_set": ev("post_quota_set", DAY, unit="TJ", post="副科长", level="乡科级副职", count=2),
    "hired": ev("hired", DAY, person="T30", name="慕容复", gender="男", birth_date="1990-05-01", education="硕士研究生",
                unit="TJ", section="综合科", establishment="行政编制", rank="一级科员", mode="录用"),
    "rank_promoted": ev("rank_promoted", DAY, person="T03", rank="二级主任科员"),
    "transferred": ev("transferred", DAY, person="T04", section="综合科"),
    "post_appointed": ev("post_appointed", DAY, person="T03", post="科长", section="调查科"),
    "post_vacated": ev("post_vacated", DAY, person="T01", post="局长"),
    "secondment_started": ev("secondment_started", DAY, person="T03", host="区委办公室", kind="借调"),
    "secondment_ended": ev("secondment_ended", DAY, person="T02", host="区委党校"),
    "assistant_engaged": ev("assistant_engaged", DAY, person="Z05", name="端木蓉", role="办公室助理", unit="TJ"),
    "assistant_released": ev("assistant_released", DAY, person="Z01"),
    "separated": ev("separated", DAY, person="T04", reason="辞职"),
    "retracted": ev("retracted", DAY, target=len(opening()) + 4, reason="录入有误"),  # Z01's engagement
    "profile_recorded": ev("profile_recorded", DAY, person="T03", ethnicity="汉族", native_place="浙江杭州",
                           birthplace="浙江杭州", party="中共党员", health="健康", specialty="统计分析"),
    "education_recorded": ev("education_recorded", DAY, person="T03", kind="在职", level="大学本科",
                             degree="管理学学士", school="中央党校经济管理专业", graduated="2021-07"),
    "title_conferred": ev("title_conferred", DAY, person="T03", title="统计师", grade="中级"),
    "appraised": ev("appraised", DAY, person="T03", year=2021, grade="称职"),
    "award_recorded": ev("award_recorded", DAY, person="T03", text="嘉奖"),
    "discipline_recorded": ev("discipline_recorded", DAY, person="T04", text="诫勉谈话"),
    "family_member_recorded": ev("family_member_recorded", DAY, person="T03", relation="父亲", member="林国栋",
                                 born="1962-03", party="群众", work="已退休"),
    "photo_recorded": ev("photo_recorded", DAY, person="T03", sha256="0" * 64, media_type="image/jpeg", size=1000,
                         width=300, height=400),  # no image kept under that key: refused, whatever the text
    "career_recorded": ev("career_recorded", DAY, person="T03", from_month="2010-08", to_month="2015-12",
                          text="区统计局科员"),
    "selection_started": ev("selection_started", DAY, selection="XR2022-01", unit="TJ", post="科长",
                            section="调查科"),
    "recommendation_held": ev("recommendation_held", DAY, selection="XR2021-01", participants=20,
                              votes="T03:15, T04:5"),
    "inspection_done": ev("inspection_done", DAY, selection="XR2021-01", candidates="T03", conclusion="考察合格"),
    "decision_made": ev("decision_made", DAY, selection="XR2021-01", present=9, members=11, chosen="T03"),
    "probation_ended": ev("probation_ended", DAY, person="T01", post="局长", result="合格"),
    "review_recorded": ev("review_recorded", DAY, year=2021, satisfied=30, basically_satisfied=2, dissatisfied=0,
                          not_known=1),
    "rectification_recorded": ev("rectification_recorded", DAY, year=2021, answers="评议",
                                 text="评议结果已向干部本人反馈"),
    # a district's facts: on SQLite (no district there) refused, whatever the text
    "bureau_registered": ev("bureau_registered", DAY, bureau="WL", schema="wenlv_ju", name="区文化和旅游局"),
    "bureau_removed": ev("bureau_removed", DAY, bureau="WL"),  # none registered: refused, whatever the text
    "settings_changed": ev("settings_changed", DAY, settings='{"report": {"to": "中共某区委组织部"}}'),
    # recorded only by `transfer-out` / `accept-transfer`, with the bureaus' facts: refused here, whatever the text
    "transfer_sent": ev("transfer_sent", DAY, transfer="WL-20220301-T03", from_bureau="WL", to_bureau="SJ",
                        from_person="T03", name="林芳", cadre_file="{}"),
    "transfer_accepted": ev("transfer_accepted", DAY, transfer="WL-20220301-T03", to_person="T03"),
}
BASE = [*opening(), ev("section_established", "2021-01-01", unit="TJ", section="档案科"),
        ev("secondment_started", "2021-06-01", person="T02", host="区委党校", kind="学习"),
        ev("assistant_engaged", "2021-06-01", person="Z01", name="西门吹", role="综合科助理", unit="TJ"),
        ev("selection_started", "2021-12-01", selection="XR2021-01", unit="TJ", post="科长", section="调查科")]
TEXT_FIELDS = sorted((name, f.name) for name, t in EVENT_TYPES.items() for f in t.all_fields if f.kind is str)
TRICKY = "\x00\x1b\t\n\r\u00a0\u200b\u200d\u202e\u2028\u3000\ufeff\U000e0001 =+-@'\"\\　，林芳ＡＢ１"


def test_every_event_type_has_a_template() -> None:
    assert set(TEMPLATES) == set(EVENT_TYPES)  # a new event type gets a line here, and so its text is tested


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("base") / "ledger.sqlite3"
    folder = store.parent
    lines = folder / "base.jsonl"
    lines.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in BASE))
    Ledger(str(store)).ok("import", str(lines))
    return store


def texts(original: str) -> st.SearchStrategy[str]:
    """Any text at all, or the field's own value with tricky characters around and inside it."""
    tricky = st.text(alphabet=TRICKY, max_size=4)
    return st.one_of(st.text(max_size=24),
                     st.builds(lambda a, b, c: a + original[:1] + b + original[1:] + c, tricky, tricky, tricky))


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, str, str]:
    event, field = draw(st.sampled_from(TEXT_FIELDS))
    return event, field, draw(texts(str(TEMPLATES[event].get(field) or "")))


def controls(text: str) -> list[str]:
    """The characters of `text` a terminal would obey or hide (control, format, separator characters)."""
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


def kept(event: str, field: str, text: str) -> str | None:
    """The value as the ledger keeps it ('' → absent)."""
    value = parse_value(EVENT_TYPES[event].by_name[field], text)
    return value or None


def read_back(ledger: Ledger, folder: Path, event: str, field: str, value: str) -> None:
    """The stored value, as the log, the history, the roster and the exports show it."""
    last = ledger.json("log")[-1]
    assert last["event"] == event and last.get(field) == value, (last, value)
    person = last.get("person")
    if person is not None and event != "retracted":
        history = ledger.json("history", person)
        assert [e.get(field) for e in history if e["id"] == last["id"]] == [value]
    roster = ledger.json("roster", "--as-of", DAY)
    ids = [p["person"] for p in roster["people"]] + [a["person"] for a in roster["assistants"]]
    assert len(ids) == len(set(ids)) and all(ID_PATTERN.fullmatch(i) for i in ids), ids  # no look-alike people
    csv, xlsx, snapshot, report = (folder / n for n in ("r.csv", "r.xlsx", "s.json", "report.docx"))
    for out in (csv, xlsx):
        ledger.ok("export", "roster", "--as-of", DAY, "-o", str(out))
    ledger.ok("export", "compliance-snapshot", "--as-of", DAY, "-o", str(snapshot))
    ledger.ok("export", "yearly-report", "--year", "2022", "--as-of", DAY, "-o", str(report))
    shown = {"hired": ("person", "name", "education", "section"), "transferred": ("section",)}.get(event, ())
    if field in shown and value is not None:
        column = {"person": 0, "name": 1, "education": 4, "section": 6}[field]
        assert value in [p[field] for p in roster["people"]]
        for out in (csv, xlsx):
            assert value in [cells[column] for _, cells in read_tables(out)[0].rows[1:] if len(cells) > column], out
        assert value in [c.value for row in openpyxl.load_workbook(xlsx).active.iter_rows() for c in row]
    if event == "assistant_engaged" and field in ("name", "role") and value is not None:
        assert value in [a[field] for a in roster["assistants"]]
        assert value in "\n".join(p.text for p in docx.Document(str(report)).paragraphs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=cases())
@example(case=("hired", "person", "T01\u200b"))
@example(case=("hired", "person", "Ｔ３１"))
@example(case=("hired", "name", "林  芳"))
@example(case=("hired", "name", '=HYPERLINK("http://x","点")'))
@example(case=("assistant_engaged", "name", "@端木 蓉"))
@example(case=("hired", "section", "综合 科"))
@example(case=("hired", "name", "a\x00b"))
@example(case=("post_appointed", "note", "-\u202e1"))
def test_any_text_in_any_field_is_refused_clearly_or_read_back_as_kept(base_store: Path,
                                                                       case: tuple[str, str, str]) -> None:
    event, field, text = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = folder / "ledger.sqlite3"
        shutil.copy(base_store, store)
        ledger = Ledger(str(store))
        line = folder / "line.jsonl"
        line.write_bytes(orjson.dumps({**TEMPLATES[event], field: text}) + b"\n")
        before = fingerprint(str(store))
        r = ledger("import", str(line))
        assert "Traceback" not in r.output
        try:
            value = kept(event, field, text)
        except ValueError:
            value = "refused"
        tally("refused" if r.exit_code else "recorded")
        if r.exit_code != 0:
            assert r.exit_code == 1 and r.stderr.startswith("Refused (nothing was written):\n  "), r.output
            assert all(line.strip() and not controls(line) for line in r.stderr.splitlines()), r.stderr
            assert fingerprint(str(store)) == before
            return
        assert value != "refused", f"{field}={text!r} was recorded"
        read_back(ledger, folder, event, field, value)


def test_dates_of_the_templates_are_inside_the_bounds() -> None:
    assert date.fromisoformat(DAY) < date.today()
