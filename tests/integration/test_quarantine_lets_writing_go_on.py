"""A clerk's raw INSERT of a foreign row blocks every append (reads pass over it, naming it); the owner quarantines
it (`ledger quarantine ROW --reason`, an event): appends work again, reads give no notice, and `ledger verify` names the row as quarantined rather than
failing. A quarantine cannot hide a fact the ledger wrote, and on PostgreSQL only the owner may record one."""

from __future__ import annotations

import pytest

from tests.conftest import Ledger
from tests.integration.test_access_roles_and_log import as_role, run
from tests.integration.test_foreign_event_rows_are_refused import CASES, _insert_pg, _insert_sqlite, recorded  # noqa: F401

MORE = [{"event": "quota_set", "effective": "2022-06-01", "unit": "SJ", "establishment": "行政编制", "count": 9}]


@pytest.mark.parametrize("case", ["a module's topic", "fields missing", "five megabytes"])
def test_the_owner_quarantines_a_foreign_row_and_everyone_goes_on(recorded, write_jsonl, case: str) -> None:  # noqa: F811
    owner, clerk = recorded
    topic, extra, said = CASES[case]
    before = owner.json("roster", "--as-of", "2022-12-31")
    version = _insert_pg(owner.store, clerk, topic, extra) if clerk else _insert_sqlite(owner.store, topic, extra)
    as_owner = (lambda *a: run(owner.store, *a)) if clerk else owner
    as_clerk = (lambda *a: run(as_role(owner.store, clerk), *a)) if clerk else owner

    # every append is blocked, naming the row; reads go on, naming it
    for who in (as_owner, as_clerk):
        r = who("roster", "--as-of", "2022-12-31")
        assert r.exit_code == 0 and f"event {version} " in r.output and said in r.output, r.output
        r = who("import", str(write_jsonl(MORE, "more.jsonl")))
        assert r.exit_code == 1 and said in r.output, r.output

    if clerk:  # a clerk cannot quarantine (only the owner sets rows aside)
        r = as_clerk("quarantine", str(version), "--reason", "mine")
        assert r.exit_code == 1 and "only the store's owner" in r.output, r.output
    r = as_owner("quarantine", str(version - 1), "--reason", "not foreign")  # a fact the ledger wrote: refused
    assert r.exit_code == 1 and "is one the ledger wrote" in r.output, r.output

    r = as_owner("quarantine", str(version), "--reason", "inserted by hand with psql")
    assert r.exit_code == 0, r.output
    assert r.output.split() == [str(version + 1)]
    r = as_owner("quarantine", str(version), "--reason", "again")
    assert r.exit_code == 1 and "already quarantined" in r.output, r.output

    # reads and appends work again, for every role; the row is no fact
    for who in (as_owner, as_clerk):
        r = who("roster", "--as-of", "2022-12-31", "--json")
        assert r.exit_code == 0 and "Note:" not in r.output, r.output
    assert Ledger(owner.store).json("roster", "--as-of", "2022-12-31") == before
    r = as_clerk("import", str(write_jsonl(MORE, "more2.jsonl")))
    assert r.exit_code == 0, r.output
    assert r.output.split()[-1] == str(version + 2) or str(version + 2) in r.output

    # verify: OK, naming the quarantined row
    r = as_owner("--lang", "en", "verify")
    assert r.exit_code == 0, r.output
    assert f"Quarantined: event {version} " in r.output and "inserted by hand with psql" in r.output
    data = Ledger(owner.store).json("verify") if not clerk else None
    if data is not None:
        assert data["ok"] and data["quarantined"][0]["event_id"] == version
