"""What a district's stream says of its transfers across bureaus, read only: the registry and the transfers on a
date as known at a moment, a transfer as `ledger district transfers --json` shows it, and the findings of
`district check` about them. Kept apart from `ledger.app.transfers`, which writes: the district's roll-ups read
these without loading the recording path.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ledger.app.sources import read_source
from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import fold
from ledger.model.i18n import _
from ledger.model.state import State, Transfer

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

TRANSFER_EVENTS = ("bureau_registered", "bureau_removed", "transfer_sent", "transfer_accepted", "retracted")
PENDING_DAYS = 30  # a transfer pending longer than this is a finding of `district check`


def district_state(district: PersonnelLedger, on: date | None = None, known_at: Any = None) -> State:
    """The district's registry and transfers on `on` (None: after every fact) as known at `known_at`."""
    facts = [f for f in read_source(district).facts_of([STRUCTURE]) if f.event in TRANSFER_EVENTS]
    return fold(facts, on, known_at)


def transfer_json(t: Transfer) -> dict[str, Any]:
    """One transfer as `ledger district transfers --json` shows it."""
    return {"transfer": t.transfer, "person": t.person, "name": t.name, "from": t.from_bureau, "to": t.to_bureau,
            "out": t.out.isoformat() if t.out else None, "in": t.arrived.isoformat() if t.arrived else None,
            "to_person": t.to_person, "status": t.status}


def transfer_findings(state: State, on: date) -> list[dict[str, Any]]:
    """What `district check` reports of the transfers on `on`: one pending more than `PENDING_DAYS` days
    (TRANSFER_PENDING), and one whose arrival is before the 调出 or more than a day after it (TRANSFER_DATES_APART);
    each in the shape of `ledger check --json`'s findings, with the receiving bureau."""
    out = []
    for t in sorted(state.transfers.values(), key=lambda x: x.transfer):
        if t.out is None:
            continue
        if t.arrived is None and (on - t.out).days > PENDING_DAYS:
            out.append(_finding(t, "TRANSFER_PENDING", _("调动未接收"), _(
                "transfer {transfer} of {person} {name} from {source} to {target}: pending {days} days since the "
                "调出 on {out}").format(transfer=t.transfer, person=t.person, name=t.name, source=t.from_bureau,
                                       target=t.to_bureau, days=(on - t.out).days, out=t.out)))
        elif t.arrived is not None and not t.out <= t.arrived <= t.out + timedelta(days=1):
            how = _("arrived before the 调出") if t.arrived < t.out else _("a gap of {days} days").format(
                days=(t.arrived - t.out).days - 1)
            out.append(_finding(t, "TRANSFER_DATES_APART", _("调出与调入日期不衔接"), _(
                "transfer {transfer} of {person} {name}: 调出 from {source} on {out}, arrival in {target} on {arrived} "
                "({how})").format(transfer=t.transfer, person=t.person, name=t.name, source=t.from_bureau,
                                  out=t.out, target=t.to_bureau, arrived=t.arrived, how=how)))
    return out


def _finding(t: Transfer, rule: str, title: str, message: str) -> dict[str, Any]:
    return {"bureau": t.to_bureau, "rule": rule, "title": title, "severity": "warning", "unit": None,
            "person": t.person, "event_id": t.accepted_event or t.sent_event, "message": message,
            "source": "district"}
