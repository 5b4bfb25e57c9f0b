"""Transfers across a district's bureaus: a 调出 recorded in the sending bureau and a pending transfer in the
district (`transfer_out`); the arrival, with the person's file, recorded in the receiving bureau and the transfer
completed in the district (`accept_transfer`).

Two stores are written, and PostgreSQL gives no transaction across the two ledgers' appends. So each write carries
the same transfer id and a retry is idempotent: the bureau's fact is written first (judged, with the district's,
before anything is written), then the district's; if the district's write fails, the bureau's fact stays and the
same command, run again, finds it (its transfer id) and writes only the district's part. Nothing is written when
either is refused. A transfer's id is the sending bureau's code, the 调出's date and the person's id
(`WLJ-20240301-P07`), so the same 调出 always has the same id.

The district is the schema `district` of the bureau's database unless `district` says another (`--district`,
`$LEDGER_DISTRICT`). The sending bureau's clerk puts the person's file — as the bureau held it on the 调出 — into the
district's fact (`cadre_file`): the receiving bureau's clerk reads the district, never another bureau's schema. The
file's facts are recorded in the receiving bureau on the arrival date (the ledger there knows the person from the
arrival on: a fact dated before it would be about someone it did not have), each noting its date in the sending
bureau; the 简历 lines, from before the ledger and the sending bureau's own, become lines of the 简历 from before
the receiving bureau's ledger.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from ledger.app.queries import Queries
from ledger.app.recording import Recorded, record
from ledger.app.sources import read_source
from ledger.app.transfer_state import district_state
from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import counting_facts, fold
from ledger.model.dates import month_of
from ledger.model.errors import NoLedger, Problem, Refused, StoreError
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Draft, Fact
from ledger.model.i18n import _
from ledger.model.state import Bureau, State, Transfer

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

DEFAULT_DISTRICT = "district"  # the district's schema, by convention (docs/administrators-guide.md)
# The file's facts carried to the receiving bureau (the 简历 goes as its lines: `career_recorded`).
FILE_EVENTS = ("profile_recorded", "education_recorded", "title_conferred", "appraised", "family_member_recorded")


def _refuse(code: str, message: str) -> Refused:
    return Refused([Problem(code, message)])


def district_schema(given: str | None) -> str:
    """The district's schema: `--district`, else `$LEDGER_DISTRICT`, else `district`."""
    return given or os.environ.get("LEDGER_DISTRICT") or DEFAULT_DISTRICT


def open_district_of(app: PersonnelLedger, schema: str | None, read_only: bool) -> PersonnelLedger:
    """The district's store beside a bureau's (a schema of the same database), opened as the session's role."""
    from ledger.app.district import schema_url
    from ledger.app.ledger import open_ledger

    if app.config.kind != "postgresql":
        raise StoreError(_("{store} is a SQLite file: transfers go between bureaus of a district, schemas of one "
                           "PostgreSQL database").format(store=app.config.location))
    schema = district_schema(schema)
    url = schema_url(app.config, schema)
    try:
        found = open_ledger(url, read_only=True)  # never made here: a district is registered by its owner
    except NoLedger:
        raise StoreError(_("no district at schema {schema} of this database (give its schema with --district)").format(
            schema=schema)) from None
    if read_only:
        return found
    found.close()
    return open_ledger(url)


def _this_bureau(app: PersonnelLedger, state: State, district: PersonnelLedger) -> Bureau:
    found = [b for b in state.bureaus.values() if b.schema == app.config.schema]
    if not found:
        raise _refuse("not_registered", _("this store (schema {schema}) is not a bureau registered in the district at "
                                          "schema {district}").format(schema=app.config.schema,
                                                                      district=district.config.schema))
    return found[0]


def transfer_id(code: str, person: str, out: date) -> str:
    """The id of the 调出 of `person` from bureau `code` on `out`: the same 调出, the same id (64 characters at most)."""
    text = f"{code}-{out:%Y%m%d}-{person}"
    if len(text) <= 64:
        return text
    return f"{code[:30]}-{out:%Y%m%d}-{hashlib.blake2b(person.encode(), digest_size=8).hexdigest()}"


