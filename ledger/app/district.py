"""A district of bureaus on one PostgreSQL database: its registry, and the organisation department's read-only view
across the bureaus' ledgers.

The district is a store of its own (`?schema=district` by convention) whose facts register and remove bureaus
(`ledger.model.events.district`); each bureau's ledger stays in its own schema, untouched. A roll-up opens each
bureau registered on the date (as known at the moment) read-only, as the session's own role, asks it the question
through its `Queries` — so the read lands in that bureau's access log, via "district" — and puts the answers side
by side, each row carrying its `bureau`. Nothing here computes a figure of its own: a district answer is the union
(or the sum) of the bureaus' answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from ledger.app.queries import Queries
from ledger.app.sources import read_source
from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import fold
from ledger.model.errors import NoLedger, NotFound, Problem, Refused, StoreError
from ledger.model.facts import Draft
from ledger.model.state import Bureau
from ledger.store.config import StoreConfig
from ledger.store.dialect import LentSessions
from ledger.store.log import paused_gc

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger
    from ledger.read.yearly import YearlyFigures

T = TypeVar("T")
CHANNEL = "district"  # how a read across bureaus is named in a bureau's access log
THREADS = 4  # bureaus asked at once: a bureau's read mostly waits for the server, which psycopg does without the GIL
DISTRICT_EVENTS = ("bureau_registered", "bureau_removed", "retracted")


def _postgres_only(config: StoreConfig) -> None:
    if config.kind != "postgresql":
        raise StoreError(f"{config.location} is a SQLite file: a district is a schema of the PostgreSQL database "
                         "its bureaus' schemas are in (--store 'postgresql://USER@HOST/DB?schema=district')")


def schema_url(config: StoreConfig, schema: str) -> str:
    """The address of another schema of the same database, as the same user (the password kept, never shown)."""
    env = config.env
    user = quote(env["POSTGRES_USER"], safe="")
    password = f":{quote(env['POSTGRES_PASSWORD'], safe='')}" if env.get("POSTGRES_PASSWORD") else ""
    return (f"postgresql://{user}{password}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
            f"?schema={schema}")


def open_bureau(config: StoreConfig, bureau: Bureau, read_only: bool = True,
                lent: LentSessions | None = None) -> PersonnelLedger:
    """A registered bureau's ledger, opened (read-only unless asked) as the district session's role (on `lent`
    sessions, if given); a schema that holds no ledger is one sentence naming the bureau."""
    from ledger.app.ledger import open_ledger

    try:
        return open_ledger(schema_url(config, bureau.schema), read_only=read_only, lent=lent)
    except NoLedger:
        raise StoreError(f"bureau {bureau.code} ({bureau.name}): schema {bureau.schema} holds no ledger "
                         f"(`ledger district remove {bureau.code}` if it is gone)") from None


def check_registrations(app: PersonnelLedger, drafts: Sequence[Draft]) -> None:
    """Refuse (nothing written) registering a bureau outside PostgreSQL, or a schema that holds no ledger, or the
    district's own schema."""
    wanted = [d for d in drafts if d.event == "bureau_registered"]
    if not wanted:
        return
    config = app.config
    problems = []
    for d in wanted:
        schema, code = str(d.fields.get("schema") or ""), d.fields.get("bureau")
        if config.kind != "postgresql":
            problems.append(Problem("not_postgresql", f"bureau {code}: a district registers schemas of its "
                                    "PostgreSQL database, and this store is a SQLite file"))
        elif schema == config.schema:
            problems.append(Problem("own_schema", f"bureau {code}: {schema} is the district's own schema"))
        else:
            try:
                open_bureau(config, Bureau(str(code), schema, str(d.fields.get("name") or ""), date.today())).close()
            except (StoreError, NoLedger):
                problems.append(Problem("no_ledger", f"bureau {code}: schema {schema} holds no ledger (record into it "
                                        "first, or check the name)"))
    if problems:
        raise Refused(problems)


