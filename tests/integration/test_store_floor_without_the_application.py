"""The store floor stands on eventsourcing's recorder, not on the application: built on a bare recorder of a
store the application wrote, it reads the same facts, folds the same state and verifies the same chain, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from ledger.app.ledger import PersonnelLedger, open_ledger
from ledger.app.sources import read_source
from ledger.app.upkeep import verify_ledger
from ledger.model.facts import Draft
from ledger.store.aggregate import ledger_id
from ledger.store.codec import Codec
from ledger.store.config import parse_store
from ledger.store.dialect import dialect_for
from ledger.store.integrity import verify
from ledger.store.log import FactLog
from ledger.store.stream import EventStream
from ledger.store.timeline import Timeline
from tests.audit_bureau import opening


def test_a_bare_recorder_reads_folds_and_verifies_what_the_application_wrote(store: str) -> None:
    app = open_ledger(store)
    app.append([Draft(line.pop("event"), line) for line in opening()], actor="clerk")
    facts = [f.as_json() for f in app.facts()]
    on = max(f.effective for f in app.facts())
    state, roster, head = app.state(on), read_source(app).roster(on), verify_ledger(app).head
    app.close()

    config = parse_store(store)
    # The application's name picks its tables (PostgreSQL: personnelledger_events).
    factory = InfrastructureFactory.construct(Environment(PersonnelLedger.name, config.env))
    dialect = dialect_for(config)
    stream = EventStream(dialect, factory.application_recorder(), ledger_id())
    try:
        cold = FactLog(stream, Codec())
        assert cold.state(on) == state  # streamed: nothing kept
        assert not cold.loaded
        log = FactLog(stream, Codec())
        assert [f.as_json() for f in log.read()] == facts
        assert log.head is not None and log.head[1] == head
        assert verify(stream, Codec()).head == head
        timeline = Timeline(log, dialect)
        units, people, assistants = timeline.roster(on)
        assert (people, assistants) == (roster["people"], roster["assistants"])
        assert stream.top() == len(facts) + 1  # the stream's opening event, then the facts
        timeline.close()
    finally:
        factory.close()


def test_a_new_store_has_an_empty_stream(sqlite_store: str) -> None:
    app = open_ledger(sqlite_store)
    try:
        assert app.stream.top() == 0
        assert app.fact_log.read() == [] and app.fact_log.head is None
        assert app.state(date(2024, 1, 1)).units == {}
    finally:
        app.close()
