"""The application: appends validated facts to the ledger's stream and answers queries from the fold.

Commands take plain dicts (the vocabulary's JSON form) and return event ids; queries return plain dicts or
`Fact`s. The store floor (ledger.store) reads and keeps the stream: this module wires it to eventsourcing's
application (recorder, mapper, repository) and holds no SQL.

Writers keep what the store derives from the stream (the materialised timeline, the report's fact index) up to
date after each append; a ledger opened for reading (`open_ledger(store, read_only=True)`) creates and writes
nothing, and serves derived rows only when they are as far as the stream, answering from the fold otherwise (and
saying so in `notices`).
"""

from __future__ import annotations

import getpass
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, JSONTranscoder, Mapper
from eventsourcing.utils import Environment

from ledger.app.failures import explain_failure
from ledger.app.validation import Judgement, ScopeReader, Validator
from ledger.model.errors import LedgerError, NoLedger, NotFound, Refused, StoreError, no_unit
from ledger.model.facts import Draft, Fact
from ledger.model.state import State
from ledger.read.roster import roster_view
from ledger.store import access
from ledger.store.access_log import AccessLog
from ledger.store.aggregate import LedgerStream, ledger_id, stream_at
from ledger.store.codec import Codec, DateAsISO, SealedMapper
from ledger.store.config import StoreConfig, parse_store
from ledger.store.crypto import check_stored_form, encryption_env
from ledger.store.derived import derive_whole
from ledger.store.dialect import READ_ONLY_SESSION, dialect_for, no_ledger
from ledger.store.integrity import Break, Verification, seal_pending, verify
from ledger.store.log import FactLog, paused_gc
from ledger.store.scoped import Scope, read_scope
from ledger.store.seals import TimelineMismatch
from ledger.store.stream import EventStream
from ledger.store.timeline import Timeline

MAX_ATTEMPTS = 50
SNAPSHOT_INTERVAL = 200  # events between the stream's snapshots (evidence for `verify`)


def _back_off(attempt: int) -> None:
    """Sleep a random while, longer after each conflict, so that busy clerks do not retry in lock-step (without
    it, one of four processes appending flat out can lose every race and starve)."""
    time.sleep(random.uniform(0, min(0.005 * 2 ** attempt, 0.25)))


