"""Checks of a batch, before the writers' turn, that need more than the batch's scope: a photo's image must already
be kept in the store, and a 身份证号 belongs to one person across the whole ledger."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ledger.model.errors import Problem, Refused
from ledger.model.facts import Draft, Fact


def check_drafts(drafts: Sequence[Draft], kept: Callable[[], set[str]], facts: Callable[[], list[Fact]]) -> None:
    """Refuse the batch (nothing written) when a photo's image is not among those `kept` in the store, or a
    身份证号 is another person's in the recorded `facts` (each read only when the batch needs it)."""
    images_kept(drafts, kept)
    id_numbers_unique(drafts, facts)


def images_kept(drafts: Sequence[Draft], kept: Callable[[], set[str]]) -> None:
    """A photo may be recorded only once its image is kept (`ledger.app.photos`): an event naming an image the
    store lacks would break `verify`."""
    named = {str(d.fields.get("sha256")) for d in drafts if d.event == "photo_recorded" and d.fields.get("sha256")}
    missing = sorted(named - kept()) if named else []
    if missing:
        raise Refused([Problem("missing_image", f"the photo's image {key} is not kept in the store: record a "
                               "photo with `ledger photo PERSON --file IMAGE` (or from a form)") for key in missing])

def id_numbers_unique(drafts: Sequence[Draft], recorded: Callable[[], list[Fact]]) -> None:
    """A 身份证号 is one person's: a profile giving another person a number the ledger holds for someone (their
    latest profile that gives one, not retracted) is refused, naming that person. Read over every fact, not the
    batch's scope: the holder may be anywhere in the city."""
    from ledger.model.identity import IdNumber, mask_id_number

    asked: dict[str, str] = {}
    for d in drafts:
        if d.event == "profile_recorded" and d.fields.get("id_number"):
            try:
                asked[IdNumber.parse(d.fields["id_number"])] = str(d.fields.get("person"))
            except ValueError:
                continue  # the parser refuses it, with its reason
    if not asked:
        return
    facts = recorded()
    retracted = {f.data["target"] for f in facts if f.event == "retracted"}
    held: dict[str, tuple[date, int, str]] = {}  # person -> (effective, id, number) of their latest
    for f in facts:
        if f.event == "profile_recorded" and f.get("id_number") and f.id not in retracted:
            key = (f.effective, f.id, str(f.data["id_number"]))
            if f.data["person"] not in held or key > held[f.data["person"]]:
                held[str(f.data["person"])] = key
    problems = []
    for person, (_, event_id, number) in held.items():
        other = asked.get(number)
        if other is not None and other != person:
            problems.append(Problem("id_number_taken", f"{other}: the 身份证号 {mask_id_number(number)} is "
                                    f"{person}'s (event {event_id}); one number, one person"))
    if problems:
        raise Refused(problems)