def _counting(app: PersonnelLedger, person: str) -> list[Fact]:
    """The person's facts and every structure fact, in counting order: all that can change their file (a transfer
    reads its person, never the whole bureau)."""
    return counting_facts(read_source(app).person_facts(person))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class TransferDone:
    """What a transfer command did: the transfer's id, the bureau's new events and the district's (none on a dry
    run, or where an earlier run wrote them), and the findings the bureau's facts introduce."""

    transfer: str
    bureau: Recorded
    district_ids: list[int] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)  # on a dry run: what would be recorded, bureau then district
    finished: bool = False  # an earlier run had written the bureau's part: only the district's was left
    person: str | None = None


def cadre_file(app: PersonnelLedger, person: str, out: date, actor: str | None,
               counted: list[Fact] | None = None) -> dict[str, Any]:
    """The person's file as the bureau holds it on the 调出 (`out`): who they are on the establishment, the file's
    facts (each with its date), and the 简历's lines, each closed (a line without its last month ends where the next
    begins, the last one on the 调出). `counted`: the person's `_counting` facts, if already read."""
    counted = _counting(app, person) if counted is None else counted
    p = fold(counted, out).people.get(person)
    if p is None:
        raise _refuse("unknown_person", _("no person {person} in this ledger").format(person=person))
    facts = []
    for f in counted:
        if f.event in FILE_EVENTS and f.effective <= out:
            t = EVENT_TYPES[f.event]
            fields = {x.name: _plain(f.data[x.name]) for x in t.fields if x.name != "person"
                      and f.data.get(x.name) is not None}
            facts.append({"event": f.event, "effective": f.effective.isoformat(), "fields": fields})
    lines: list[dict[str, Any]] = []
    for line in Queries(app, reader=actor, channel="transfer").resume(person, out).lines:
        lines.append({"from": line.start, "to": line.end, "text": line.text})
        lines += [{"from": d.start, "to": d.end or line.end, "text": d.text} for d in line.during]
    for i, x in enumerate(lines):
        if x["to"] is None:
            later = [y["from"] for y in lines[i + 1:] if y["from"] >= x["from"]]
            x["to"] = min(later) if later else month_of(out)
    return {"person": {"name": p.name, "gender": p.gender, "birth_date": p.birth_date.isoformat(),
                       "education": p.education, "establishment": p.establishment, "rank": p.rank,
                       "rank_since": p.rank_since.isoformat(), "unit": p.unit, "section": p.section},
            "facts": facts, "resume": lines}


def transfer_out(app: PersonnelLedger, person: str, to: str, effective: date, *, basis: str | None = None,
                 note: str | None = None, district: str | None = None, actor: str | None = None,
                 strict: bool = False, dry_run: bool = False) -> TransferDone:
    """Record the 调出 of `person` from this bureau on `effective` to bureau `to`, and the pending transfer in the
    district; both judged before either is written, the bureau's first (see the module's note on retries)."""
    d = open_district_of(app, district, read_only=dry_run)
    try:
        state = district_state(d)
        me = _this_bureau(app, state, d)
        if to == me.code:
            raise _refuse("same_bureau", _("{code} is this bureau itself: a transfer goes to another bureau").format(
                code=to))
        if to not in state.bureaus:
            raise _refuse("unknown_bureau", _("no bureau '{code}' is registered in the district (registered: "
                                              "{codes})").format(code=to, codes=", ".join(sorted(state.bureaus)) or "-"))
        tid = transfer_id(me.code, person, effective)
        known = state.transfers.get(tid)
        if known is not None and known.sent_event is not None:
            raise _refuse("duplicate_transfer", _("transfer {transfer} is recorded already ({status})").format(
                transfer=tid, status=known.status))
        counted = _counting(app, person)
        done_before = [f for f in counted if f.event == "separated" and f.get("transfer") == tid]
        bureau_drafts = [] if done_before else [Draft("separated", {
            "person": person, "reason": "调出", "transfer": tid, "effective": effective, "basis": basis, "note": note})]
        judged = app.judge(bureau_drafts) if bureau_drafts else None
        file = cadre_file(app, person, effective, actor, counted)
        name = file["person"]["name"]
        sent = Draft("transfer_sent", {"transfer": tid, "from_bureau": me.code, "to_bureau": to, "from_person": person,
                                        "name": name, "cadre_file": orjson.dumps(file).decode(),
                                        "effective": effective, "basis": basis})
        district_judged = d.judge([sent])
        if dry_run:
            done = record(app, bureau_drafts, actor=actor, strict=strict, dry_run=True) if bureau_drafts \
                else Recorded(0)
            return TransferDone(tid, done, facts=[*(judged.new if judged else []), *district_judged.new], person=person)
        done = record(app, bureau_drafts, actor=actor, strict=strict) if bureau_drafts else Recorded(0)
        ids = _district_write(d, [sent], actor, _("the 调出 is recorded in this bureau (transfer {transfer})").format(
            transfer=tid))
        return TransferDone(tid, done, ids, finished=bool(done_before), person=person)
    finally:
        d.close()


