"""The corrections file of a generated city: facts a clerk records after the import — promotions retracted and
re-recorded a month earlier, and secondments that were forgotten and are entered back-dated."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generate import City

def corrections(city: City, first_ids: list[int], count: int, hosts: tuple[str, ...]) -> list[dict[str, Any]]:
    """Back-dated secondments and corrected promotions; `first_ids[i]` is the id of line i of the main file."""
    r = city.rng
    out: list[dict[str, Any]] = []
    people = sorted(city.people.values(), key=lambda p: p.pid)
    r.shuffle(people)
    fixed = forgotten = 0
    for p in people:
        if fixed >= count and forgotten >= count:
            break
        dates = sorted(d for d, _ in p.events)
        if fixed < count and p.promotions:
            idx, on, rank = p.promotions[-1]
            earlier = on - timedelta(days=30)
            prior = [d for d in dates if d < on] + [p.hired, p.rank_since if p.rank_since < on else p.hired]
            if all(d < earlier - timedelta(days=1) for d in prior):
                target = first_ids[idx]
                out.append({"event": "retracted", "target": target, "reason": "wrong effective date",
                            "note": f"rank_promoted {p.pid} {rank} {on.isoformat()}"})
                out.append({"event": "rank_promoted", "person": p.pid, "rank": rank, "effective": earlier.isoformat(),
                            "note": "re-recorded with the decision's date"})
                fixed += 1
                continue
        if forgotten < count and p.left is None and not any(k in ("seconded", "returned") for _, k in p.events):
            start = p.hired + timedelta(days=60)
            end = start + timedelta(days=90)
            if all(d < start or d > end for d in dates) and end < date(2025 - city.years + city.years, 1, 1):
                host = r.choice(hosts)
                out.append({"event": "secondment_started", "person": p.pid, "host": host, "kind": "学习",
                            "until": end.isoformat(), "effective": start.isoformat(), "note": "recorded late"})
                out.append({"event": "secondment_ended", "person": p.pid, "host": host, "effective": end.isoformat(),
                            "note": "recorded late"})
                forgotten += 1
    return out


def import_ids(lines: list[dict[str, Any]], first: int = 2) -> list[int]:
    """The ids an import of `lines` into an empty store gives each line (the ledger's own batch order)."""
    from ledger.fold.walk import batch_order
    from ledger.model.facts import Fact

    facts = [Fact(0, x["event"], date.fromisoformat(x["effective"]), x) for x in lines]
    ids = [0] * len(lines)
    for n, i in enumerate(batch_order(facts)):
        ids[i] = first + n
    return ids
