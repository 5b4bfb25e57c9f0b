"""Append commands (`hire`, `promote`, … and `org …`): one per event type, made from its declaration.

The argument (PERSON, UNIT or EVENT_ID) is the type's `verb.argument`; every other field is an option named after
it, with the field's own help. Values go to the ledger as typed, so that parsing and its messages live in one
place (the event types' declarations in `ledger.model`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.check import warn_findings
from cli.labels import event_label, field_label, value_text
from cli.options import LedgerCommand
from cli.output import echo
from cli.session import Session
from ledger.app import EVENT_TYPES, N_, EventType, _, ngettext

if TYPE_CHECKING:
    from ledger.app import PersonnelLedger, Recorded

METAVARS = {"date": "DATE", "int": "N", "YearMonth": "YYYY.MM", "IdNumber": "ID"}


def record_one(t: EventType, **kwargs: Any) -> None:
    """Record one event of type `t` from the command's options (one per id given to `retract`, in one batch);
    print the new ids and any findings it introduces, or, with --dry-run, what would be recorded."""
    from ledger.app import Draft, record

    session = click.get_current_context().find_object(Session)
    dry_run = kwargs.pop("dry_run", False)
    attached = kwargs.pop("attachment_file", None)
    images: dict[str, bytes] = {}
    if attached is not None:  # a photo: the image checked here, kept with its event only if that is recorded
        from ledger.app import photo_fields

        data = attached.read_bytes()
        kwargs.update(photo_fields(data, attached.name))
        images[str(kwargs["sha256"])] = data
    if getattr(t, "reads_file", None):  # the argument is a file its value is read from (`settings set FILE.toml`)
        from ledger.app import settings_text

        kwargs[t.verb.argument] = settings_text(kwargs[t.verb.argument])
    fields = {k: v for k, v in kwargs.items() if v is not None and v is not False}
    subjects = fields.pop(t.verb.argument)
    drafts = [Draft(t.name, {t.verb.argument: s, **fields})
              for s in (subjects if isinstance(subjects, tuple) else (subjects,))]
    app = session.trial if dry_run else session.app  # a dry run opens the store read-only
    done = record(app, drafts, actor=session.actor, strict=session.strict, dry_run=dry_run, images=images)
    report(done, dry_run, app)


def report(done: Recorded, dry_run: bool, app: PersonnelLedger | None = None) -> None:
    """What every append command prints: the new ids, one a line (what scripts read), and on stderr what each
    recorded, in a sentence (from `app`, read back); with --dry-run, each event that would be recorded (with the id
    it would get) and that nothing was written. Then the findings, as warnings on stderr."""
    from ledger.app import fact_json, recorded_sentences

    if dry_run:
        for f in done.facts:
            shown = fact_json(f)
            detail = ", ".join(f"{field_label(k, f.event)}={value_text(v)}" for k, v in shown.items()
                               if v is not None and k not in ("id", "event", "effective", "recorded", "actor"))
            echo(_("would record {id}: {event} effective {effective}: {detail}").format(
                id=f.id, event=event_label(f.event), effective=f.effective, detail=detail))
        echo(ngettext("Dry run: {count} event validated, nothing written",
                      "Dry run: {count} events validated, nothing written", done.count).format(count=done.count), err=True)
    else:
        for i in done.ids:
            echo(i)
        try:
            said = recorded_sentences(app, done.ids) if app is not None else []
        except Exception:  # the events are recorded whatever happens here: the ids above say so
            said = []
        for sentence in said:
            echo(sentence, err=True)
    warn_findings(done.findings)


def dry_run_option() -> click.Option:
    """Every append command's --dry-run (one instance per command)."""
    return click.Option(["--dry-run"], is_flag=True,
                        help="Validate and show what would be recorded and the findings; write nothing.")


def event_command(t: EventType) -> click.Command:
    """The command that records events of type `t`, with its declared argument, options, help and example."""
    verb = t.verb
    argument = "EVENT_ID" if verb.argument == "target" else verb.argument.upper()
    many = verb.argument == "target"  # `ledger retract 57 58 …`: several events retracted in one batch
    from_file = getattr(t, "reads_file", None)
    params: list[click.Parameter] = [click.Argument([verb.argument], metavar=from_file or argument + (" …" if many else ""),
                                                    nargs=-1 if many else 1, required=True,
                                                    type=click.Path(dir_okay=False, path_type=Path) if from_file else None)]
    for spec in t.command_fields:
        if spec.name == verb.argument:
            continue
        opt = "--" + spec.name.replace("_", "-")
        if spec.kind is bool:
            option = click.Option([opt, spec.name], is_flag=True, default=None, help=spec.help)
        else:
            option = click.Option([opt, spec.name], required=spec.required,
                                  metavar=METAVARS.get(spec.kind.__name__, "TEXT"), help=spec.help)
        option.localise = partial(t.help_of, spec)  # type: ignore[attr-defined] (cli.help.speak)
        params.append(option)
    if getattr(t, "attachment", None):  # the fields are read from a file the command is given
        params.append(click.Option(["--file", "attachment_file"], metavar="IMAGE",
                                   type=click.Path(exists=True, dir_okay=False, path_type=Path),
                                   help="The image (JPEG or PNG, at most 2 MB): its fields are read from it."))
    params.append(dry_run_option())
    prints = (N_("Several EVENT_IDs are retracted in one batch, all or nothing; prints the new events' ids, one a "
                 "line.") if many else N_("Prints the new event's id."))
    doc = f"{verb.summary}\n\n{prints}\n\n\b\nExample:\n    {verb.example}"
    return LedgerCommand(verb.command, callback=partial(record_one, t), params=params, help=doc,
                         short_help=verb.summary.split(" (")[0].rstrip("."), hidden=bool(t.recorded_by))


@click.group("org")
def org() -> None:
    """Record the organisation's structure: units, sections, 编制 and 领导职数 (`ledger org list` shows the tree)."""


@click.group("selection")
def selection() -> None:
    """Record a selection's steps (动议, 民主推荐, 考察, 讨论决定) and show its whole path.

    The appointment that concludes it is `ledger appoint … --selection ID`; `ledger end-probation` closes it.
    """


@click.group("district")
def district() -> None:
    """A district of bureaus on one PostgreSQL database: its registry, and the organisation department's read-only
    view across the bureaus' ledgers (roster, units, check, eligible, due, the yearly report).

    The district is a store of its own (`?schema=district` by convention); each bureau's ledger stays in its schema.

    \b
    Example:
        ledger --store "postgresql://hr@db:5432/hr?schema=district" district add WLJ --schema wenlv_ju --name 区文化和旅游局
        ledger --store "postgresql://hr@db:5432/hr?schema=district" district roster --as-of 2024-12-31
    """


@click.group("settings")
def settings() -> None:
    """The store's settings (主送, 署名, 填表人, rule overrides), recorded in the store: effective-dated, known-at.

    \b
    Example:
        ledger settings set ledger.toml --effective 2024-01-01
        ledger settings show --as-of 2024-06-30
    """


GROUPS: dict[str, click.Group] = {"org": org, "selection": selection, "district": district, "settings": settings}  # a declaration's `verb.group` names one


def _commands() -> tuple[click.Command, ...]:
    top: list[click.Command] = []
    for t in EVENT_TYPES.values():
        command = event_command(t)
        if t.verb.group is None:
            top.append(command)
        else:
            GROUPS[t.verb.group].add_command(command)
    return (*top, *GROUPS.values())


# The top-level append commands, and the groups holding the others.
COMMANDS = _commands()
