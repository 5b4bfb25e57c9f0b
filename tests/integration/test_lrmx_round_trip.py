"""The 干部任免审批表 both ways, over the repository's own sample forms (`tests/fixtures/lrmx`): every element the
ledger holds comes back equal after import → export; what it does not hold is named at import; a second import
records nothing; the real variants are read; a photo is kept once and covered by `verify`."""

from __future__ import annotations

import base64
import shutil
import sqlite3
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from ledger.io.lrmx import ELEMENTS, FAMILY, FAMILY_ELEMENTS, NOT_HELD
from tests.conftest import Ledger

SAMPLES = Path(__file__).parent.parent / "fixtures" / "lrmx"


def elements(path: Path) -> dict[str, object]:
    """Every element's text (the family as its items' texts), as a reader of the file sees it."""
    root = SafeET.fromstring(path.read_bytes())
    out: dict[str, object] = {}
    for child in root:
        if child.tag == FAMILY:
            out[FAMILY] = [{t: (item.findtext(t) or "") for t in FAMILY_ELEMENTS} for item in child.findall("Item")]
        else:
            out[child.tag] = "".join((child.text or "").split()) if child.tag == "ZhaoPian" else (child.text or "")
    return out


@pytest.fixture
def staffed(ledger: Ledger, tmp_path: Path) -> Ledger:
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    for form in SAMPLES.glob("*.lrmx"):
        shutil.copy(form, tmp_path / form.name)
    return ledger


def export(ledger: Ledger, person: str, on: str, out: Path, form: dict[str, object]) -> dict[str, object]:
    """The form the ledger writes, given what the form had that the ledger does not hold (the proposal, 填表人)."""
    ledger.ok("export", "appointment-form", "--person", person, "--as-of", on, "--show-id-number",
              "--proposed-post", str(form["NiRenZhiWu"]), "--proposed-removal", str(form["NiMianZhiWu"]),
              "--reason", str(form["RenMianLiYou"]), "--filled-by", str(form["TianBiaoRen"]), "-o", str(out))
    return elements(out)


def test_a_whole_form_comes_back_equal_element_by_element(staffed: Ledger, tmp_path: Path) -> None:
    form_path = tmp_path / "周雨桐.lrmx"
    form = elements(form_path)
    r = staffed.ok("import-lrmx", str(form_path))
    for element in NOT_HELD:  # what the ledger does not hold is named, never dropped silently
        if form[element]:
            assert element in r.output, element
    events = [e["event"] for e in staffed.json("log") if e.get("person") == "Z1"]
    for kind in ("family_member_recorded", "photo_recorded", "award_recorded", "discipline_recorded", "appraised",
                 "education_recorded", "career_recorded", "profile_recorded", "title_conferred"):
        assert kind in events, kind
    assert events.count("family_member_recorded") == 3 and events.count("appraised") == 3
    back = export(staffed, "Z1", "2023-03-15", tmp_path / "back.lrmx", form)
    assert list(back) == list(ELEMENTS)  # the editor's order
    for element in ELEMENTS:
        assert back[element] == form[element], element

    # the second import of the same form records nothing
    before = staffed.event_count()
    again = staffed.ok("import-lrmx", str(form_path))
    assert "0 facts recorded" in again.output
    assert staffed.event_count() == before


def test_the_real_variants_are_read(staffed: Ledger, tmp_path: Path) -> None:
    form_path = tmp_path / "韩子墨.lrmx"
    form = elements(form_path)
    staffed.ok("import-lrmx", str(form_path))
    profile = next(e for e in staffed.json("history", "H1") if e["event"] == "profile_recorded")
    assert profile["party"] == "民盟" and profile["party_joined"] == "2011-05"
    facts = [e for e in staffed.json("history", "H1") if e["event"] == "appraised"]
    assert all(e["effective"] == "2023-03-01" for e in facts)  # 填表时间 202303: its first day
    back = export(staffed, "H1", "2023-03-01", tmp_path / "back.lrmx", form)
    for element in ELEMENTS:
        expected = "20230301" if element in ("JiSuanNianLingShiJian", "TianBiaoShiJian") else form[element]
        assert back[element] == expected, element


def test_nothing_is_printed_none_that_the_ledger_does_not_know(staffed: Ledger, tmp_path: Path) -> None:
    staffed.ok("export", "appointment-form", "--person", "H1", "--as-of", "2023-03-01", "-o", str(tmp_path / "h.lrmx"))
    values = elements(tmp_path / "h.lrmx")
    assert values["JiangChengQingKuang"] == ""  # no 奖惩 recorded: unknown, so blank, never "无"
    assert values["TianBiaoRen"] == "tester"  # no --filled-by, no ledger.toml: the actor
    assert values["Version"].startswith("3.2.1.")


