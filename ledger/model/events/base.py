"""What an event type is: its fields, its place in a day, its command, and how it changes the state.

Each kind of fact is declared once, as an `EventType` subclass in one module of this package: the fields it
carries (with their types, closed lists and help), its precedence among the facts of one day, the command that
records it, the people and units it touches (what validation must look at), whether it changes who is on a
unit's establishment, and `apply`, how it changes the state — checking, when validating, that it can be.
Everything else (the store's event classes, the parser, the CLI's commands, the scope of a batch, the walk)
is derived from these declarations; `tests/unit/test_event_types.py` fails when a part is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from ledger.model.dates import DATE_SPELLINGS, YearMonth
from ledger.model.i18n import _
from ledger.model.identity import IdNumber

if TYPE_CHECKING:
    from ledger.model.change import Change
    from ledger.model.facts import Fact

FIELD_KINDS: tuple[type, ...] = (str, int, bool, date, YearMonth, IdNumber)
FIELD_FORMS = ("id", "name", "unit_name", "text")  # how a text field is sanitised (ledger.model.parsing)


@dataclass(frozen=True)
class Field:
    """One field of an event type, as clerks give it (the JSON key, the CLI option `--name-with-dashes`)."""

    name: str
    kind: type = str  # str, int, bool, date, YearMonth (`YYYY-MM`) or IdNumber (身份证号)
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()  # a closed list the value must come from
    rank: bool = False  # a rank or grade of one of the ladders (vocabulary.LADDERS)
    # Text fields: "id" (a person's or unit's code: ledger.model.parsing.ID_PATTERN), "name" (of a person, unit,
    # section, post …: spaces between CJK characters dropped) or "text" (free text); see ledger.model.parsing.
    form: str = "text"
    max_length: int | None = None  # characters of a text field (None: its form's limit, parsing.MAX_LENGTH)
    minimum: int = 0  # the range of an int field
    maximum: int = 1_000_000
    past: bool = False  # a date field that cannot be after today (a birth date)
    # What tables and pages call it: an English label, the msgid (context "field") of its translation in the
    # catalogues (ledger/locale), so that 出生日期 is shown for `birth_date` (`ledger.model.events.field_label`).
    label: str = ""


@dataclass(frozen=True)
class Verb:
    """The command that records an event type: `ledger COMMAND ARGUMENT --field …` (or `ledger org COMMAND …`)."""

    command: str
    argument: str  # the field given as the command's argument
    summary: str  # first sentence of the help
    example: str
    group: str | None = None  # "org": a sub-command of `ledger org`


DATE_HELP = DATE_SPELLINGS.replace(" or ", ", ")

# Fields every event carries, after its own.
COMMON_FIELDS: tuple[Field, ...] = (
    Field("effective", date, True, "Date the fact takes effect (任职时间), YYYY-MM-DD.", label="effective"),
    Field("basis", help="The decision's document number, e.g. 区委组织部〔2022〕12号.", max_length=200, label="basis"),
    Field("note", help="Free note kept with the event.", label="note"),
    Field("override", help="Record despite 超编/超职数, with this reason (kept on the event).", label="override"),
)


class EventType:
    """One kind of fact of the vocabulary. Subclasses declare the class attributes and implement `apply`."""

    name: ClassVar[str]  # the vocabulary's name, the JSON "event" (a contract)
    # What tables and pages call it: an English label, the msgid (context "event") of its translation in the
    # catalogues, so that 职级晋升 is shown for `rank_promoted` (`ledger.model.events.event_label`).
    label: ClassVar[str] = ""
    stored_as: ClassVar[str]  # the class name in the store's topic (a contract of the stored format)
    precedence: ClassVar[int]  # order among one day's facts: structure, arrivals, changes, departures
    fields: ClassVar[tuple[Field, ...]]  # its own fields, in stored order
    verb: ClassVar[Verb]
    # Changes who is on a unit's establishment or holds its posts, so other people's facts may be judged by it
    # (without it, a batch is recorded reading its own people only: `ledger.fold.scope.own_people`).
    membership: ClassVar[bool] = False
    unit_fields: ClassVar[tuple[str, ...]] = ()  # fields that name a unit
    about_person: ClassVar[bool] = True  # its subject is the person in its `person` field
    effective_when_recorded: ClassVar[bool] = False  # without `effective`, it takes effect the day it is recorded
    # What `effective` means for this fact, as its command's help says it (任职时间 for an appointment, 免职时间 …).
    effective_label: ClassVar[str] = "Date the fact takes effect"
    # The fact may add someone to a unit's 编制 or 领导职数 count, so 超编/超职数 can arise and its command offers
    # --override (the field itself is common: an import line may carry it, and the stored format keeps it).
    raises_counts: ClassVar[bool] = False
    # Pairs of date fields (earlier, later) that cannot be the other way round, e.g. ("publicity_from",
    # "publicity_to"); a pair is checked when both are given (ledger.model.parsing).
    periods: ClassVar[tuple[tuple[str, str], ...]] = ()
    # The command that records the fact together with facts of other stores (`ledger transfer-out`), when it is not
    # recorded on its own: its generated command is hidden, and a batch of drafts may not hold it.
    recorded_by: ClassVar[str | None] = None

    @cached_property
    def all_fields(self) -> tuple[Field, ...]:
        """Its own fields, then the common ones."""
        common = COMMON_FIELDS
        if self.effective_when_recorded:
            common = (replace(common[0], required=False, help=f"{self.effective_label}  [default: today]"),
                      *common[1:])
        else:
            common = (replace(common[0], help=f"{self.effective_label} ({DATE_HELP})."), *common[1:])
        return (*self.fields, *common)

    def help_of(self, field: Field) -> str:
        """A field's help, as its command's `--help` says it, in the interface's language (the `effective`
        date's says what the date is for this type)."""
        if field.name == "effective":
            label = _(self.effective_label)
            if self.effective_when_recorded:
                return _("{label}  [default: today]").format(label=label)
            return _("{label} ({spellings}).").format(label=label, spellings=DATE_HELP)
        return _(field.help) if field.help else ""

    @cached_property
    def command_fields(self) -> tuple[Field, ...]:
        """The fields its command takes as options: all, but `override` only where 超编/超职数 can arise."""
        return tuple(f for f in self.all_fields if f.name != "override" or self.raises_counts)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.all_fields}

    @cached_property
    def id_number_fields(self) -> tuple[str, ...]:
        """Fields holding a 身份证号: masked in every output unless asked for."""
        return tuple(f.name for f in self.all_fields if f.kind is IdNumber)

    @cached_property
    def date_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.all_fields if f.kind is date)

    def subject(self, f: Fact) -> str | None:
        """The person whose timeline the fact belongs to (None: the organisation's structure)."""
        return f.data.get("person") if self.about_person else None

    def units(self, f: Fact) -> list[str]:
        """The units the fact names."""
        return [f.data[k] for k in self.unit_fields if f.data.get(k)]

    def apply(self, change: Change, f: Fact) -> None:
        """Change the state as the fact says; when validating, refuse (and skip) a fact that cannot be."""
        raise NotImplementedError

    def complete(self, change: Change, f: Fact) -> None:
        """Before a new fact is recorded, fill in what its fields leave to the state just before it (a default
        that depends on the timeline), so that the stored event says it outright. Most types leave it as given."""
