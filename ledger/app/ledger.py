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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, JSONTranscoder, Mapper
from eventsourcing.utils import Environment

from ledger.app.drafts_checks import holder_facts, id_numbers_unique, images_kept, names_unique_in_any_case
from ledger.app.failures import explain_failure
from ledger.app.rules_in_force import rulebook_of
from ledger.app.validation import Judgement, ScopeReader, Validator
from ledger.model.errors import LedgerError, NoLedger, Problem, Refused, StoreError
from ledger.model.facts import Draft, Fact
from ledger.model.state import State
from ledger.rules.catalogue import Rulebook, RulesError
from ledger.store import blobs
from ledger.store.aggregate import LedgerStream, ledger_id, stream_at
from ledger.store.codec import Codec, DateAsISO, SealedMapper
from ledger.store.config import StoreConfig, parse_store
from ledger.store.crypto import check_stored_form, encryption_env
from ledger.store.derived import derive_whole
from ledger.store.dialect import READ_ONLY_SESSION, LentSessions, dialect_for, no_ledger
from ledger.store.integrity import seal_pending
from ledger.store.log import FactLog, paused_gc
from ledger.store.scoped import Scope, read_scope
from ledger.store.stream import EventStream
from ledger.store.timeline import Timeline

if TYPE_CHECKING:
    from ledger.store.access_log import AccessLog

MAX_ATTEMPTS = 50
SNAPSHOT_INTERVAL = 200  # events between the stream's snapshots (evidence for `verify`)


def _back_off(attempt: int) -> None:
    """Sleep a random while, longer after each conflict, so that busy clerks do not retry in lock-step (without
    it, one of four processes appending flat out can lose every race and starve)."""
    time.sleep(random.uniform(0, min(0.005 * 2 ** attempt, 0.25)))


ACTOR_MAX = 64  # characters of an actor's name


