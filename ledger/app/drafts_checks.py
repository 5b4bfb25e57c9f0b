"""Checks of a batch that need more than the batch's scope: a photo's image must be kept in the store (or come with
the batch), a 身份证号 belongs to one person across the whole ledger, and a new person's id (or a new unit's code) is
no recorded id (code) in another case."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Any, Protocol

from ledger.fold.scope import STRUCTURE
from ledger.model.errors import Problem, Refused
from ledger.model.facts import Draft, Fact
from ledger.model.identity import IdNumber, mask_id_number

# Given the 身份证号 a batch gives, the recorded facts that say who holds them: every fact of each person who was
# ever given one of them (their profiles and the retractions of those), or simply every fact.
HolderFacts = Callable[[set[str]], list[Fact]]
# Given ids, every recorded person id equal to one of them but for case.
IdsInAnyCase = Callable[[set[str]], set[str]]


class Recorded(Protocol):
    """What these checks ask of the ledger (`PersonnelLedger`, which imports this module): its derived tables and
    every fact."""

    @property
    def timeline(self) -> Any: ...

    def facts(self) -> list[Fact]: ...


NEW_PEOPLE = ("hired", "assistant_engaged")  # the events that may bring a new person's id
NEW_UNITS = ("unit_established",)  # the events that bring a new unit's code


def ids_unique_in_any_case(drafts: Sequence[Draft], recorded: IdsInAnyCase) -> None:
    """`P13` and `p13` are one id: a hire or an engagement whose id is a recorded person's (or another of the
    batch's) in another case is refused, naming the id as recorded — never a second person. Refused rather than
    read as the recorded id: the clerk may have meant a new person and mistyped the id, and an import's ids are
    its source's (docs/clerks-guide.md)."""
    problems = _in_other_case(drafts, NEW_PEOPLE, "person", recorded, lambda i, other: Problem(
        "id_in_other_case", f"{i}: {other} is already an id, and ids are the same in any case: write {other} for "
        "that person, or choose another id for a new one"))
    if problems:
        raise Refused(problems)


def codes_unique_in_any_case(drafts: Sequence[Draft], recorded: IdsInAnyCase) -> None:
    """`JU` and `ju` are one unit code, as `P13` and `p13` are one person's id: a unit established with a recorded
    unit's code in another case (or another of the batch's) is refused, naming the code as recorded."""
    problems = _in_other_case(drafts, NEW_UNITS, "unit", recorded, lambda code, other: Problem(
        "code_in_other_case", f"{code}: the unit {other} already exists, and unit codes are the same in any case: "
        f"write {other} for that unit, or choose another code for a new one"))
    if problems:
        raise Refused(problems)


def _in_other_case(drafts: Sequence[Draft], events: tuple[str, ...], field: str, recorded: IdsInAnyCase,
                   problem: Callable[[str, str], Problem]) -> list[Problem]:
    """A problem for each new id (the `field` of an event of `events`) that is a recorded or batched id in another
    case."""
    asked = {str(d.fields[field]) for d in drafts if d.event in events and isinstance(d.fields.get(field), str)}
    if not asked or all(not any(c.isalpha() for c in i) for i in asked):
        return []
    spellings: dict[str, set[str]] = {}
    for i in (*asked, *recorded(asked)):
        spellings.setdefault(i.lower(), set()).add(i)
    return [problem(i, others[0]) for i in sorted(asked) if (others := sorted(spellings[i.lower()] - {i}))]


def images_kept(drafts: Sequence[Draft], kept: Callable[[], set[str]], given: Collection[str] = ()) -> None:
    """A photo may be recorded only with its image, kept before (`ledger.app.photos`) or `given` with the batch
    (kept in the writers' turn, once the batch has passed every check): an event naming an image the store lacks
    would break `verify`."""
    named = {str(d.fields.get("sha256")) for d in drafts if d.event == "photo_recorded" and d.fields.get("sha256")}
    named -= set(given)
    missing = sorted(named - kept()) if named else []
    if missing:
        raise Refused([Problem("missing_image", f"the photo's image {key} is not kept in the store: record a "
                               "photo with `ledger photo PERSON --file IMAGE` (or from a form)") for key in missing])


