"""The sample bureau: records the packaged demo history (data files, invented people) into a fresh store.

The history is data (`ledger/data/demo_*.jsonl`), recorded the way a clerk would: the bureau's history, then a
promotion entered with the wrong date, its retraction, and the corrected entry; then its 2023 (the 评议 of 2022, a
selection from 动议 to 任职, probations closed). Each part is a recording of its own, dated on the demo's own clock
(2020-01-06 … 2023-12-04), so that the ledger as known at a moment has something to show. A rules file beside the store (`ledger.toml`) holds the bureau's
settings: the report's 主送机关 and 发文机关署名, and the date from which every 提拔 must have its steps on record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from ledger.app.ledger import PersonnelLedger, open_ledger
from ledger.app.outputs import STORE_FILES, OutputRefused
from ledger.io.jsonl import read_jsonl
from ledger.model.facts import Draft
from ledger.rules.catalogue import RULES_FILE
from ledger.store.private_files import private_folder, write_private

DEMO_STORE = "ledger.sqlite3"


def _data(name: str) -> list[Draft]:
    with resources.as_file(resources.files("ledger") / "data" / name) as path:
        return read_jsonl(Path(path))


def demo_narrative() -> bytes:
    """The sample narrative of the demo bureau's 2022 yearly report (Markdown, for `--narrative`)."""
    return (resources.files("ledger") / "data" / "demo_narrative_2022.md").read_bytes()


DEMO_SETTINGS = """# The sample bureau's settings: read beside its store by every command (see README, "Compliance").
[report]
to = "中共某某区委组织部"
signed_by = "中共区文化和旅游局党组"

[SELECTION_STEPS]
since = 2023-01-01   # from 2023 every 提拔 has its 动议, 民主推荐, 考察 and 讨论决定 on record
"""


def check_demo_folder(folder: Path) -> None:
    """Refuse a folder that holds a ledger store (or what is left of one) or a store's settings (`ledger.toml`):
    the demo never replaces a store, nor the rules a bureau wrote for one."""
    store = folder / DEMO_STORE
    files = [Path(f"{store}{suffix}") for suffix in STORE_FILES] + [folder / RULES_FILE]
    held = [p for p in files if p.exists() or p.is_symlink()]
    if held:
        raise OutputRefused(f"{folder} already holds a ledger store ({held[0]}): the demo builds a new one and never "
                            "replaces a store; give it an empty or new folder (nothing was written)")


def build_demo(folder: Path, actor: str = "demo") -> PersonnelLedger:
    """Create `folder`/ledger.sqlite3 holding the sample bureau's 2019–2023 history; return it open.

    A folder that already holds a store (a ledger.sqlite3, or what is left of one) is refused: the demo never
    replaces a ledger, a real one or an earlier demo's.
    """
    check_demo_folder(folder)
    private_folder(folder)
    write_private(folder / RULES_FILE, DEMO_SETTINGS.encode(), exclusive=True)
    app = open_ledger(str(folder / DEMO_STORE))
    bureau = _data("demo_bureau.jsonl")
    for year, moment in BUREAU_RECORDINGS:  # each year's facts, recorded early the next (2022's in the autumn)
        app.append([d for d in bureau if str(d.fields["effective"]).startswith(year)], actor=actor, at=moment)
    wrong = app.append(_data("demo_correction.jsonl"), actor=actor, at=_at("2022-11-08T02:10:00"))
    app.append([Draft("retracted", {"target": i, "reason": "录入的生效日期有误 (wrong effective date entered)",
                          "effective": "2022-11-21"}) for i in wrong],
               actor="demo-reviewer", at=_at("2022-11-21T06:45:00"))
    app.append(_data("demo_corrected.jsonl"), actor=actor, at=_at("2022-11-21T07:05:00"))
    later = _data("demo_2023.jsonl")
    first_half = [d for d in later if str(d.fields["effective"]) <= "2023-06-30"]
    app.append(first_half, actor=actor, at=_at("2023-07-03T01:30:00"))
    app.append([d for d in later if str(d.fields["effective"]) > "2023-06-30"], actor=actor, at=_at("2023-12-04T01:30:00"))
    return app


def _at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


# The demo's own clock: the bureau's history is recorded in dated batches, as a clerk would have recorded it, so
# that known-at has recordings to step through (one batch, one moment).
BUREAU_RECORDINGS = (("2019", _at("2020-01-06T01:30:00")), ("2020", _at("2021-01-05T01:30:00")),
                     ("2021", _at("2022-01-05T01:30:00")), ("2022", _at("2022-11-03T02:00:00")))