def valid_actor(name: str) -> str:
    """An actor's name checked as a name is (no control, format or bidi characters; at most `ACTOR_MAX`
    characters; not blank): it is recorded on every event and shown by every reader."""
    from ledger.model.parsing import sanitise
    from ledger.store.row_rules import quoted

    try:
        clean = sanitise(name, "name", ACTOR_MAX)
    except ValueError as e:
        raise StoreError(f"the actor '{quoted(name)}' {e} (an actor is a name of at most {ACTOR_MAX} characters); "
                         "nothing was written") from None
    if not clean:
        raise StoreError("the actor is blank: give a name with --actor or $LEDGER_ACTOR; nothing was written")
    return clean


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
        self.fact_log.vetted = lambda: self.timeline.current()[0]  # the derived tables take in vetted rows only
        self.fact_log.known_person = self._indexed_person
        self._timeline: Timeline | None = None
        self._access_log: AccessLog | None = None
        self._role: tuple[str | None, bool, bool] | None = None  # `session_role()`
        self.notices: list[str] = []  # what a reader should know about how an answer was found
        self.fact_log.notices = self.notices  # (a foreign row passed over is named there)
        self.on_close: list[Callable[[], None]] = []  # done after the store is closed

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        """eventsourcing's factory; opened for reading, its PostgreSQL sessions are read-only (the pool's
        connections are made later, with these settings)."""
        factory = super().construct_factory(env)
        if self.config.read_only and self.config.kind == "postgresql":
            datastore: Any = factory.datastore  # type: ignore[attr-defined]
            datastore.pool.kwargs["options"] = READ_ONLY_SESSION
            # The composite type eventsourcing looks up (a catalogue query) is what its insert function takes: a
            # reader never inserts.
            datastore.register_type_adapters = _no_type_adapters
            if self.config.lent is not None:  # sessions lent by a roll-up across bureaus: none of its own
                datastore.pool = self.config.lent.pool(datastore.after_connect_func())
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

    def _indexed_person(self, person: str) -> bool:
        """Whether the fact index holds facts about the person (no index: no, and the fold vets every row)."""
        try:
            return bool(self.timeline.fact_index.fact_ids([person]))
        except Exception:
            return False

    def facts(self) -> list[Fact]:
        """Every recorded fact (retractions included), in recording order. Reads only what is new."""
        return self.fact_log.read()

    # --- commands -------------------------------------------------------------------------------------------
    def judge(self, drafts: Sequence[Draft], whole: bool = False, images: Mapping[str, bytes] | None = None
              ) -> Judgement:
        """Validate drafts against the timeline as if recorded now (`ledger.app.validation`) and by the checks
        beyond their scope (`ledger.app.drafts_checks`: images, 身份证号); raise `Refused` or return the batch as it
        would be recorded. The timeline is the batch's scope read through the fact index where the derived tables
        are current (nothing is written here), else (or `whole`) every recorded fact: both give the same answer.
        `images`: the photos' images that would come with the batch, by SHA-256."""
        images_kept(drafts, lambda: blobs.kept(self.dialect), images or {})
        scoped = not whole and self._scoped(len(drafts), catch_up=False)
        names_unique_in_any_case(self, drafts, scoped)
        judgement = self._validated(drafts, scoped)[0]
        id_numbers_unique(drafts, holder_facts(self, scoped))
        return judgement

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
            return read_scope(self.timeline.fact_index, new, top, self.timeline, own=True)

        return read

    def append(self, drafts: Sequence[Draft], actor: str | None = None, progress: Callable[[int], None] | None = None,
               vet: Callable[[list[Fact], list[Fact]], None] | None = None, at: datetime | None = None,
               images: Mapping[str, bytes] | None = None) -> list[int]:
        """Validate and record drafts as one all-or-nothing batch; returns the new event ids, in recording order.

        On a concurrent append (version conflict) the timeline is re-read, the batch re-validated and retried.
        `vet(recorded, new)`, if given, sees the batch before it is saved and may refuse it by raising (the
        compliance check at entry, `ledger.rules.EntryFindings`); `recorded` is the part of the timeline the batch
        can affect (ledger.scope), or all of it. `at` is the recording's moment for a history recorded on its own
        clock (the demo's dated batches; rising with the stream), else now. `images`: the photos' images the batch
        brings, by SHA-256, kept only once the batch has passed every check (a refused photo leaves no image behind).
        """
        if not drafts:
            return []
        actor = self.recording_actor(actor)  # (refused before anything is written)
        images = dict(images or {})
        images_kept(drafts, lambda: blobs.kept(self.dialect), images)  # each photo's image kept, or brought
        # Appenders take turns (the version check stays); a foreign row not quarantined refuses the append.
        with self.dialect.writers_turn(), paused_gc(), self.fact_log.writing():
            self.timeline.ensure()  # the derived tables made (or, written by an earlier version, dropped) in turn
            judgement = self._append(drafts, actor, vet, at, images)
        # After the turn: the derived tables have their own lock, and one refresh takes in every append made
        # meanwhile, so clerks appending at once do not wait for each other's refreshes.
        with paused_gc():
            self._refresh_derived(judgement.scope)
        return [f.id for f in judgement.new]

    def _append(self, drafts: Sequence[Draft], actor: str, vet: Callable[[list[Fact], list[Fact]], None] | None,
                at: datetime | None = None, images: Mapping[str, bytes] | None = None) -> Judgement:
        """`append`'s work, in the writers' turn: validate, keep the batch's images, save, retrying on a concurrent
        append. The 身份证号 are checked here, in the turn: no other clerk can give the same number meanwhile."""
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                _back_off(attempt)
            scoped = self._scoped(len(drafts))
            names_unique_in_any_case(self, drafts, scoped)  # first: a second person or unit is never judged
            judgement, top = self._validated(drafts, scoped)
            id_numbers_unique(drafts, holder_facts(self, scoped))
            ledger = stream_at(top)  # at the version read: its save is refused if another append came since
            if vet is not None:
                vet(judgement.compared_with, judgement.new)
            self._keep_images(drafts, images or {})
            stamp = at or LedgerStream.Fact.create_timestamp()  # one batch, one moment: known all at once, or not at all
            for f in judgement.new:
                ledger.record(f.event, actor=actor, timestamp=stamp, **f.data)
            try:
                self.save(ledger)
            except IntegrityError:
                continue
            return judgement
        raise StoreError("the ledger is too busy: gave up after repeated concurrent appends; try again")

    def _keep_images(self, drafts: Sequence[Draft], images: Mapping[str, bytes]) -> None:
        """Keep the images the batch's photos name and bring (their type as the photo's event gives it), just before
        the batch is saved: the same image twice is one row (`ledger.store.blobs`)."""
        for d in drafts:
            key = str(d.fields.get("sha256") or "")
            if d.event == "photo_recorded" and key in images:
                if blobs.keep(self.dialect, self.codec, str(d.fields.get("media_type")), images[key]) != key:
                    raise Refused([Problem("missing_image", f"the image brought for {key} has another SHA-256")])

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

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows of one query, through eventsourcing's own connection to the store (the dialect's `fetch`)."""
        return self.dialect.fetch(self.recorder.datastore, sql, params)  # type: ignore[attr-defined]

    def session_role(self) -> tuple[str | None, bool, bool]:
        """(the PostgreSQL role this session logs in as, whether the store is under access control, whether the
        role may append); (None, False, True) on SQLite. Asked once, through eventsourcing's connection."""
        if self._role is None:
            if self.config.kind != "postgresql":  # (`access.session`'s answer there, without loading PostgreSQL's
                self._role = (None, False, True)  # roles and guards into a clerk's every append)
            else:
                from ledger.store import access

                self._role = access.session(self.dialect, self.events_table, self.fetch)
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
            return valid_actor(declared or default_actor())
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
        return self.session_role()[0] or valid_actor(declared or default_actor())

    @property
    def access_log(self) -> AccessLog:
        """The store's access log (`ledger.store.access_log`): empty and not written unless the store keeps one."""
        if self._access_log is None:
            from ledger.store.access_log import AccessLog

            self._access_log = AccessLog(self.dialect, self.fetch)
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

    # --- queries --------------------------------------------------------------------------------------------
    def state(self, on: date | None = None, known_at: datetime | None = None) -> State:
        """The fold of every recorded fact on `on`, as known at `known_at`.

        Cold (nothing read yet), the stream is folded without keeping its facts (`FactLog.stream_counting`): a
        city's million `Fact`s never sit in memory at once.
        """
        return self.fact_log.state(on, known_at)

    @property
    def timeline(self) -> Timeline:
        """The materialised timeline of this ledger (ledger.store.timeline), in the same store."""
        if self._timeline is None:
            self._timeline = Timeline(self.fact_log, self.dialect)
            config = self.config
            beside = config.path if config is not None and config.kind == "sqlite" else None
            self._timeline.rulebook = partial(kept_rulebook, beside)  # the findings it keeps are judged by these
        return self._timeline

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