def asked_numbers(drafts: Sequence[Draft]) -> dict[str, str]:
    """The 身份证号 the batch's profiles give → the person given it (a number given to two people in one batch is
    refused here, naming both)."""
    asked: dict[str, str] = {}
    problems = []
    for d in drafts:
        if d.event == "profile_recorded" and d.fields.get("id_number"):
            try:
                number = IdNumber.parse(d.fields["id_number"])
            except ValueError:
                continue  # the parser refuses it, with its reason
            person = str(d.fields.get("person"))
            if asked.setdefault(number, person) != person:
                problems.append(Problem("id_number_taken", f"{person}: the 身份证号 {mask_id_number(number)} is given "
                                        f"to {asked[number]} in the same batch; one number, one person"))
    if problems:
        raise Refused(problems)
    return asked


def id_numbers_unique(drafts: Sequence[Draft], recorded: HolderFacts) -> None:
    """A 身份证号 is one person's: a profile giving another person a number the ledger holds for someone (their
    latest profile that gives one, not retracted) is refused, naming that person. The holder may be anywhere in the
    city: `recorded` finds them (through the fact index's 身份证号 table, or among every fact)."""
    asked = asked_numbers(drafts)
    if not asked:
        return
    facts = recorded(set(asked))
    retracted = {f.data["target"] for f in facts if f.event == "retracted"}
    held: dict[str, tuple[date, int, str]] = {}  # person -> (effective, id, number) of their latest
    for f in facts:
        if f.event == "profile_recorded" and f.get("id_number") and f.id not in retracted:
            key = (f.effective, f.id, str(f.data["id_number"]))
            if f.data["person"] not in held or key > held[f.data["person"]]:
                held[str(f.data["person"])] = key
    problems = []
    for person, (_, event_id, number) in sorted(held.items()):
        other = asked.get(number)
        if other is not None and other != person:
            problems.append(Problem("id_number_taken", f"{other}: the 身份证号 {mask_id_number(number)} is "
                                    f"{person}'s (event {event_id}); one number, one person"))
    if problems:
        raise Refused(problems)


# --- where the recorded ids, codes and numbers are looked for: the fact index where the derived tables are current
# (`scoped`: a batch read through its scope), else every fact (read for the batch already) --------------------------
def names_unique_in_any_case(app: Recorded, drafts: Sequence[Draft], scoped: bool) -> None:
    """Refuse a new person's id or a new unit's code that is a recorded one in another case."""
    ids_unique_in_any_case(drafts, recorded_ids(app, scoped))
    codes_unique_in_any_case(drafts, recorded_codes(app, scoped))


def recorded_ids(app: Recorded, scoped: bool) -> IdsInAnyCase:
    """The recorded person ids equal to some of the given ones but for case."""
    if scoped:
        return app.timeline.fact_index.people_in_any_case

    def among_facts(ids: set[str]) -> set[str]:
        lower = {i.lower() for i in ids}
        return {p for f in app.facts() if isinstance(p := f.data.get("person"), str) and p.lower() in lower}

    return among_facts


def recorded_codes(app: Recorded, scoped: bool) -> IdsInAnyCase:
    """The recorded unit codes equal to some of the given ones but for case (among the structure facts)."""
    def among_structure(codes: set[str]) -> set[str]:
        if not any(d.isalpha() for c in codes for d in c):
            return set()
        if scoped:
            index = app.timeline.fact_index
            facts = index.read(index.fact_ids([STRUCTURE]))
        else:
            facts = app.facts()
        lower = {c.lower() for c in codes}
        return {u for f in facts if f.event == "unit_established" and isinstance(u := f.data.get("unit"), str)
                and u.lower() in lower}

    return among_structure


def holder_facts(app: Recorded, scoped: bool) -> HolderFacts:
    """Where a batch's 身份证号 are looked for: the facts of the people the fact index names as ever given one of
    them (`scoped`), else every fact."""
    if not scoped:
        return lambda numbers: app.facts()
    index = app.timeline.fact_index

    def holders(numbers: set[str]) -> list[Fact]:
        people = set(index.subjects(index.id_number_facts(numbers)).values())
        return index.read(index.fact_ids(people)) if people else []

    return holders