def default_actor() -> str:
    """The actor recorded on events: $LEDGER_ACTOR, else the OS user."""
    try:
        return os.environ.get("LEDGER_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class PersonnelLedger(Application):
    """An organisation's personnel ledger, on SQLite or PostgreSQL."""

    name = "PersonnelLedger"
    # Snapshots are evidence for `verify` (one beyond the stream's last event shows events cut off the end), taken
    # every SNAPSHOT_INTERVAL events by `save` itself from the saved aggregate; nothing is loaded from them (an
    # append makes the aggregate at the version it read: `ledger.store.aggregate.stream_at`).
    is_snapshotting_enabled = True

    def __init__(self, env: dict[str, str] | None = None, config: StoreConfig | None = None):
        # Without a configuration (not through `open_ledger`): the SQLite store the environment names.
        self.config = config or parse_store((env or {}).get("SQLITE_DBNAME"))
        super().__init__(env=env)
        self.ledger_id: UUID = ledger_id()
        self.validator = Validator()
        self.dialect = dialect_for(self.config)
        self.codec = Codec.of(self.mapper)
        self.stream = EventStream(self.dialect, self.recorder, self.ledger_id,
                                  self.snapshots.recorder if self.snapshots is not None else None)
        self.fact_log = FactLog(self.stream, self.codec)  # the facts read so far, the head, the scope index
        self._timeline: Timeline | None = None
        self._access_log: AccessLog | None = None
        self._role: tuple[str | None, bool, bool] | None = None  # `session_role()`
        self.notices: list[str] = []  # what a reader should know about how an answer was found
        self.on_close: list[Callable[[], None]] = []  # done after the store is closed

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        """eventsourcing's factory; opened for reading, its PostgreSQL sessions are read-only (the pool's
        connections are made later, with these settings)."""
        factory = super().construct_factory(env)
        if self.config.read_only and self.config.kind == "postgresql":
            factory.datastore.pool.kwargs["options"] = READ_ONLY_SESSION  # type: ignore[attr-defined]
        return factory

    def construct_mapper(self) -> Mapper:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=SealedMapper)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Seal the ledger's pending events into the hash chain (ledger.store.integrity), save as usual, and take a
        snapshot when the save crossed a multiple of SNAPSHOT_INTERVAL (one, however many it crossed: eventsourcing's
        own snapshotting would rebuild the aggregate from the store once per multiple)."""
        crossed: list[LedgerStream] = []
        for obj in objs:
            if isinstance(obj, LedgerStream) and obj.pending_events:
                seal_pending(obj.pending_events, self.fact_log, self.mapper)
                first, last = obj.pending_events[0].originator_version, obj.pending_events[-1].originator_version
                if last // SNAPSHOT_INTERVAL > (first - 1) // SNAPSHOT_INTERVAL:
                    crossed.append(obj)
        recordings = super().save(*objs, **kwargs)
        if self.snapshots is not None and crossed:
            self.snapshots.put([LedgerStream.Snapshot.take(obj) for obj in crossed])
        return recordings

    def facts(self) -> list[Fact]:
        """Every recorded fact (retractions included), in recording order. Reads only what is new."""
        return self.fact_log.read()

    # --- commands -------------------------------------------------------------------------------------------
    def judge(self, drafts: Sequence[Draft], whole: bool = False) -> Judgement:
        """Validate drafts against the timeline as if recorded now (`ledger.app.validation`); raise `Refused` or
        return the batch as it would be recorded. The timeline is the batch's scope read through the fact index
        where the derived tables are current (nothing is written here), else (or `whole`) every recorded fact: both
        give the same answer."""
        return self._validated(drafts, not whole and self._scoped(len(drafts), catch_up=False))[0]

    def _validated(self, drafts: Sequence[Draft], scoped: bool) -> tuple[Judgement, int]:
        """The batch judged against its scope read through the fact index (`scoped`) or against every fact, and the
        stream's last version as read with them (the aggregate an append saves is made at it)."""
        if scoped:
            top = self.fact_log.read_head()
            return self.validator.judge(self._scope_reader(top), None, top, drafts), top
        facts = self.facts()
        top = self.fact_log.head[0] if self.fact_log.head else 0
        return self.validator.judge(facts, self.fact_log.scope_index(), top, drafts), top

    def _scope_reader(self, top: int) -> ScopeReader:
        """Reads a batch's scope through the fact index, the stream ending at event `top` (`ledger.store.scoped`)."""
        def read(new: list[Fact]) -> Scope:
            return read_scope(self.timeline.fact_index, new, top, self.timeline)

        return read

    def append(self, drafts: Sequence[Draft], actor: str | None = None, progress: Callable[[int], None] | None = None,
               vet: Callable[[list[Fact], list[Fact]], None] | None = None, at: datetime | None = None) -> list[int]:
        """Validate and record drafts as one all-or-nothing batch; returns the new event ids, in recording order.

        On a concurrent append (version conflict) the timeline is re-read, the batch re-validated and retried.
        `vet(recorded, new)`, if given, sees the batch before it is saved and may refuse it by raising (the
        compliance check at entry, `ledger.rules.EntryFindings`); `recorded` is the part of the timeline the batch
        can affect (ledger.scope), or all of it. `at` is the recording's moment for a history recorded on its own
        clock (the demo's dated batches; rising with the stream), else now.
        """
        if not drafts:
            return []
        actor = self.recording_actor(actor)  # (refused before anything is written)
        with self.dialect.writers_turn(), paused_gc():  # appenders take turns; the version check stays
            self.timeline.ensure()  # the derived tables made (or, written by an earlier version, dropped) in turn
            judgement = self._append(drafts, actor, vet, at)
        # After the turn: the derived tables have their own lock, and one refresh takes in every append made
        # meanwhile, so clerks appending at once do not wait for each other's refreshes.
        with paused_gc():
            self._refresh_derived(judgement.scope)
        return [f.id for f in judgement.new]

    def _append(self, drafts: Sequence[Draft], actor: str,
                vet: Callable[[list[Fact], list[Fact]], None] | None, at: datetime | None = None) -> Judgement:
        """`append`'s work, in the writers' turn: validate and save, retrying on a concurrent append."""
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                _back_off(attempt)
            judgement, top = self._validated(drafts, self._scoped(len(drafts)))
            ledger = stream_at(top)  # at the version read: its save is refused if another append came since
            if vet is not None:
                vet(judgement.compared_with, judgement.new)
            stamp = at or LedgerStream.Fact.create_timestamp()  # one batch, one moment: known all at once, or not at all
            for f in judgement.new:
                ledger.record(f.event, actor=actor, timestamp=stamp, **f.data)
            try:
                self.save(ledger)
            except IntegrityError:
                continue
            return judgement
        raise StoreError("the ledger is too busy: gave up after repeated concurrent appends; try again")

    def _scoped(self, batch: int, catch_up: bool = True) -> bool:
        """Whether a batch of `batch` drafts is validated against its scope read through the fact index, not the
        whole stream: when the derived tables can be brought as far as the stream (in the writers' turn), the batch
        is not most of the ledger (an import into an empty or small store reads it whole) and the process does not
        hold every fact already."""
        if self.fact_log.loaded:  # a long-lived process holding every fact already reads only what is new
            return False
        try:
            position, top = self.timeline.current()
            if derive_whole(position, batch, top):
                return False
            if position < top and catch_up:
                self.timeline.catch_up()  # an earlier writer's refresh did not finish
                position, top = self.timeline.current()
        except Exception:  # the derived tables cannot be read or written here: validate against every fact
            return False
        return position == top and position > 0

    def session_role(self) -> tuple[str | None, bool, bool]:
        """(the PostgreSQL role this session logs in as, whether the store is under access control, whether the
        role may append); (None, False, True) on SQLite. Asked once, through eventsourcing's connection."""
        if self._role is None:
            datastore = self.recorder.datastore  # type: ignore[attr-defined]
            self._role = access.session(self.dialect, self.events_table,
                                        lambda sql, params: self.dialect.fetch(datastore, sql, params))
        return self._role

    @property
    def events_table(self) -> str:
        return str(self.recorder.events_table_name)  # type: ignore[attr-defined]

    def recording_actor(self, declared: str | None) -> str:
        """Who the events are recorded as. On a PostgreSQL store under access control: the session's role, which the
        database checks again (a differing `declared` actor is refused here, before anything is written). Elsewhere
        the declared actor (else $LEDGER_ACTOR, else the OS user): a declaration, not a proof."""
        role, controlled, may_append = self.session_role()
        if role is None or not controlled:
            return declared or default_actor()
        if not may_append:
            raise StoreError(f"the role {role} may not record into {self.config.location} (an auditor only reads; "
                             "`ledger access list` shows who may record); nothing was written")
        if declared and declared != role:
            raise StoreError(f"--actor {declared} is not this session's database role {role}: on this store the "
                             f"actor recorded is the role you log in as (leave --actor out, or log in as {declared}); "
                             "nothing was written")
        return role

    def reader(self, declared: str | None) -> str:
        """Who is reading, for the access log: the database role on PostgreSQL, else the declared actor."""
        return self.session_role()[0] or declared or default_actor()

    @property
    def access_log(self) -> AccessLog:
        """The store's access log (`ledger.store.access_log`): empty and not written unless the store keeps one."""
        if self._access_log is None:
            datastore = self.recorder.datastore  # type: ignore[attr-defined]
            self._access_log = AccessLog(self.dialect, lambda sql, params: self.dialect.fetch(datastore, sql, params))
        return self._access_log

    def _refresh_derived(self, scope: Scope | None = None) -> None:
        """Bring the derived tables up to the events just saved (with `scope`, the scope read for them). The events
        are recorded whatever happens here: a failure leaves the tables behind, which readers notice (they fold),
        and the next writer catches them up."""
        try:
            self.timeline.catch_up(scope)
        except Exception as e:  # the append itself succeeded: say so, and how to repair the derived tables
            said = explain_failure(e, self.config.location)
            self.notices.append(f"the events were recorded, but the derived tables (timeline, report index) could "
                                f"not be brought up to date ({said or type(e).__name__}); reads answer from the "
                                "events meanwhile; `ledger rebuild` re-derives them")

    def rekey(self, new_key: str) -> int:
        """Re-encrypt every stored event and snapshot under `new_key` in one transaction (`ledger.store.rekey`),
        in the writers' turn; returns how many rows. The derived tables are then derived again by a ledger opened
        with the new key (`open_ledger(..., extra_env={KEY_VAR: new_key})`, `rebuild`): the caller's."""
        from eventsourcing.cryptography import AESCipher

        from ledger.store.crypto import check_key
        from ledger.store.rekey import rekey

        if self.config.read_only:
            raise StoreError(f"{self.config.location} is open for reading only")
        if self.codec.cipher is None:
            raise StoreError(f"{self.config.location} is not encrypted: there is no key to change (set "
                             "LEDGER_ENCRYPTION_KEY to the store's key)")
        check_key(new_key)
        new = AESCipher(Environment(env={AESCipher.CIPHER_KEY: new_key.strip()}))
        tables = [self.events_table]
        if self.snapshots is not None:
            tables.append(self.snapshots.recorder.events_table_name)  # type: ignore[attr-defined]
        with self.dialect.writers_turn():
            return rekey(self.dialect, tables, self.codec.cipher, new)

    def rebuild(self) -> int:
        """Derive the materialised timeline and the report's fact index again from the stream; returns the last
        event they hold."""
        if self.config.read_only:
            raise StoreError(f"{self.config.location} is open for reading only")
        with self.dialect.writers_turn():
            return self.timeline.rebuild()

    # --- queries --------------------------------------------------------------------------------------------
    def state(self, on: date | None = None, known_at: datetime | None = None) -> State:
        """The fold of every recorded fact on `on`, as known at `known_at`.

        Cold (nothing read yet), the stream is folded without keeping its facts (`FactLog.stream_counting`): a
        city's million `Fact`s never sit in memory at once.
        """
        return self.fact_log.state(on, known_at)

    def roster(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
        """The roster on `on` in the `ledger roster --json` shape (docs/architecture.md §6).

        It is read from the materialised timeline (ledger.store.timeline) when its rows hold every event — as known
        at an earlier moment too, from the beliefs the rows record (ledger.store.beliefs); otherwise from the fold
        (the reference the timeline is tested against).
        """
        if self.derived_current():
            try:
                return self.timeline_roster(on, unit, known_at)
            except LedgerError:
                raise
            except TimelineMismatch as e:  # rows removed, added or edited since a writer sealed them
                self._derived_notice(str(e))
            except Exception as e:  # a row that no longer decrypts or decodes: its bytes were changed
                self._derived_notice(f"a row of the materialised timeline does not read ({type(e).__name__})")
        return roster_view(self.state(on, known_at), on, known_at, unit)

    def derived_current(self) -> bool:
        """Whether the derived tables hold every recorded event (and nothing more): only then are they served."""
        position, top = self.timeline.current()
        if position != top:
            self._derived_notice(f"the materialised timeline holds events 1–{position} of {top}" if position < top
                                 else f"the materialised timeline claims event {position}, but the ledger ends at "
                                      f"event {top}")
        return position == top

    def _derived_notice(self, what: str) -> None:
        notice = f"{what}: answered from the events themselves (`ledger verify` checks the derived tables, " \
                 "`ledger rebuild` re-derives them)"
        if notice not in self.notices:
            self.notices.append(notice)

    @property
    def timeline(self) -> Timeline:
        """The materialised timeline of this ledger (ledger.store.timeline), in the same store."""
        if self._timeline is None:
            self._timeline = Timeline(self.fact_log, self.dialect)
        return self._timeline

    def known_position(self, known_at: datetime | None) -> int | None:
        """None as known now; else the last event the ledger held at `known_at` (0: none), or -1 when the derived
        tables cannot say (recorded times that do not rise with the stream: answer from the fold)."""
        if known_at is None:
            return None
        at = self.timeline.known_position(known_at)
        return -1 if at is None else at

    def timeline_roster(self, on: date, unit: str | None = None, known_at: datetime | None = None) -> dict[str, Any]:
        """`roster(on, known_at, unit)` from the materialised timeline: indexed queries, no fold. `TimelineMismatch`
        when recorded times do not rise with the stream (the rows cannot say what was known when)."""
        at = None
        if known_at is not None:
            at = self.timeline.known_position(known_at)
            if at is None:
                raise TimelineMismatch("recorded times do not rise with the stream")
        units, people, assistants = self.timeline.roster(on, unit, at)
        if unit is not None and unit not in units:
            known = self.timeline.units_on(on, at)
            raise NotFound(no_unit(unit, on, sorted(known, key=lambda u: known[u][0])))
        return {"as_of": on.isoformat(), "known_at": known_at.isoformat() if known_at else None, "people": people,
                "assistants": assistants}

    def verify(self, digest: str | None = None, derived: bool = True) -> Verification:
        """The stored stream checked against its hash chain (and against `digest`, a head digest noted earlier),
        then, with `derived`, the derived tables derived again from it and compared (when they claim to be up to
        date)."""
        result = verify(self.stream, self.codec, digest)
        if result.problem is None:  # the store's own protections: its guard triggers, its access log's chain
            guard = access.guard_problem(self.dialect, self.events_table)
            logged = self.access_log.verify()
            forged = self._forged_actor()
            if guard is not None:
                result.problem = Break(None, "guard", guard)
            elif forged is not None:
                result.problem = forged
            elif logged is not None:
                result.problem = Break(None, "access_log", logged)
        if result.problem is not None or not derived:
            return result
        position, top = self.timeline.current()
        if position == 0:
            result.derived = "absent" if top else None
            return result
        if position != top:
            result.derived = (f"behind: they hold events 1–{position} of {top}; reads answer from the events until "
                              "the next recording or `ledger rebuild`") if position < top else None
            if position > top:
                result.problem = Break(None, "derived", f"the derived tables claim event {position}, but the ledger "
                                       f"ends at event {top}: events were removed, or the tables edited")
            return result
        found = self.timeline.differences(self.facts())
        if found is not None:
            result.problem = Break(None, "derived", f"a derived table differs from the events: {found}; "
                                   "`ledger rebuild` derives them again from the events")
        else:
            result.derived = "current"
        return result

    def _forged_actor(self) -> Break | None:
        """The first event whose actor is not the role the database stamped on its row (PostgreSQL under access
        control: it catches an actor forged inside an encrypted payload, which the insert trigger cannot read)."""
        datastore = self.recorder.datastore  # type: ignore[attr-defined]
        stamped = access.recorded_by(self.dialect, self.events_table, self.dialect.stream_key(self.ledger_id),
                                     lambda sql, params: self.dialect.fetch(datastore, sql, params))
        if not stamped:
            return None
        for version, _topic, state in sorted(self.stream.at(sorted(stamped))):
            actor = self.codec.decode(state).get("actor")
            if actor is not None and actor != stamped[version]:
                return Break(version, "actor", f"event {version} names {actor} as its actor, but the database "
                             f"recorded it from the role {stamped[version]}")
        return None

    def close(self) -> None:
        if self._timeline is not None:
            self._timeline.close()
        if self._access_log is not None:
            self._access_log.close()
        self.dialect.close()
        super().close()
        for then in self.on_close:  # e.g. a dry run's temporary ledger removed
            then()
        self.on_close.clear()

    def history(self, person: str) -> list[Fact]:
        """Every fact about a person (retracted ones included), and the retractions of them, in effective order."""
        facts = self.facts()
        mine = [f for f in facts if f.person == person]
        if not mine:
            raise NotFound(f"no person '{person}' in the ledger")
        ids = {f.id for f in mine}
        mine += [f for f in facts if f.event == "retracted" and f.data["target"] in ids]
        return sorted(mine, key=lambda f: (f.effective, f.id))


def open_ledger(store: str | None = None, extra_env: dict[str, str] | None = None,
                read_only: bool = False) -> PersonnelLedger:
    """Open the ledger in a store: a SQLite path or a postgresql:// URL.

    For writing, the store is created if need be (processes opening a new one take turns). With `read_only`,
    nothing is created or written: a store that does not exist (or holds no ledger) is `no_ledger`, a SQLite file
    may be on read-only media, and a PostgreSQL role may have no write grants at all.
    """
    config = parse_store(store, read_only=read_only)
    cipher_env = encryption_env(extra_env)  # a malformed key is refused before any file is made
    dialect = dialect_for(config)
    try:
        with dialect.opening():
            config = replace(config, env={**config.env, **dialect.prepare()})
            app = PersonnelLedger(env={**config.env, **cipher_env, **(extra_env or {})}, config=config)
    except LedgerError:
        raise
    except Exception as e:  # the store libraries raise many kinds; the user needs one sentence
        said = explain_failure(e, config.location)
        raise said or StoreError(f"cannot open store {config.location}: {type(e).__name__}") from None
    try:
        if read_only and not app.stream.exists():
            raise no_ledger(config.location, " (it holds no ledger)")
        # Wrong key, no key, or plain vs encrypted: refuse before anything is written.
        check_stored_form(app.stream, app.codec, config.location)
    except LedgerError:
        app.close()
        raise
    return app


def open_trial(store: str | None = None, extra_env: dict[str, str] | None = None) -> PersonnelLedger:
    """The ledger a dry run validates against, opened so that nothing can be written: the store read-only, or,
    where it holds no ledger yet, an empty ledger in a temporary folder, removed when it is closed."""
    try:
        return open_ledger(store, extra_env, read_only=True)
    except NoLedger:
        folder = tempfile.mkdtemp(prefix="ledger-dry-run-")
        try:
            app = open_ledger(os.path.join(folder, "ledger.sqlite3"), extra_env)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        app.on_close.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        return app


__all__ = ["Draft", "PersonnelLedger", "default_actor", "open_ledger", "open_trial", "Refused"]
