"""Nothing of the cadre's file is changed or dropped without a word: a 事业单位's 年度考核 written 合格 is recorded as
the ledger's 称职 and the import says so (a second import says nothing and records nothing); the .docx form writes
every family member — the back's rows, then a 续页 for the rest, the back's last row saying so."""

from __future__ import annotations

from pathlib import Path

import docx

from exporters.appointment_form import FAMILY_ROWS
from tests.conftest import Ledger
from tests.integration.test_lrmx_round_trip import SAMPLES, elements


def test_a_form_written_he_ge_is_recorded_as_chen_zhi_and_says_so(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    form = tmp_path / "事业.lrmx"
    text = (SAMPLES / "周雨桐.lrmx").read_text(encoding="utf-8")
    assert "2020年度称职；2021年度优秀；2022年度称职" in text
    form.write_text(text.replace("2020年度称职；2021年度优秀；2022年度称职", "2020年度合格；2021年度优秀；2022年度不合格"),
                    encoding="utf-8")
    r = sqlite_ledger.ok("import-lrmx", str(form))
    assert "2020年度合格 recorded as 称职" in r.output and "2022年度不合格 recorded as 不称职" in r.output
    grades = {e["year"]: e["grade"] for e in sqlite_ledger.json("log") if e["event"] == "appraised"}
    assert grades == {2020: "称职", 2021: "优秀", 2022: "不称职"}
    out = tmp_path / "back.lrmx"
    sqlite_ledger.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "-o", str(out))
    assert elements(out)["NianDuKaoHeJieGuo"] == "2020年度称职；2021年度优秀；2022年度不称职"  # as the notice said
    before = sqlite_ledger.event_count()
    again = sqlite_ledger.ok("import-lrmx", str(form))
    assert sqlite_ledger.event_count() == before and "recorded as" not in again.output


def test_every_family_member_is_written_the_rest_on_a_continuation_page(sqlite_ledger: Ledger,
                                                                       tmp_path: Path) -> None:
    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    names = [f"成员{chr(0x4E00 + i)}" for i in range(FAMILY_ROWS + 3)]
    for i, name in enumerate(names):
        sqlite_ledger.ok("family", "Z1", "--relation", "亲属", "--member", name, "--born", f"19{60 + i}.01",
                         "--work", f"单位{i}", "--effective", "2023-01-01")
    out = tmp_path / "z1.docx"
    sqlite_ledger.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "-o", str(out))
    d = docx.Document(str(out))
    front, back, more = d.tables
    written = [c.text for t in (back, more) for r in t.rows for c in r.cells]
    for name in names:
        assert name in written, name  # none dropped
    on_back = [n for n in names if n in {c.text for r in back.rows for c in r.cells}]
    assert len(on_back) == FAMILY_ROWS - 1
    assert any("另有4人，见续页" in c.text for r in back.rows for c in r.cells)
    assert "续页" in "".join(p.text for p in d.paragraphs)


def test_a_family_that_fits_has_no_continuation_page(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    for i in range(FAMILY_ROWS):
        sqlite_ledger.ok("family", "Z1", "--relation", "亲属", "--member", f"亲属{chr(0x4E00 + i)}", "--effective",
                         "2023-01-01")
    out = tmp_path / "z1.docx"
    sqlite_ledger.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "-o", str(out))
    d = docx.Document(str(out))
    assert len(d.tables) == 2 and not any("续页" in c.text for r in d.tables[1].rows for c in r.cells)