@dataclass
class District:
    """The district's registry and its roll-ups, over the district's store (`queries`, opened read-only)."""

    queries: Queries

    def __post_init__(self) -> None:
        _postgres_only(self.queries.application.config)

    @property
    def config(self) -> StoreConfig:
        return self.queries.application.config

    def bureaus(self, on: date | None = None, known_at: datetime | None = None) -> list[Bureau]:
        """The bureaus registered on `on` (None: after every fact) as known at `known_at`, by code."""
        app = self.queries.application
        facts = [f for f in read_source(app).facts_of([STRUCTURE]) if f.event in DISTRICT_EVENTS]
        return sorted(fold(facts, on, known_at).bureaus.values(), key=lambda b: b.code)

    def listing(self, on: date | None = None, known_at: datetime | None = None) -> list[dict[str, Any]]:
        """`ledger district list --json`: each bureau's code, schema, name and the date it joined."""
        return [{"bureau": b.code, "schema": b.schema, "name": b.name, "since": b.since.isoformat()}
                for b in self.bureaus(on, known_at)]

    def sessions(self) -> LentSessions:
        """Read-only sessions of the district's role for a roll-up to lend the bureaus it opens, a pair a thread
        (closed when the roll-up is done): none connected per bureau."""
        return LentSessions(self.config.env)

    @contextmanager
    def bureau(self, bureau: Bureau, lent: LentSessions | None = None) -> Iterator[Queries]:
        """One bureau's query API, its reads logged in its own access log (via "district"), closed after; on `lent`
        sessions, if given."""
        app = open_bureau(self.config, bureau, lent=lent)
        try:
            yield Queries(app, reader=self.queries.reader, channel=CHANNEL, prefer=self.queries.prefer)
        finally:
            self.queries.application.notices.extend([f"{bureau.code}: {n}" for n in app.notices])
            app.close()

    def across(self, on: date | None, known_at: datetime | None,
               ask: Callable[[Bureau, Queries], T]) -> list[tuple[Bureau, T]]:
        """`ask(bureau, its query API)` of every bureau registered on `on` as known at `known_at`, in the bureaus'
        order; up to `THREADS` bureaus at once (each opened, asked and closed by one thread)."""
        bureaus = self.bureaus(on, known_at)
        with self.sessions() as lent, paused_gc():  # paused: each bureau's answer is many small objects without
            # cycles (a roster: tens of thousands)
            def one(b: Bureau) -> T:
                with self.bureau(b, lent) as q:
                    return ask(b, q)

            if len(bureaus) < 2:
                return [(b, one(b)) for b in bureaus]
            with ThreadPoolExecutor(max_workers=min(THREADS, len(bureaus)), thread_name_prefix="district") as pool:
                return list(zip(bureaus, pool.map(one, bureaus), strict=True))

    def each(self, on: date | None, known_at: datetime | None) -> Iterator[tuple[Bureau, Queries]]:
        """Every bureau registered on `on` as known at `known_at`, with its query API (one open at a time)."""
        with self.sessions() as lent:
            for b in self.bureaus(on, known_at):
                with self.bureau(b, lent) as q:
                    yield b, q

    def registered(self, code: str) -> Bureau:
        """The bureau registered now under `code` (NotFound, naming the codes there are, if none)."""
        found = {b.code: b for b in self.bureaus()}
        if code not in found:
            raise NotFound(f"no bureau '{code}' in the district (registered: {', '.join(found) or 'none'})")
        return found[code]

    def store_of(self, bureau: Bureau) -> str:
        """The address of a registered bureau's ledger, as the district session's role: a reader that keeps it open
        (the web view's bureau pages) opens it read-only itself."""
        return schema_url(self.config, bureau.schema)

    # --- roll-ups: each the union (or sum) of the bureaus' own answers ------------------------------------------
    def figures(self, on: date, known_at: datetime | None = None) -> list[dict[str, Any]]:
        """Each bureau registered on `on` (as known at `known_at`) with its units' figures summed: 编制 and 领导职数
        against who fills them, 超编 and 超职数 (a unit's excess, summed), the seconded and the assistants — the
        district's home page, from each bureau's own `ledger units`."""
        rows = []
        for b, units in self.across(on, known_at, lambda _b, q: q.units(on, known_at)):
            quotas = [e for u in units for e in u["establishment"]]
            posts = [x for u in units for x in u["posts"]]
            rows.append({"bureau": b.code, "name": b.name, "schema": b.schema, "since": b.since.isoformat(),
                         "units": len(units), "headcount": sum(u["headcount"] for u in units),
                         "quota": sum(e["quota"] for e in quotas), "filled": sum(e["filled"] for e in quotas),
                         "over_quota": sum(max(0, e["filled"] - e["quota"]) for e in quotas),
                         "post_quota": sum(x["quota"] for x in posts), "posts_filled": sum(x["filled"] for x in posts),
                         "over_posts": sum(max(0, x["filled"] - x["quota"]) for x in posts),
                         "seconded": sum(u["seconded"] for u in units), "assistants": sum(u["assistants"] for u in units)})
        return rows

    def roster(self, on: date, known_at: datetime | None = None) -> dict[str, Any]:
        """Every bureau's `ledger roster --json` people and assistants, each row with its `bureau`."""
        out: dict[str, Any] = {"as_of": on.isoformat(), "known_at": known_at.isoformat() if known_at else None,
                               "bureaus": [], "people": [], "assistants": []}
        answers = self.across(on, known_at, lambda _b, q: q.roster(on, known_at))
        with paused_gc():
            for b, r in answers:
                out["bureaus"].append(b.code)
                out["people"] += [{"bureau": b.code, **p} for p in r["people"]]
                out["assistants"] += [{"bureau": b.code, **a} for a in r["assistants"]]
        return out

    def units(self, on: date, known_at: datetime | None = None) -> list[dict[str, Any]]:
        """Every bureau's `ledger units --json` entries, each with its `bureau`."""
        return [{"bureau": b.code, **u} for b, found in self.across(on, known_at, lambda _b, q: q.units(on, known_at))
                for u in found]

    def check(self, as_of: date, since: date | None = None, known_at: datetime | None = None) -> dict[str, Any]:
        """Every bureau's `ledger check --json` findings and notices, each with its `bureau`; `summary` the sum of
        theirs and `bureaus` each one's."""
        since = since or date(as_of.year, 1, 1)
        findings: list[dict[str, Any]] = []
        notices: list[dict[str, Any]] = []
        summary: Counter[str] = Counter()
        per: dict[str, dict[str, int]] = {}
        for b, found in self.across(as_of, known_at,
                                    lambda _b, q: q.findings(as_of, since, None, None, known_at).as_json()):
            findings += [{"bureau": b.code, **x} for x in found["findings"]]
            notices += [{"bureau": b.code, **x} for x in found["notices"]]
            summary.update(found["summary"])
            per[b.code] = found["summary"]
        from ledger.app.transfer_state import district_state, transfer_findings

        moved = transfer_findings(district_state(self.queries.application, as_of, known_at), as_of)
        findings += moved  # the district's own: its transfers (TRANSFER_PENDING, TRANSFER_DATES_APART)
        summary.update(x["rule"] for x in moved)
        return {"as_of": as_of.isoformat(), "since": since.isoformat(),
                "known_at": known_at.isoformat() if known_at else None, "findings": findings,
                "summary": dict(summary), "bureaus": per, "notices": notices}

    def transfers(self, pending: bool = False, known_at: datetime | None = None) -> list[dict[str, Any]]:
        """`ledger district transfers --json`: every transfer (only the pending ones), by the 调出's date."""
        from ledger.app.transfer_state import district_state, transfer_json

        found = district_state(self.queries.application, None, known_at).transfers.values()
        return [transfer_json(t) for t in sorted(found, key=lambda t: (t.out or date.min, t.transfer))
                if t.sent_event is not None and (not pending or t.arrived is None)]

    def history(self, person: str, bureau: str | None = None) -> dict[str, Any]:
        """`ledger district history PERSON --json`: the person's events in each bureau they were in, following the
        transfers (the person may have another id in the receiving bureau), each row with its `bureau` and
        `person`; read through each bureau's `Queries.history`, so each read lands in that bureau's access log."""
        from ledger.app.transfer_state import district_state

        state = district_state(self.queries.application)
        registered = {b.code: b for b in self.bureaus()}
        if bureau is not None and bureau not in registered:
            raise Refused([Problem("unknown_bureau", f"no bureau '{bureau}' is registered in this district")])
        starts = [(bureau, person)] if bureau is not None else self._holding(person, registered, state)
        if not starts:
            raise Refused([Problem("unknown_person", f"no registered bureau has a person {person}")])
        chains = {tuple(_chain(state, b, p)) for b, p in starts}
        if len(chains) > 1:
            codes = ", ".join(sorted({b for b, _p in starts}))
            raise Refused([Problem("ambiguous_person", f"{person} is an id in several bureaus ({codes}) that no "
                                   "transfer links: give --bureau")])
        links = next(iter(chains))
        rows: list[dict[str, Any]] = []
        with self.sessions() as lent:
            for code, pid in links:
                if code not in registered:
                    continue  # a bureau removed since: its ledger is no longer the district's to read
                with self.bureau(registered[code], lent) as q:
                    rows += [{"bureau": code, "person": pid, **r} for r in q.history(pid)]
        return {"person": person, "bureaus": [{"bureau": c, "person": p} for c, p in links], "events": rows}

    def _holding(self, person: str, registered: dict[str, Bureau], state: Any) -> list[tuple[str, str]]:
        """Where the id `person` is: the transfers naming it, else the bureaus whose ledgers hold facts about it."""
        named = [(t.from_bureau, t.person) for t in state.transfers.values() if t.person == person] + \
            [(t.to_bureau, t.to_person) for t in state.transfers.values() if t.to_person == person]
        if named:
            return [(str(b), str(p)) for b, p in named]
        found = []
        with self.sessions() as lent:
            for b in registered.values():
                app = open_bureau(self.config, b, lent=lent)
                try:
                    if read_source(app).facts_of([person]):
                        found.append((b.code, person))
                finally:
                    app.close()
        return found

    def eligible(self, on: date, known_at: datetime | None = None) -> dict[str, Any]:
        """Every bureau's `ledger eligible --json` people, each with its `bureau`."""
        return {"as_of": on.isoformat(), "known_at": known_at.isoformat() if known_at else None,
                "people": [{"bureau": b.code, **p} for b, found in self.across(
                    on, known_at, lambda _b, q: q.eligible(on, None, None, known_at)) for p in found["people"]]}

    def due(self, on: date, until: date, known_at: datetime | None = None) -> dict[str, Any]:
        """Every bureau's `ledger due --json` items from `on` to `until`, each with its `bureau`."""
        return {"as_of": on.isoformat(), "until": until.isoformat(),
                "known_at": known_at.isoformat() if known_at else None,
                "items": [{"bureau": b.code, **x} for b, found in self.across(
                    on, known_at, lambda _b, q: q.due(on, until, None, None, known_at)) for x in found["items"]]}

    def report(self, year: int, known_at: datetime | None = None) -> dict[str, Any]:
        """The bureaus side by side for the year (each from its own `Queries.yearly_figures`) and a 合计 row:
        编制 and 领导职数 against who fills them, 超编 and 超职数, the year's 提拔 and 职级晋升 and those promoted by age,
        gender and education, and the 评议 results."""
        on = date(year, 12, 31)

        def row(b: Bureau, q: Queries) -> dict[str, Any]:
            with q.one_read("district_report"):
                return report_row(b, q.yearly_figures(year, None, known_at))

        rows = [r for _b, r in self.across(on, known_at, row)]
        return {"year": year, "as_of": on.isoformat(), "known_at": known_at.isoformat() if known_at else None,
                "bureaus": rows, "total": total_row(rows)}