def _district_write(d: PersonnelLedger, drafts: Sequence[Draft], actor: str | None, said: str) -> list[int]:
    """Append to the district; a failure says what the bureau already holds and that the same command finishes it."""
    try:
        return d.append(drafts, actor=actor)
    except Exception as e:  # the bureau's part is written: the user needs to know, and that a retry completes it
        from ledger.app.failures import explain_failure

        why = e if isinstance(e, (Refused, StoreError)) else (explain_failure(e, d.config.location) or e)
        raise StoreError(_("{said}, but the district did not record it ({why}): run the same command again to "
                           "finish the transfer").format(said=said, why=str(why).strip())) from None


def _unit_of_section(state: State, section: str) -> str:
    units = [u.unit for u in state.units.values() if section in u.sections]
    if len(units) == 1:
        return units[0]
    if not units:
        raise _refuse("unknown_section", _("no unit of this bureau has a section '{section}' (give --unit and a "
                                           "section of it)").format(section=section))
    raise _refuse("ambiguous_section", _("several units have a section '{section}' ({units}): give --unit").format(
        section=section, units=", ".join(units)))


def accept_transfer(app: PersonnelLedger, transfer: str, *, section: str | None, rank: str,
                    person: str | None = None, effective: date | None = None, unit: str | None = None,
                    establishment: str | None = None, basis: str | None = None, note: str | None = None,
                    district: str | None = None, actor: str | None = None, strict: bool = False,
                    dry_run: bool = False) -> TransferDone:
    """Record the arrival of transfer `transfer` in this bureau — a 转任 (调任 where the establishment type changes)
    with the person's file — and the transfer completed in the district (see the module's note on retries)."""
    d = open_district_of(app, district, read_only=dry_run)
    try:
        state = district_state(d)
        me = _this_bureau(app, state, d)
        t = state.transfers.get(transfer)
        if t is None or t.sent_event is None:
            raise _refuse("unknown_transfer", _("no transfer {transfer} was sent in the district (`ledger district "
                                                "transfers --pending` lists them)").format(transfer=transfer))
        if t.to_bureau != me.code:
            raise _refuse("other_bureau", _("transfer {transfer} is addressed to {code}, not to this bureau "
                                            "({mine})").format(transfer=transfer, code=t.to_bureau, mine=me.code))
        if t.accepted_event is not None:
            raise _refuse("not_pending", _("transfer {transfer} is not pending: {code} accepted it on {date} as "
                                           "{person}").format(transfer=transfer, code=t.to_bureau, date=t.arrived,
                                                              person=t.to_person))
        assert t.person is not None and t.out is not None
        sent = next(f for f in read_source(d).facts_of([STRUCTURE]) if f.id == t.sent_event)
        file = orjson.loads(sent.data["cadre_file"])
        pid = person or t.person
        arrival = effective or t.out + timedelta(days=1)
        mine = counting_facts(read_source(app).facts_of([pid]))  # the id's own facts: any means it is in use
        done_before = [f for f in mine if f.event == "hired" and f.get("transfer") == transfer]
        if mine and not done_before:
            name = next((f.data.get("name") for f in mine if f.data.get("name")), None) or pid
            raise _refuse("id_in_use", _("this bureau already uses the id {person} ({name}): give --person NEW_ID").format(
                person=pid, name=name))
        drafts = [] if done_before else _arrival_drafts(app, t, file, pid, arrival, section, rank, unit,
                                                        establishment, basis, note)
        judged = app.judge(drafts) if drafts else None
        accepted = Draft("transfer_accepted", {"transfer": transfer, "bureau": me.code, "to_person": pid,
                                               "effective": arrival, "basis": basis})
        district_judged = d.judge([accepted])
        if dry_run:
            done = record(app, drafts, actor=actor, strict=strict, dry_run=True) if drafts else Recorded(0)
            return TransferDone(transfer, done, facts=[*(judged.new if judged else []), *district_judged.new],
                                person=pid)
        done = record(app, drafts, actor=actor, strict=strict) if drafts else Recorded(0)
        ids = _district_write(d, [accepted], actor, _("the arrival is recorded in this bureau (transfer "
                                                      "{transfer})").format(transfer=transfer))
        return TransferDone(transfer, done, ids, finished=bool(done_before), person=pid)
    finally:
        d.close()


