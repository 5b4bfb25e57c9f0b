"""Transfers across a district's bureaus (调出 from one bureau's ledger, 调入 into another's), as the district's
stream keeps them: a transfer sent (pending) and a transfer accepted (completed).

They are written by `ledger transfer-out` and `ledger accept-transfer` (`ledger.app.transfers`), which record the
调出 and the arrival in the bureaus' own ledgers with the same transfer id, never by a command of their own: their
generated commands are hidden and `ledger.app.recording.record` refuses them. Like the registry's facts they name
no person of the district's own and no unit, so they are structure facts that change only `State.transfers`
(docs/architecture.md §8). The sent fact carries the person's file as the sending bureau held it on the 调出, as
one JSON object: what the receiving bureau's clerk records from (a clerk reads no other bureau's schema).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.district import BUREAU
from ledger.model.i18n import _
from ledger.model.state import Transfer

if TYPE_CHECKING:
    from ledger.model.facts import Fact

TRANSFER_ID = Field("transfer", required=True, help="The transfer's id in the district, e.g. WLJ-20240301-P07.",
                    form="id", label="transfer")
MAX_FILE = 16_000  # characters of the file's JSON form (a file of twenty 简历 lines is a few thousand)


def _transfer(change: Change, code: str) -> Transfer:
    return change.state.transfers.setdefault(code, Transfer(code))


class TransferSent(EventType):
    name = "transfer_sent"
    label = "transfer sent"
    stored_as = "TransferSent"
    precedence = 4
    effective_label = "Date of the 调出 (the day the person leaves the sending bureau)"
    about_person = False
    recorded_by = "ledger transfer-out"  # written with the 调出 in the sending bureau, never on its own
    fields = (
        TRANSFER_ID,
        Field("from_bureau", required=True, help="The sending bureau's code.", form="id", label="from bureau"),
        Field("to_bureau", required=True, help="The receiving bureau's code.", form="id", label="to bureau"),
        Field("from_person", required=True, help="The person's id in the sending bureau.", form="id",
              label="person in the sending bureau"),
        Field("name", required=True, help="The person's full name.", form="name", label="name"),
        Field("cadre_file", required=True, help="The person's file as the sending bureau held it on the 调出 (JSON: "
              "profile, education, titles, appraisals, family, 简历 lines).", max_length=MAX_FILE,
              label="cadre file"),
    )
    verb = Verb("transfer-sent", "transfer", "A transfer sent by a bureau (recorded by `ledger transfer-out`).",
                "ledger --store 'postgresql://hr@db/hr?schema=wenlv_ju' transfer-out P07 --to SJ "
                "--effective 2024-03-01", group="district")

    def apply(self, change: Change, f: Fact) -> None:
        d = f.data
        t = _transfer(change, d["transfer"])
        if t.sent_event is not None:
            change.refuse(f, "duplicate_transfer", _("transfer {transfer} is recorded already (event {id})").format(
                transfer=t.transfer, id=t.sent_event), who=t.transfer)
            return
        if d["from_bureau"] == d["to_bureau"]:
            change.refuse(f, "bad_transfer", _("a transfer goes to another bureau than {code}").format(
                code=d["to_bureau"]), who=t.transfer)
            return
        if t.to_bureau is not None and t.to_bureau != d["to_bureau"]:
            change.refuse(f, "bad_transfer", _("transfer {transfer} was accepted by {code}").format(
                transfer=t.transfer, code=t.to_bureau), who=t.transfer)
            return
        t.from_bureau, t.to_bureau, t.person, t.name = d["from_bureau"], d["to_bureau"], d["from_person"], d["name"]
        t.out, t.sent_event = f.effective, f.id


class TransferAccepted(EventType):
    name = "transfer_accepted"
    label = "transfer accepted"
    stored_as = "TransferAccepted"
    precedence = 5
    effective_label = "Date of the arrival in the receiving bureau"
    about_person = False
    recorded_by = "ledger accept-transfer"  # written with the arrival in the receiving bureau
    fields = (
        TRANSFER_ID,
        BUREAU,
        Field("to_person", required=True, help="The person's id in the receiving bureau.", form="id",
              label="person in the receiving bureau"),
    )
    verb = Verb("transfer-accepted", "transfer", "A transfer accepted by a bureau (recorded by `ledger "
                "accept-transfer`).", "ledger --store 'postgresql://hr@db/hr?schema=shijian_ju' accept-transfer "
                "WLJ-20240301-P07 --section 办公室 --rank 四级主任科员", group="district")

    def apply(self, change: Change, f: Fact) -> None:
        d = f.data
        t = _transfer(change, d["transfer"])
        if t.accepted_event is not None:
            change.refuse(f, "not_pending", _("transfer {transfer} is completed already (event {id})").format(
                transfer=t.transfer, id=t.accepted_event), who=t.transfer)
            return
        if t.to_bureau is not None and t.to_bureau != d["bureau"]:
            change.refuse(f, "other_bureau", _("transfer {transfer} is addressed to {code}, not {bureau}").format(
                transfer=t.transfer, code=t.to_bureau, bureau=d["bureau"]), who=t.transfer)
            return
        t.to_bureau, t.to_person, t.arrived, t.accepted_event = d["bureau"], d["to_person"], f.effective, f.id
