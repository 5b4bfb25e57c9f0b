"""`ledger selection show`: one selection's path with dates. (Its steps are recorded by the generated commands
`ledger selection start|recommend|inspect|decide`, `cli.append`.)"""

from __future__ import annotations

from typing import Any

import click

from cli.append import GROUPS
from cli.options import known_at_option
from cli.output import echo, echo_table, emit_json, json_option
from cli.session import Session


def _detail(step: dict[str, Any]) -> str:
    """One step's own facts, in a line."""
    kind = step["event"]
    if step["step"] == "任前公示":
        return f"{step['name']}：{step['from'] or '?'} 至 {step['to'] or '?'}"
    if kind == "selection_started":
        return f"{step['places']}个职位"
    if kind == "recommendation_held":
        votes = "、".join(f"{v['name']} {v['votes']}票" for v in step["votes"])
        return f"参加{step['participants']}人；{votes}"
    if kind == "inspection_done":
        return f"{'、'.join(c['name'] for c in step['candidates'])}：{step['conclusion']}"
    if kind == "decision_made":
        return f"到会{step['present']}/{step['members']}人；决定{'、'.join(c['name'] for c in step['chosen'])}"
    if kind == "probation_ended":
        return f"{step['name']}：{step['result']}"
    probation = "，试用期一年" if step["probation"] else ""
    return f"{step['name']}任{step['section'] or ''}{step['post']}{probation}"


@click.command("show")
@click.argument("selection")
@known_at_option
@json_option
@click.pass_obj
def show(session: Session, selection: str, known_at: Any, as_json: bool) -> None:
    """Show a selection's whole path with dates: 动议, 民主推荐, 考察, 讨论决定, 任前公示, 任职, 试用期满.

    \b
    Example:
        ledger selection show XR2023-01
        ledger selection show XR2023-01 --json
    """
    path = session.queries.selection(selection, known_at)
    if as_json:
        emit_json(path)
        return
    echo(f"{path['selection']}: {path['unit_name']}{path['section'] or ''}{path['post']}")
    from ledger.app import _

    echo_table([_("Date"), _("Step"), _("Details"), _("Basis"), _("Event")],
               [[s["effective"], s["step"], _detail(s), s["basis"], s["event_id"]] for s in path["steps"]],
               wrap=(2, 3))


GROUPS["selection"].add_command(show)