def _arrival_drafts(app: PersonnelLedger, t: Transfer, file: dict[str, Any], pid: str, arrival: date,
                    section: str | None, rank: str, unit: str | None, establishment: str | None,
                    basis: str | None, note: str | None) -> list[Draft]:
    """The hire (转任 or 调任) and the file's facts, all on the arrival date, each carried fact noting its date in
    the sending bureau."""
    who = file["person"]
    if unit is None:
        if section is None:
            raise _refuse("missing_unit", _("give --section (and --unit where several units have it)"))
        unit = _unit_of_section(fold(read_source(app).facts_of([STRUCTURE]), arrival), section)
    establishment = establishment or who["establishment"]
    mode = "转任" if establishment == who["establishment"] else "调任"
    hire = {"person": pid, "name": who["name"], "gender": who["gender"], "birth_date": who["birth_date"],
            "education": who.get("education"), "unit": unit, "section": section, "establishment": establishment,
            "rank": rank, "mode": mode, "transfer": t.transfer, "effective": arrival, "basis": basis, "note": note}
    if rank == who["rank"]:  # the same rank: its tenure goes on (任现职级时间)
        hire["rank_since"] = who["rank_since"]
    drafts = [Draft("hired", {k: v for k, v in hire.items() if v is not None})]
    for x in file["facts"]:
        carried = f"{t.from_bureau} {x['effective']} ({t.transfer})"
        drafts.append(Draft(x["event"], {"person": pid, **x["fields"], "effective": arrival, "note": carried}))
    for line in file["resume"]:
        drafts.append(Draft("career_recorded", {"person": pid, "from_month": line["from"], "to_month": line["to"],
                                                "text": line["text"], "effective": arrival}))
    return drafts


def grant_transfer_writers(app: PersonnelLedger) -> list[str]:
    """Let the clerks of every bureau registered now record transfers in this district, and nothing else there
    (`ledger.store.transfer_writers`); run by the owner of the district and of the bureaus' schemas. Returns the
    bureaus' codes; a bureau registered later needs it run again."""
    from ledger.app.access import enable_access
    from ledger.app.district import District, _postgres_only, open_bureau
    from ledger.store import access, transfer_writers

    _postgres_only(app.config)
    enable_access(app)
    bureaus = District(Queries(app)).bureaus()
    clerks = []
    for b in bureaus:
        bureau = open_bureau(app.config, b, read_only=False)
        try:
            enable_access(bureau)  # the bureau's clerk group exists
        finally:
            bureau.close()
        clerks.append(access.group_role(b.schema, "clerk"))
    transfer_writers.install(app.dialect, app.events_table, clerks)
    return [b.code for b in bureaus]