REVIEW_ANSWERS = ("satisfied", "basically_satisfied", "dissatisfied", "not_known")


def report_row(b: Bureau, f: YearlyFigures) -> dict[str, Any]:
    """One bureau's line of the district report, from its yearly figures."""
    from ledger.model.appointments import PROMOTION

    posts = [*f.head_posts, *f.section_posts]
    reviews: Counter[str] = Counter()
    for r in f.reviews:
        if r.person is None:  # the 一报告 评议 of the work as a whole
            reviews.update(r.counts)
    cohorts, educations = f.cohorts(), f.educations()
    return {"bureau": b.code, "name": b.name,
            "quota": sum(f.quotas.values()), "filled": sum(f.filled.values()),
            "over_quota": sum(max(0, f.filled.get(k, 0) - q) for k, q in f.quotas.items()),
            "post_quota": sum(p.quota for p in posts), "posts_filled": sum(p.filled for p in posts),
            "over_posts": sum(max(0, p.filled - p.quota) for p in posts),
            "promotions": sum(1 for a in f.appointments if a.verb == PROMOTION),
            "rank_promotions": len(f.promotions), "promoted": len(f.promoted),
            "cohorts": cohorts, "genders": f.genders(), "educations": educations,
            "reviews": {k: reviews.get(k, 0) for k in REVIEW_ANSWERS}} | shares(cohorts, educations)


