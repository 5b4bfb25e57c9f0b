"""Names where ids are asked: `ledger find`, `ledger org list`, and the one hook that lets every command's person
and unit parameters take a name (`accept_names`).

The hook sets a callback on each parameter named `person`, `unit`, `to_unit` or `parent` of every command: a name
is turned into its id by `Queries.resolve_person`/`resolve_unit` (a unique match is used and said on stderr,
several are refused listing them, none is "no person …"), in the store opened read-only. Ids (id-shaped, no lower-case
letter) are used as typed, without opening the store; `p13`, `lx` are looked up (an id in another case, pinyin
initials). `writing` marks recording commands, whose own subject (a hire's person) may be new.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from typing import Any

import click

from cli.options import as_of_option, known_at_option
from cli.output import echo, echo_table, emit_json, json_option
from cli.session import Session
from ledger.app import N_, _

PERSON_PARAMS = ("person",)
UNIT_PARAMS = ("unit", "to_unit", "parent")
STATUS = {"active": N_("active"), "seconded": N_("seconded or on exchange"), "left": N_("left"),
          "assistant": N_("assistant (编外)"), "released": N_("assistant (编外), released")}


def _resolver(kind: str, writing: bool) -> Any:
    def resolve(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from ledger.app import ID_PATTERN, NoLedger, NotFound, typed_as_id

        if value is None or not isinstance(value, str) or typed_as_id(value):
            return value  # an id (no lower-case letter): as typed, and the store is not opened for it
        queries = ctx.find_object(Session).queries  # read-only: a name is looked up, never written
        try:
            found = queries.resolve_person(value) if kind == "person" else queries.resolve_unit(value)
        except (NotFound, NoLedger):
            if writing and isinstance(param, click.Argument) and (ID_PATTERN.fullmatch(value)
                                                                  or not value.isprintable()):
                return value  # the subject a hire, an engagement or a unit records may be new (an id, or text
            raise  # with a hidden character, which the parser refuses saying which: the ledger judges it); a
            # name no one holds is "no person …", never taken for a new id
        if found.said:
            echo(found.said, err=True)
        return found.id

    return resolve


class Completing(click.ParamType):
    """Text, as click's STRING, that the shell completes: a person's id (or name), a unit's code (or name), a rank.
    Ids and names are read from the store the command line names (`--store`, else $LEDGER_STORE, else
    ./ledger.sqlite3), opened read-only; no store, no completions."""

    name = "text"

    def __init__(self, kind: str):
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return click.STRING.convert(value, param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        if self.kind == "rank":
            from ledger.app import LADDERS

            return [CompletionItem(r) for ladder in LADDERS.values() for r in ladder if r.startswith(incomplete)]
        try:
            from ledger.app import Queries, open_ledger

            app = open_ledger(ctx.find_root().params.get("store") or os.environ.get("LEDGER_STORE"), read_only=True)
            try:
                known = Queries(app).known_ids(self.kind)
            finally:
                app.close()
        except Exception:  # completing must never fail the shell: no store, no answer
            return []
        return ([CompletionItem(i, help=name) for i, name in known if i.startswith(incomplete)]
                + [CompletionItem(name, help=i) for i, name in known if incomplete and name.startswith(incomplete)])


def accept_names(commands: Iterable[click.Command], writing: bool = False) -> None:
    """Let the person and unit parameters of `commands` (and of their sub-commands) take a name, and the shell
    complete them (and ranks)."""
    for command in commands:
        if isinstance(command, click.Group):
            accept_names(command.commands.values(), writing)
            continue
        for param in command.params:
            kind = "person" if param.name in PERSON_PARAMS else "unit" if param.name in UNIT_PARAMS else None
            if kind is not None and param.callback is None and param.nargs == 1:
                param.callback = _resolver(kind, writing)
            if (kind or param.name == "rank") and param.type is click.STRING:
                param.type = Completing(kind or "rank")


@click.command("find")
@click.argument("text")
@as_of_option
@json_option
@click.pass_obj
def find(session: Session, text: str, as_of: date | None, as_json: bool) -> None:
    """Find people and units by name, pinyin initials, id, or unit: who a clerk means, with their ids.

    A person matches when the name holds TEXT (孙悦, 孙), its pinyin begins with it (sy, sunyue), the id holds it,
    or TEXT names their unit (区审计局, SJ): shown with id, unit, section, posts, rank and status on --as-of.
    Wherever a command asks for a person's id or a unit's code, the name also does, when only one matches.

    \b
    Example:
        ledger find 孙悦
        ledger find sy --as-of 2022-12-31
        ledger find 区审计局 --json
    """
    on = as_of or date.today()
    found = session.queries.find(text, on)
    if as_json:
        emit_json(found)
        return
    if not found["people"] and not found["units"]:
        echo(_("No person or unit matches “{text}” (on {date})").format(text=text, date=on))
        return
    for u in found["units"]:
        echo(_("Unit: {name} ({code}, {kind})").format(name=u["name"], code=u["unit"], kind=u["kind"]))
    if found["people"]:
        echo_table([_("Person"), _("Name"), _("Unit"), _("Section"), _("Posts"), _("Rank"), _("Status")],
                   [[p["person"], p["name"], p["unit_name"] or p["unit"], p["section"], "、".join(p["posts"]) or None,
                     p["rank"], _(STATUS[p["status"]]) if p["status"] in STATUS else p["status"]] for p in found["people"]])


@click.command("list")
@as_of_option
@known_at_option
@json_option
@click.pass_obj
def org_list(session: Session, as_of: date | None, known_at: Any, as_json: bool) -> None:
    """List the units as a tree: name, code, kind, 编制 and 领导职数 filled/quota on a date.

    The figures are those of `ledger units` (and the roster's footer), in the order of the tree.

    \b
    Example:
        ledger org list
        ledger org list --as-of 2022-12-31 --json
    """
    on = as_of or date.today()
    tree = session.queries.org_tree(on, known_at)
    if as_json:
        emit_json(tree)
        return
    rows = []
    for u in tree:
        staff = "; ".join(f"{e['establishment']} {e['filled']}/{e['quota']}" for e in u["establishment"]) or None
        posts = sum(p["filled"] for p in u["posts"]), sum(p["quota"] for p in u["posts"])
        rows.append(["  " * u["depth"] + u["name"], u["unit"], u["kind"], staff,
                     f"{posts[0]}/{posts[1]}" if u["posts"] else None])
    echo(_("Units on {date}").format(date=on)
         + (_(", as known at {moment}").format(moment=known_at.isoformat()) if known_at else ""))
    echo_table([_("Unit"), _("Code"), _("Kind"), _("Establishment filled/quota"), _("Leading posts filled/quota")], rows)