def kept_rulebook(store_path: Path | None, facts: list[Fact]) -> Rulebook | None:
    """The rules the writers judge the kept findings by (`ledger.store.kept_findings`): in force today by the
    settings among `facts`, or the ledger.toml beside a SQLite store; None when that file cannot be read (no
    findings are kept until it can; `ledger check` says what is wrong with it)."""
    try:
        return rulebook_of(facts, store_path)
    except RulesError:
        return None


def _no_type_adapters() -> None:
    """A read-only ledger's stand-in for eventsourcing's `register_type_adapters` (see `construct_factory`)."""


def open_ledger(store: str | None = None, extra_env: dict[str, str] | None = None,
                read_only: bool = False, lent: LentSessions | None = None) -> PersonnelLedger:
    """Open the ledger in a store: a SQLite path or a postgresql:// URL.

    For writing, the store is created if need be (processes opening a new one take turns). With `read_only`,
    nothing is created or written: a store that does not exist (or holds no ledger) is `no_ledger`, a SQLite file
    may be on read-only media, and a PostgreSQL role may have no write grants at all; `lent`: read-only
    PostgreSQL sessions (of the same role and database) to use instead of connecting its own.
    """
    config = parse_store(store, read_only=read_only)
    if lent is not None and read_only and config.kind == "postgresql":
        config = replace(config, lent=lent)
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
    except BaseException:  # closed here, not by the collector later (eventsourcing's `__del__`, in any thread)
        try:
            app.close()
        except Exception:  # (what failed is what the caller needs to hear)
            pass
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
