"""Shared fixtures: real stores (a SQLite file in tmp_path, a PostgreSQL schema of this run) and the real CLI.

PostgreSQL tests run for real: they skip only when CI is unset and no server answers; under CI=true an
unreachable server fails them. Each test run gets its own schema prefix, and every schema it made is dropped.
Under pytest-xdist each worker is a session of its own: the prefix names the worker too (gw0, gw1, …), and each
worker drops the schemas and roles it made.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli

ROOT = Path(__file__).resolve().parents[1]  # the repository: README, CONTRIBUTING, benchmarks
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The synthetic city of benchmarks/generate.py is shared by the city-scale tests (`from generate import generate`).
sys.path.insert(0, str(ROOT / "benchmarks"))

PG_DSN = dict(host=os.environ.get("LEDGER_TEST_PG_HOST", "127.0.0.1"), port=int(os.environ.get("LEDGER_TEST_PG_PORT", "5432")),
              dbname=os.environ.get("LEDGER_TEST_PG_DB", "test"), user=os.environ.get("LEDGER_TEST_PG_USER", "postgres"))
# This run's (and, under xdist, this worker's: PYTEST_XDIST_WORKER) prefix of every schema and role it makes.
RUN_ID = uuid.uuid4().hex[:8] + os.environ.get("PYTEST_XDIST_WORKER", "")
_made_schemas: list[str] = []
_made_roles: list[str] = []
_pg_checked: list[bool] = []


def _pg_available() -> bool:
    if not _pg_checked:
        try:
            import psycopg

            with psycopg.connect(**PG_DSN, connect_timeout=3):
                _pg_checked.append(True)
        except Exception:
            _pg_checked.append(False)
    return _pg_checked[0]


def require_postgres() -> None:
    """Skip when no PostgreSQL answers, unless under CI, where that is a failure."""
    if _pg_available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is not reachable at {PG_DSN['host']}:{PG_DSN['port']} (CI=true: not skipping)")
    pytest.skip("PostgreSQL not reachable (set CI=true to make this a failure)")


def new_pg_url() -> str:
    """A fresh, empty schema of this test run, dropped at the end of the session."""
    require_postgres()
    schema = f"t_{RUN_ID}_{len(_made_schemas)}"
    _made_schemas.append(schema)
    return f"postgresql://{PG_DSN['user']}@{PG_DSN['host']}:{PG_DSN['port']}/{PG_DSN['dbname']}?schema={schema}"


def new_pg_role(name: str) -> str:
    """A login role name of this test run (`ledger access grant` creates it), dropped at the end of the session."""
    require_postgres()
    role = f"r_{RUN_ID}_{name}"
    _made_roles.append(role)
    return role


def _distributed(config: pytest.Config) -> bool:
    """Whether pytest-xdist shares the tests out among workers (`-n N`, pyproject's addopts), in this process."""
    return bool(getattr(config.option, "numprocesses", None)) or hasattr(config, "workerinput")


TERMINAL_VARS = ("COLUMNS", "LINES")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """(xdist, in the controller) The terminal size the run was started with, for its workers: they start with
    COLUMNS=80 and LINES=24 in their environment (GNU readline, loaded in the controller, exports them at the C
    level, which the workers inherit), and the CLI folds its output to $COLUMNS."""
    node.workerinput["terminal_env"] = {name: os.environ.get(name) for name in TERMINAL_VARS}


def pytest_configure(config: pytest.Config) -> None:
    """In an xdist worker: the environment's terminal size as the run's own, so that a worker runs what a single
    process would (a module-scoped fixture, set up before the per-test `_no_ambient_ledger_env`, sees it)."""
    given = getattr(config, "workerinput", {}).get("terminal_env")
    for name, value in (given or {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# The `slow` tests (the four clerks, on each kind of store) spend their minutes waiting: on their clerk processes,
# which take turns at the store's write lock. Under `-n auto` each gets a worker of its own beyond the cores, so
# that the cores go on running the other tests meanwhile (otherwise two workers sit idle for most of the run).
WAITING_WORKERS = 2


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """(xdist, `-n auto`) One worker per core, and one more per `slow` test (WAITING_WORKERS); xdist's own count
    (PYTEST_XDIST_AUTO_NUM_WORKERS, then the cores) comes first when it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + WAITING_WORKERS


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its worker's own hook adds them to the node ids)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist (`--dist loadgroup`): the tests marked `slow` (minutes each) first, so that they start at once on
    separate workers while the others share out the rest; and the tests of a module that share what one of its
    module-scoped fixtures builds on disk or in a database (one that takes `tmp_path_factory`: the demo, a city's
    store, a bureau the tests only read) kept on one worker, so that it is built once, not once per worker. (A
    module-scoped fixture that only holds data, such as a generated city's lines, costs too little to keep its
    tests together.) Every worker collects the same tests in the same order, as xdist requires."""
    if not _distributed(config):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        builds = any(d[-1].scope == "module" and "tmp_path_factory" in d[-1].argnames for d in defs)
        if builds and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__ if isinstance(item, pytest.Function)
                                                    else item.nodeid.split("::")[0]))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: otherwise as collected


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _made_schemas or not _pg_available():
        return
    import psycopg

    with psycopg.connect(**PG_DSN, autocommit=True) as conn:
        for schema in _made_schemas:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        # The roles the run made: its login roles, and the clerk and auditor groups of its schemas.
        groups = [f"{schema}_{kind}" for schema in _made_schemas for kind in ("clerk", "auditor")]
        for role in [*_made_roles, *groups]:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store of each kind: a SQLite file path, or a PostgreSQL URL with its own schema."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite3")
    return new_pg_url()