def test_a_form_saying_none_is_named_and_what_cannot_be_read_is_kept_as_written(staffed: Ledger,
                                                                                  tmp_path: Path) -> None:
    text = (tmp_path / "韩子墨.lrmx").read_text(encoding="utf-8")
    odd = text.replace("<JiangChengQingKuang />", "<JiangChengQingKuang>多次获嘉奖</JiangChengQingKuang>").replace(
        "2022年度优秀", "2022年度优秀；2019年因病未参加考核")
    (tmp_path / "odd.lrmx").write_text(odd, encoding="utf-8")
    r = staffed.ok("import-lrmx", str(tmp_path / "odd.lrmx"))
    assert "多次获嘉奖" in r.output and "2019年因病未参加考核" in r.output
    award = next(e for e in staffed.json("history", "H1") if e["event"] == "award_recorded")
    assert award["text"] == "多次获嘉奖" and award["undated"] is True
    staffed.ok("export", "appointment-form", "--person", "H1", "--as-of", "2023-03-01", "-o", str(tmp_path / "h.lrmx"))
    assert elements(tmp_path / "h.lrmx")["JiangChengQingKuang"] == "多次获嘉奖"
    none = text.replace("<JiangChengQingKuang />", "<JiangChengQingKuang>无</JiangChengQingKuang>")
    (tmp_path / "none.lrmx").write_text(none, encoding="utf-8")
    assert "无" in staffed.ok("import-lrmx", str(tmp_path / "none.lrmx")).output


def test_other_variants_are_refused_naming_file_and_element(staffed: Ledger, tmp_path: Path) -> None:
    text = (tmp_path / "韩子墨.lrmx").read_text(encoding="utf-8")
    for old, new, element in (("201105；民盟", "201105；某协会", "RuDangShiJian"), ("<TianBiaoShiJian>202303",
                              "<TianBiaoShiJian>2023031", "TianBiaoShiJian")):
        (tmp_path / "bad.lrmx").write_text(text.replace(old, new), encoding="utf-8")
        before = staffed.event_count()
        r = staffed("import-lrmx", str(tmp_path / "bad.lrmx"))
        assert r.exit_code == 1 and "bad.lrmx" in r.output and element in r.output, r.output
        assert "Traceback" not in r.output and staffed.event_count() == before


def test_a_photo_is_kept_once_and_verify_covers_it(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    ledger = sqlite_ledger
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    form = elements(SAMPLES / "周雨桐.lrmx")
    image = tmp_path / "z.png"
    image.write_bytes(base64.b64decode(str(form["ZhaoPian"])))
    ledger.ok("photo", "Z1", "--file", str(image), "--effective", "2023-01-01")
    ledger.ok("import-lrmx", str(SAMPLES / "周雨桐.lrmx"))  # the same image: no second photo, no second row
    assert [e["event"] for e in ledger.json("log")].count("photo_recorded") == 1
    conn = sqlite3.connect(ledger.store)
    assert conn.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 1
    ledger.ok("verify")
    conn.execute("UPDATE blobs SET body = ?", (b"\x89PNG edited",))
    conn.commit()
    conn.close()
    r = ledger("verify")
    assert r.exit_code == 1 and "blob" in r.output


def test_a_file_that_is_no_photo_is_refused(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    before = sqlite_ledger.event_count()
    (tmp_path / "x.gif").write_bytes(b"GIF89a" + b"\x00" * 100)
    r = sqlite_ledger("photo", "Z1", "--file", str(tmp_path / "x.gif"), "--effective", "2023-01-01")
    assert r.exit_code == 1 and "x.gif" in r.output and "JPEG or PNG" in r.output
    assert sqlite_ledger.event_count() == before


def test_the_filler_comes_from_the_stores_settings(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    (Path(sqlite_ledger.store).parent / "ledger.toml").write_text('[form]\nfilled_by = "孙文静"\n', encoding="utf-8")
    out = tmp_path / "z.lrmx"
    sqlite_ledger.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "-o", str(out))
    assert elements(out)["TianBiaoRen"] == "孙文静"
    sqlite_ledger.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "--filled-by", "钱敏",
                     "-o", str(out), "--force")
    assert elements(out)["TianBiaoRen"] == "钱敏"


def test_a_photo_in_an_encrypted_store_is_encrypted_and_comes_back(tmp_path: Path) -> None:
    from ledger.store.crypto import new_key

    ledger = Ledger(str(tmp_path / "ledger.sqlite3"))
    env = {"LEDGER_ENCRYPTION_KEY": new_key()}
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"), env=env)
    ledger.ok("import-lrmx", str(SAMPLES / "周雨桐.lrmx"), env=env)
    image = base64.b64decode(str(elements(SAMPLES / "周雨桐.lrmx")["ZhaoPian"]))
    conn = sqlite3.connect(ledger.store)
    (body,) = conn.execute("SELECT body FROM blobs").fetchone()
    conn.close()
    assert bytes(body) != image and image[16:24] not in bytes(body)  # not kept in the clear
    ledger.ok("verify", env=env)
    out = tmp_path / "z.lrmx"
    ledger.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "-o", str(out), env=env)
    assert base64.b64decode(str(elements(out)["ZhaoPian"])) == image