def shares(cohorts: dict[str, int], educations: dict[str, int]) -> dict[str, int]:
    """What the report's table shows of the promoted's breakdowns: those born in 1980 or later (80后及以下), and
    those with a 研究生 (博士 or 硕士) and with a 大学本科 education."""
    return {"born_1980_or_later": sum(n for k, n in cohorts.items() if k in YOUNG_COHORTS),
            "graduates": sum(n for k, n in educations.items() if k in GRADUATE),
            "undergraduates": educations.get("大学本科", 0)}


YOUNG_COHORTS = ("80后", "90后", "00后")
GRADUATE = ("博士研究生", "硕士研究生")


def total_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The 合计 row: every count summed, the breakdowns merged."""
    total: dict[str, Any] = {"bureau": None, "name": "合计"}
    for key in ("quota", "filled", "over_quota", "post_quota", "posts_filled", "over_posts", "promotions",
                "rank_promotions", "promoted"):
        total[key] = sum(r[key] for r in rows)
    for key in ("cohorts", "genders", "educations", "reviews"):
        merged: Counter[str] = Counter()
        for r in rows:
            merged.update(r[key])
        total[key] = {k: merged[k] for k in dict.fromkeys(k for r in rows for k in r[key])}
    return total | shares(total["cohorts"], total["educations"])


def approving_percent(reviews: dict[str, int]) -> float | None:
    """满意 + 基本满意 as a share of every answer, in per cent (None: no answers)."""
    n = sum(reviews.values())
    return round(100 * (reviews.get("satisfied", 0) + reviews.get("basically_satisfied", 0)) / n, 1) if n else None


def _chain(state: Any, bureau: str, person: str) -> list[tuple[str, str]]:
    """The bureaus (and the person's id in each) linked to (`bureau`, `person`) by transfers, first to last."""
    sent = {(t.from_bureau, t.person): t for t in state.transfers.values() if t.sent_event is not None}
    came = {(t.to_bureau, t.to_person): t for t in state.transfers.values() if t.arrived is not None}
    links = [(bureau, person)]
    while links[0] in came and (came[links[0]].from_bureau, came[links[0]].person) not in links:
        t = came[links[0]]
        links.insert(0, (t.from_bureau, t.person))
    while links[-1] in sent and sent[links[-1]].arrived is not None \
            and (sent[links[-1]].to_bureau, sent[links[-1]].to_person) not in links:
        t = sent[links[-1]]
        links.append((t.to_bureau, t.to_person))
    return links


def open_district(queries: Queries) -> District:
    """The district over an open store (refused, in one sentence, unless it is PostgreSQL)."""
    return District(queries)


def is_district(queries: Queries) -> bool:
    """Whether the store is a district's registry: a PostgreSQL store that has registered a bureau (the web view
    then shows the district; any other store is a bureau's ledger)."""
    app = queries.application
    return app.config.kind == "postgresql" and any(
        f.event == "bureau_registered" for f in read_source(app).facts_of([STRUCTURE]))


def grant_district_auditor(app: PersonnelLedger, name: str) -> list[str]:
    """Make `name` an auditor of the district's schema and of every bureau registered now (run by the owner of
    them all); returns the bureaus' codes. A bureau registered later needs the grant again."""
    from ledger.app.access import grant_access

    _postgres_only(app.config)
    grant_access(app, name, "auditor")
    done = []
    for b in District(Queries(app)).bureaus():
        bureau = open_bureau(app.config, b, read_only=False)
        try:
            grant_access(bureau, name, "auditor")
        finally:
            bureau.close()
        done.append(b.code)
    return done