def module_store(kind: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A new, empty store of `kind` ("sqlite" or "postgresql") for a module-scoped fixture: what `store` gives each
    test, for a store the module's tests share (they only read it)."""
    if kind == "sqlite":
        return str(tmp_path_factory.mktemp("shared") / "ledger.sqlite3")
    return new_pg_url()


def copy_of_sqlite_store(source: str, folder: Path) -> str:
    """A copy of a SQLite store a module built once, for a test that writes to it: the write-ahead log folded into
    the file first (nothing of the store is left only in the log), the owner-only mode kept."""
    import shutil
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(source)) as conn:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0, f"{source} is still being written"
    target = folder / Path(source).name
    shutil.copy2(source, target)
    return str(target)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.sqlite3")


@pytest.fixture
def pg_store() -> str:
    return new_pg_url()


class Ledger:
    """Drives the real CLI (click's CliRunner) against one store, as a clerk would."""

    def __init__(self, store: str):
        self.store = store
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return self.runner.invoke(cli, ["--store", self.store, "--actor", "tester", *args], input=input, env=env,
                                  catch_exceptions=False)

    def ok(self, *args: str, **kw) -> Result:
        r = self(*args, **kw)
        assert r.exit_code == 0, f"ledger {' '.join(args)} exited {r.exit_code}:\n{r.output}"
        return r

    def json(self, *args: str):
        import orjson

        return orjson.loads(self.ok(*args, "--json").stdout)

    def event_count(self) -> int:
        return len(self.json("log"))


@pytest.fixture
def ledger(store: str) -> Ledger:
    return Ledger(store)


@pytest.fixture
def sqlite_ledger(sqlite_store: str) -> Ledger:
    return Ledger(sqlite_store)


def run_ledger(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed `ledger` console script as a subprocess (through this interpreter)."""
    full_env = {**os.environ, **(env or {})}
    code = "from cli.main import cli; cli(prog_name='ledger')"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=full_env, capture_output=True,
                           text=True, timeout=timeout)


@pytest.fixture
def bureau_lines() -> list[dict]:
    """A small bureau's opening structure and roster (not the demo's), as import lines."""
    from tests.scenarios import small_bureau

    return small_bureau()


def jsonl_file(lines: list[dict], path: Path) -> Path:
    """Write `lines` as a JSON-lines file at `path` (what `ledger import` reads)."""
    import orjson

    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    return path


@pytest.fixture
def write_jsonl(tmp_path: Path):
    counter = iter(range(10_000))

    def write(lines: list[dict], name: str | None = None) -> Path:
        return jsonl_file(lines, tmp_path / (name or f"batch{next(counter)}.jsonl"))

    return write


AMBIENT = ("LEDGER_STORE", "LEDGER_ACTOR", "LEDGER_STRICT", "LEDGER_ENCRYPTION_KEY", "COLUMNS", "NO_COLOR")


def _without_ambient_ledger_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AMBIENT:
        monkeypatch.delenv(name, raising=False)
    # Tests that read the CLI's words read them in English (the msgids); tests of the default, Chinese interface
    # remove this (`monkeypatch.delenv("LEDGER_LANG")`). The language is the process's: put back after each test.
    monkeypatch.setenv("LEDGER_LANG", "en")


@pytest.fixture(autouse=True)
def _no_ambient_ledger_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _without_ambient_ledger_env(monkeypatch)
    yield
    from ledger.app import use_language

    use_language("en")


@contextmanager
def as_each_test_runs() -> Iterator[None]:
    """For a module-scoped fixture (set up before the per-test `_no_ambient_ledger_env`): the environment each
    test runs in, while it builds what the module's tests share."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _without_ambient_ledger_env(monkeypatch)
        try:
            yield
        finally:
            from ledger.app import use_language

            use_language("en")
