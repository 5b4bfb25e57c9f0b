"""Audit commands: `diff` (what changed between two dates), `verify` and `digest` (tamper evidence), `checkpoint`
(a signed proof of the store's prefix), `rebuild` (the derived tables again from the events), `keygen`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import orjson

from cli.options import LedgerCommand, known_at_option, parse_date_option
from cli.output import echo, echo_table, emit_json, json_option, paged
from cli.session import Session
from ledger.app import N_, _

if TYPE_CHECKING:
    from ledger.app import Verification


def _short(entry: dict[str, Any], key: str) -> str:
    from ledger.app import _

    if key == "joined":
        return f"{entry['rank']}, {entry['section'] or '-'} ({entry['mode']})"
    if key == "left":
        return entry["reason"]
    if key == "promoted":
        return f"{entry['from']} → {entry['to']}"
    if key in ("appointed", "vacated"):
        return f"{entry['section'] or ''}{entry['post']}"
    if key == "moved":
        a, b = entry["from"], entry["to"]
        text = f"{a['unit']}/{a['section'] or '-'} → {b['unit']}/{b['section'] or '-'}"
        if a["rank"] != b["rank"]:
            text += f", {a['rank']} → {b['rank']}"
        return text
    if key == "seconded":
        text = _("{kind} at {host}").format(kind=entry["kind"], host=entry["host"])
        return text + (_(" until {date}").format(date=entry["until"]) if entry["until"] else "")
    if key == "returned":
        return _("from {host}").format(host=entry["host"])
    return entry.get("role") or ""


@click.command(cls=LedgerCommand)
@click.option("--from", "start", metavar="DATE", required=True, callback=parse_date_option,
              help="The earlier date: changes effective after it are listed.")
@click.option("--to", "end", metavar="DATE", required=True, callback=parse_date_option,
              help="The later date: changes effective up to and including it are listed.")
@click.option("--unit", metavar="UNIT", help="Only people of this unit (before or after the change).")
@known_at_option
@json_option
@click.pass_obj
def diff(session: Session, start: date, end: date, unit: str | None, known_at: datetime | None, as_json: bool) -> None:
    """Show what changed between two dates: who joined, left, was promoted, appointed, moved, seconded.

    Lists every fact that counts (retracted ones do not) effective after --from up to and including --to,
    each with the person and the event id; promotions and moves show from → to.

    \b
    Example:
        ledger diff --from 2021-12-31 --to 2022-12-31
        ledger diff --from 2022-06-30 --to 2022-12-31 --unit JU --json
    """
    from cli.labels import change_label
    from ledger.app import DIFF_KEYS, _

    data = session.queries.diff(start, end, unit, known_at)
    if as_json:
        emit_json(data)
        return
    known = _(", as known at {moment}").format(moment=known_at.isoformat()) if known_at else ""
    scope = _(" in {unit}").format(unit=unit) if unit else ""
    rows = [[change_label(k), e["effective"], e["person"], e["name"], e["unit"], _short(e, k), e["event_id"]]
            for k in DIFF_KEYS for e in data[k]]
    with paged():
        echo(_("Changes after {start} up to {end}").format(start=start, end=end) + scope + known)
        if not rows:
            echo(_("No changes."))
            return
        echo_table([_("Change"), _("Effective"), _("Person"), _("Name"), _("Unit"), _("Details"), _("Event")], rows,
                   wrap=(5,))


@click.command()
@click.option("--digest", metavar="HEX", help="A head digest noted earlier (`ledger digest`): prove that every "
              "event recorded up to it is unchanged.")
@click.option("--checkpoint", "checkpoint_file", metavar="CHECKPOINT.json",
              type=click.Path(dir_okay=False, path_type=Path),
              help="A signed checkpoint (`ledger checkpoint`): prove that the store still holds its exact prefix.")
@click.option("--public-key", metavar="PUBFILE", type=click.Path(dir_okay=False, path_type=Path),
              help="The public key the checkpoint must be signed with (NAME.pub of `ledger keygen --signing`).")
@json_option
@click.pass_obj
def verify(session: Session, digest: str | None, checkpoint_file: Path | None, public_key: Path | None,
           as_json: bool) -> None:
    """Check the stored events against their hash chain; exit 1 naming the first bad event.

    Recomputes the SHA-256 chain from the raw rows of the events table and catches changed bytes, deleted,
    inserted or reordered rows and a deleted stream. With --digest, also proves that everything recorded up
    to that digest is unchanged since it was noted (this also catches events cut off the end, and a store
    rewritten with recomputed hashes). An encrypted store needs its key.

    \b
    Example:
        ledger verify
        ledger verify --digest 5251b0c732c3fa618757d036e34b34d5a73e7eece88ff3d4db6431bccfdcb5f9
    """
    if digest is not None and (len(digest) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digest)):
        raise click.BadParameter(_("a digest is 64 hexadecimal characters (as `ledger digest` prints it)"),
                                 param_hint="--digest")
    if checkpoint_file is not None or public_key is not None:
        _verify_checkpoint(session, checkpoint_file, public_key, as_json)
        return
    result = session.queries.verify(digest)
    if as_json:
        emit_json(result.as_json())
    else:
        _print_verification(result)
    if not result.ok:
        raise click.exceptions.Exit(1)


def _verify_checkpoint(session: Session, checkpoint_file: Path | None, public_key: Path | None, as_json: bool) -> None:
    """`verify --checkpoint --public-key`: the signed prefix still there, or how it is not (exit 1)."""
    if checkpoint_file is None or public_key is None:
        raise click.UsageError(_("--checkpoint and --public-key go together: a checkpoint proves something only "
                                 "with the key it was signed with"))
    from ledger.app import check_checkpoint, read_checkpoint

    found = check_checkpoint(session.queries.application, read_checkpoint(checkpoint_file), public_key)
    if as_json:
        emit_json(found.as_json())
    else:
        said = _("OK: {message}") if found.ok else _("FAILED ({kind}): {message}")
        echo(said.format(kind=found.kind.replace("_", " "), message=found.message))
    if not found.ok:
        raise click.exceptions.Exit(1)


DERIVED = {
    "current": N_("derived again from the events: they agree"),
    "absent": N_("not built yet (reads answer from the events; the next recording, or `ledger rebuild`, builds them)"),
}


def _print_verification(result: Verification) -> None:
    from ledger.app import _

    if result.problem is not None:
        where = (_("event {id}").format(id=result.problem.event_id) if result.problem.event_id is not None else
                 _("the derived tables") if result.problem.kind == "derived" else
                 _("the access log") if result.problem.kind == "access_log" else
                 _("the store's guard") if result.problem.kind == "guard" else
                 _("the checkpoints kept in the store") if result.problem.kind == "checkpoint" else _("the stream"))
        echo(_("FAILED at {where}: {problem}").format(where=where, problem=result.problem.message))
        if result.events and result.head:
            echo(_("Events 1–{n} verify; their head digest is {head}.").format(n=result.events, head=result.head))
        return
    echo(_("OK: {n} stored events verified (the ledger's opening and {facts} facts); head digest {head}").format(
        n=result.events, facts=result.events - 1, head=result.head))
    if result.derived is not None:
        state = _(DERIVED[result.derived]) if result.derived in DERIVED else result.derived
        echo(_("Derived tables (the timeline, the report's index): {state}").format(state=state))
    for row, by, actor, reason in result.quarantined:
        echo(_("Quarantined: event {row} (not written by the ledger) is set aside by event {by}, {actor}: "
               "{reason}").format(row=row, by=by, actor=actor, reason=reason))
    if result.digest is None:
        return
    if result.digest_event is not None:
        echo(_("The digest is the chain at event {n}: events 1–{n} are unchanged since it was noted.").format(
            n=result.digest_event))
    else:
        echo(_("FAILED: the digest {digest} is not in this ledger's chain: events recorded up to it were changed, "
               "removed or rewritten since it was noted (or it is another ledger's).").format(digest=result.digest))


@click.command()
@json_option
@click.pass_obj
def digest(session: Session, as_json: bool) -> None:
    """Print the ledger's head digest (the hash chain's value at the last event), after verifying it.

    Note it somewhere the ledger's custodians cannot change (a signed report, an auditor's file); later,
    `ledger verify --digest HEX` proves that nothing recorded up to it has changed.

    \b
    Example:
        ledger digest
    """
    from ledger.app import LedgerError

    result = session.queries.verify()
    if result.problem is not None:
        raise LedgerError(_("the chain is broken, so there is no digest to note: {problem} (see `ledger verify`)").format(
            problem=result.problem.message))
    if as_json:
        emit_json({"events": result.events, "head": result.head})
    else:
        echo(result.head)


@click.command(cls=LedgerCommand)
@click.argument("rows", metavar="EVENT_ID …", nargs=-1, required=True, type=click.IntRange(1, 2**63 - 1))
@click.option("--reason", required=True, help="Why the row is set aside, e.g. \"inserted by hand, not by the ledger\".")
@click.pass_obj
def quarantine(session: Session, rows: tuple[int, ...], reason: str) -> None:
    """Set aside stored rows the ledger did not write (the owner only), so that reading and recording go on.

    A row inserted into the events table by hand is passed over by every read (with a note naming it) and
    refuses every append after it; `ledger verify` names it. Quarantining it records an event naming the row and
    the reason: readers and writers then pass over the row without a note, and `ledger verify` reports it as
    quarantined. A row the ledger wrote is refused: retract a fact instead. Prints the new events' ids.

    \b
    Example:
        ledger quarantine 4812 --reason "inserted by hand with psql; reported to the bureau"
    """
    from ledger.app import quarantine as set_aside

    for i in set_aside(session.app, rows, reason, session.actor):
        echo(i)


@click.command()
@click.pass_obj
def rebuild(session: Session) -> None:
    """Derive the store's derived tables (the materialised timeline, the yearly report's index) again from the
    events.

    Recording keeps them up to date, and reads use them only when they hold every event; rebuild them when
    `ledger verify` finds them different from the events (edited, damaged) or behind (a recording stopped
    before it could update them). The events themselves are only read.

    \b
    Example:
        ledger rebuild && ledger verify
    """
    from ledger.app import _, rebuild_derived

    top = rebuild_derived(session.app)
    echo(_("Rebuilt the derived tables from events 1–{n}").format(n=top))


@click.command()
@click.option("--bytes", "size", type=click.Choice(["16", "24", "32"]), default="32", show_default=True,
              help="Key size (AES-128, -192 or -256).")
@click.option("--signing", is_flag=True, help="Make an Ed25519 signing key pair for `ledger checkpoint` instead: "
              "the private key to -o NAME (mode 0600), the public key to NAME.pub.")
@click.option("-o", "--output", metavar="NAME", type=click.Path(dir_okay=False, path_type=Path),
              help="With --signing: where to write the private key (NAME.pub gets the public key).")
def keygen(size: str, signing: bool, output: Path | None) -> None:
    """Print a new random encryption key for LEDGER_ENCRYPTION_KEY (base64 AES key).

    Keep it apart from the store: without it an encrypted store cannot be read; with it, anyone can.
    Set it before the first event is recorded: a store is all encrypted or all plain. With --signing, write
    an Ed25519 key pair that signs checkpoints: keep the private key with the administrator, give the public
    key to the auditors.

    \b
    Example:
        export LEDGER_ENCRYPTION_KEY=$(ledger keygen)
        ledger --store ./ledger.sqlite3 import history.jsonl
        ledger keygen --signing -o ~/keys/checkpoints
    """
    if signing:
        if output is None:
            raise click.UsageError(_("--signing needs -o NAME: the private key is written to a file, never printed"))
        from ledger.app import write_signing_keys

        private, public = write_signing_keys(output)
        echo(_("Signing key written to {private} (mode 0600); public key to {public}.").format(private=private, public=public))
        return
    if output is not None:
        raise click.UsageError(_("-o is for --signing keys; an encryption key is printed (store it yourself)"))
    from ledger.app import new_key

    echo(new_key(int(size)))


@click.command(cls=LedgerCommand)
@click.option("--key", "key_file", metavar="KEYFILE", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The Ed25519 private key (`ledger keygen --signing -o NAME`).")
@click.option("-o", "--output", metavar="CHECKPOINT.json", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Where to write the signed checkpoint.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists (never the store).")
@click.pass_obj
def checkpoint(session: Session, key_file: Path, output: Path, force: bool) -> None:
    """Write a signed checkpoint: the event count, head digest, time and the store's identity, signed (Ed25519).

    Keep it outside the store (an auditor's folder); later, `ledger verify --checkpoint FILE --public-key
    KEY.pub` proves that the store still holds that exact prefix, and says if it was cut, rolled back or
    rewritten. The store keeps a copy, which the compliance snapshot names.

    \b
    Example:
        ledger checkpoint --key ~/keys/checkpoints -o /srv/audit/2026-11-30.json
    """
    from ledger.app import check_output, make_checkpoint, write_output

    check_output(output, session.store, force)
    body = make_checkpoint(session.app, key_file)

    def write(tmp: Path) -> Path:
        tmp.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
        return tmp

    written = write_output(output, session.store, write, force)
    echo(_("Checkpoint of events 1–{n} (head {head}) written to {path}").format(n=body["events"], head=body["head"],
                                                                              path=written))


@click.command()
@click.option("--new-key-file", metavar="PATH", type=click.Path(dir_okay=False, path_type=Path),
              help="A file holding the new key (base64, as `ledger keygen` prints it)  [default: "
                   "$LEDGER_NEW_ENCRYPTION_KEY]")
@click.pass_obj
def rekey(session: Session, new_key_file: Path | None) -> None:
    """Re-encrypt an encrypted store under a new key, in one transaction (the old key: LEDGER_ENCRYPTION_KEY).

    The hash chain and every answer stay the same; the old key no longer opens the store. The derived tables
    are derived again under the new key. Set LEDGER_ENCRYPTION_KEY to the new key afterwards.

    \b
    Example:
        ledger keygen > new.key
        ledger --store ./ledger.sqlite3 rekey --new-key-file new.key
    """
    import os

    from ledger.app import rekey_store

    if new_key_file is not None:
        try:
            new_key = new_key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            raise click.BadParameter(_("cannot read {path}: {error}").format(path=new_key_file, error=e),
                                     param_hint="--new-key-file") from None
    else:
        new_key = os.environ.get("LEDGER_NEW_ENCRYPTION_KEY", "").strip()
    if not new_key:
        raise click.UsageError(_("give the new key: --new-key-file PATH, or LEDGER_NEW_ENCRYPTION_KEY"))
    rows, top = rekey_store(session.app, session.store, new_key)
    echo(_("Re-encrypted {rows} stored rows under the new key; the derived tables hold events 1–{n} again. "
           "Set LEDGER_ENCRYPTION_KEY to the new key: the old one no longer opens the store.").format(rows=rows, n=top))
