"""A deterministic synthetic city in the import vocabulary, valid under the ledger's rules.

    python benchmarks/generate.py --units 500 --people 100000 --years 10 --seed 1 -o city.jsonl
    python benchmarks/generate.py --bureaus 40 -o district/                      # 40 bureaus of 2,500 people
    python benchmarks/generate.py --bureaus 40 -o district/ --pg-url postgresql://postgres@127.0.0.1:5432/test

writes two files:
- `city.jsonl`: the city's history — structure and quotas (编制, 领导职数), hires, promotions after the statutory
  tenure, appointments within 领导职数 (with publicity and probation), internal moves and transfers between
  units of the same kind, secondments, assistants (编外), retirements and other separations;
- `city.corrections.jsonl`: what clerks record afterwards — back-dated secondments that were forgotten, and
  corrected promotions (the wrong one retracted, the right one re-recorded a month earlier).

Retractions name event ids, which an import file cannot know in general. The ids the first file gets are
computed here with the ledger's own batch order (`ledger.fold.walk.batch_order`): an import into an **empty** store
numbers its facts 2, 3, … in that order. So import `city.jsonl` into an empty store, then
`city.corrections.jsonl`; each retraction's `note` names the fact it targets, so a mismatch is visible.

With `--bureaus N` it writes N such cities into the folder `-o` (`b01.jsonl`, `b01.corrections.jsonl`, …; each
its own seed, `--people` each, 2,500 by default, one unit per 200 people) and `district.jsonl`, the district's
registry of them; with `--pg-url` it also builds them into one PostgreSQL database: each bureau's files imported into
the schema `PREFIX_bNN`, the registry into `PREFIX_district` (`ledger district add` as a file), a schema that already
holds its bureau kept as it is (build once, reuse). `district_schemas` says where they are.

Every line is valid by construction: the generator simulates the city month by month (one event date per
month, at most one event per person per month) and keeps the counts the ledger checks (编制 headcount, post
holders, secondments). Nothing here knows the demo's people.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corrections import corrections, import_ids  # noqa: E402

from ledger.model import vocabulary as v  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然欣怡晨阳子涵思雨佳琪嘉俊文博"
SECTIONS = ("办公室", "综合科", "政策法规科", "财务科", "人事科", "规划科", "监督科", "信息科", "宣传科", "审批科")
HOSTS = ("区委宣传部", "区信息中心", "市委组织部", "区政务服务中心", "街道办事处", "区委巡察办")
EDU = ("大学本科", "大学本科", "大学本科", "硕士研究生", "大学专科")
CS = v.CIVIL_SERVICE_RANKS
MG = v.MANAGEMENT_GRADES
# Years in the current rank before the next one (docs/domain.md §2: 并行规定 第十二条); grades of institutions: 3.
TENURE = {CS.index("二级调研员"): 3, CS.index("一级调研员"): 4}


def tenure_years(ladder: str, idx: int) -> int:
    return TENURE.get(idx, 2) if ladder == "cs" else 3


@dataclass
class Unit:
    code: str
    kind: str
    sections: list[str]
    quota: int
    posts: dict[str, tuple[str, int]]  # post -> (level, count)
    members: set[str] = field(default_factory=set)
    holders: dict[str, set[tuple[str, str | None]]] = field(default_factory=dict)  # post -> {(person, section)}

    @property
    def establishment(self) -> str:
        return "行政编制" if self.kind == "机关" else "事业编制"

    @property
    def ladder(self) -> str:
        return "cs" if self.kind == "机关" else "mg"


@dataclass
class Person:
    pid: str
    gender: str
    birth: date
    unit: str
    section: str | None
    ladder: str
    rank: int
    rank_since: date
    retire: date
    hired: date
    posts: set[tuple[str, str | None]] = field(default_factory=set)
    seconded_until: date | None = None
    host: str | None = None
    left: date | None = None
    # for corrections: (date of change, kind) of each event, and secondment windows
    events: list[tuple[date, str]] = field(default_factory=list)
    promotions: list[tuple[int, date, str]] = field(default_factory=list)  # (line index, date, rank)


def rank_name(ladder: str, idx: int) -> str:
    return (CS if ladder == "cs" else MG)[idx]


class City:
    def __init__(self, units: int, people: int, years: int, seed: int):
        self.rng = random.Random(seed)
        self.n_units, self.budget, self.years = units, people, years
        self.start = date(2025 - years, 1, 1)
        self.lines: list[dict[str, Any]] = []
        self.units: dict[str, Unit] = {}
        self.people: dict[str, Person] = {}
        self.hired = 0
        self.assistants: dict[str, str] = {}  # assistant id -> unit (engaged)
        self.n_assistants = 0

    # --- output ---------------------------------------------------------------------------------------------
    def emit(self, event: str, on: date, **fields: Any) -> int:
        line = {"event": event, "effective": on.isoformat()}
        for k, val in fields.items():
            if val is not None:
                line[k] = val.isoformat() if isinstance(val, date) else val
        self.lines.append(line)
        return len(self.lines) - 1

    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    # --- structure --------------------------------------------------------------------------------------------
    def build_structure(self) -> None:
        r, d = self.rng, self.start
        per_unit = max(4, round(self.budget * 0.86 / self.n_units / 0.93))
        parents: list[str] = []
        for i in range(self.n_units):
            kind = "机关" if i % 5 < 3 or not parents else "事业单位"
            code = f"U{i + 1:04d}"
            quota = max(4, int(per_unit * r.uniform(0.6, 1.4)))
            if kind == "机关":
                sections = list(r.sample(SECTIONS, r.randint(3, 6)))
                posts = {"局长": ("县处级正职", 1), "副局长": ("县处级副职", min(4, 1 + quota // 40)),
                         "科长": ("乡科级正职", len(sections)), "副科长": ("乡科级副职", len(sections))}
                self.emit("unit_established", d, unit=code, name=f"第{i + 1}局", kind=kind, basis=f"编办〔{d.year}〕{i + 1}号")
                parents.append(code)
            else:
                sections = list(r.sample(("业务部", "综合部", "服务部", "技术部"), r.randint(2, 3)))
                posts = {"主任": ("乡科级正职", 1), "副主任": ("乡科级副职", 2)}
                self.emit("unit_established", d, unit=code, name=f"第{i + 1}中心", kind=kind, parent=r.choice(parents),
                          funding=r.choice(v.FUNDING_TYPES))
            u = Unit(code, kind, sections, quota, posts)
            self.units[code] = u
            for s in sections:
                self.emit("section_established", d, unit=code, section=s)
            self.emit("quota_set", d, unit=code, establishment=u.establishment, count=quota)
            for post, (level, count) in posts.items():
                self.emit("post_quota_set", d, unit=code, post=post, level=level, count=count)
                u.holders[post] = set()

    # --- people -----------------------------------------------------------------------------------------------
    def hire(self, u: Unit, on: date, initial: bool) -> Person | None:
        if self.hired >= self.budget or len(u.members) >= u.quota:
            return None
        r = self.rng
        self.hired += 1
        pid = f"P{self.hired:06d}"
        gender = r.choice(v.GENDERS)
        age = r.randint(23, 55) if initial else r.randint(23, 35)
        birth = date(on.year - age, r.randint(1, 12), r.randint(1, 28))
        retire_age = 60 if gender == "男" else 55
        retire = date(birth.year + retire_age, birth.month, 1)
        if retire <= on + timedelta(days=400):
            birth = date(on.year - 40, birth.month, birth.day)
            retire = date(birth.year + retire_age, birth.month, 1)
        edu = r.choice(EDU)
        if u.ladder == "cs":
            top = min(len(CS) - 4, max(0, (age - 23) // 4))
            rank = r.randint(0, top) if initial else (3 if edu == "硕士研究生" else 1 if edu != "大学专科" else 0)
        else:
            top = min(4, max(0, (age - 23) // 6))
            rank = 1 + r.randint(0, top) if initial else 1
        since = on - timedelta(days=r.randint(0, 900)) if initial else on
        section = r.choice(u.sections)
        mode = ("转任" if initial else r.choice(("录用", "录用", "公开遴选"))) if u.ladder == "cs" else "招聘"
        p = Person(pid, gender, birth, u.code, section, u.ladder, rank, since, retire, on)
        self.emit("hired", on, person=pid, name=self.name(), gender=gender, birth_date=birth, education=edu,
                  unit=u.code, section=section, establishment=u.establishment, rank=rank_name(u.ladder, rank),
                  rank_since=since if initial else None, mode=mode)
        self.people[pid] = p
        u.members.add(pid)
        return p

    def separate(self, p: Person, on: date, reason: str) -> None:
        u = self.units[p.unit]
        self.emit("separated", on, person=p.pid, reason=reason)
        for post, section in p.posts:
            u.holders[post].discard((p.pid, section))
        p.posts.clear()
        p.seconded_until = p.host = None
        p.left = on
        u.members.discard(p.pid)
        p.events.append((on, "separated"))

    def promote(self, p: Person, on: date) -> None:
        top = len(CS) - 3 if p.ladder == "cs" else len(MG) - 4
        if p.rank >= top or on < date(p.rank_since.year + tenure_years(p.ladder, p.rank), p.rank_since.month, 1):
            return
        p.rank += 1
        p.rank_since = on
        name = rank_name(p.ladder, p.rank)
        idx = self.emit("rank_promoted", on, person=p.pid, rank=name, publicity_from=on - timedelta(days=20),
                        publicity_to=on - timedelta(days=10), basis=f"{p.unit}党组〔{on.year}〕{self.rng.randint(1, 99)}号")
        p.promotions.append((idx, on, name))
        p.events.append((on, "promoted"))

    def appoint(self, u: Unit, on: date, touched: set[str]) -> None:
        r = self.rng
        for post, (_level, count) in u.posts.items():
            held = u.holders[post]
            if len(held) >= count:
                continue
            sectioned = post in ("科长", "副科长")
            taken = {s for _, s in held}
            free = [s for s in u.sections if s not in taken] if sectioned else [None]
            if not free:
                continue
            section = r.choice(free)
            senior = 4 if post in ("局长", "副局长") else 2
            if u.ladder == "mg":
                senior = 2
            pool = [pid for pid in u.members if pid not in touched and not self.people[pid].posts
                    and self.people[pid].host is None and self.people[pid].rank >= senior]
            if not pool:
                continue
            p = self.people[r.choice(sorted(pool))]
            self.emit("post_appointed", on, person=p.pid, post=post, section=section, probation=True,
                      publicity_from=on - timedelta(days=16), publicity_to=on - timedelta(days=8),
                      basis=f"{u.code}党组〔{on.year}〕{r.randint(100, 199)}号")
            held.add((p.pid, section))
            p.posts.add((post, section))
            touched.add(p.pid)
            p.events.append((on, "appointed"))

    def transfer(self, p: Person, on: date) -> None:
        r = self.rng
        u = self.units[p.unit]
        if r.random() < 0.6 and len(u.sections) > 1:
            section = r.choice([s for s in u.sections if s != p.section])
            self.emit("transferred", on, person=p.pid, section=section, basis=f"{u.code}〔{on.year}〕调整")
            p.section = section
        else:
            choices = [t for t in r.sample(list(self.units.values()), min(5, len(self.units)))
                       if t.code != u.code and t.kind == u.kind and len(t.members) < t.quota]
            if not choices:
                return
            t = choices[0]
            section = r.choice(t.sections)
            self.emit("transferred", on, person=p.pid, to_unit=t.code, section=section, basis=f"组任〔{on.year}〕调动")
            u.members.discard(p.pid)
            t.members.add(p.pid)
            p.unit, p.section = t.code, section
        p.events.append((on, "transferred"))

    # --- the simulation ----------------------------------------------------------------------------------------
    def run(self) -> None:
        """The city's opening roster, then one event date a month; the random draws keep their order, so a seed
        always generates the same city."""
        self.build_structure()
        units = list(self.units.values())
        self.open_roster(units)
        for month in range(1, self.years * 12):
            on = date(self.start.year + month // 12, month % 12 + 1, self.rng.randint(1, 28))
            touched: set[str] = set()
            active = [self.people[pid] for u in units for pid in sorted(u.members)]
            self.departures(active, on, touched)
            for p in active:
                if p.pid not in touched and not p.left and self.change(p, on):
                    touched.add(p.pid)
            for u in units:
                self.refill(u, on, touched)
            if month % 36 == 0:
                self.revise_quotas(units, on)

    def open_roster(self, units: list[Unit]) -> None:
        """Fill every unit to about 93% of its 编制 on the first day, then its posts."""
        initial = round(self.budget * 0.86)
        while self.hired < initial:
            before = self.hired
            for u in units:
                if self.hired < initial and len(u.members) < int(u.quota * 0.93):
                    self.hire(u, self.start, initial=True)
            if self.hired == before:
                break
        touched: set[str] = set()
        for u in units:
            self.appoint(u, self.start, touched)

    def departures(self, active: list[Person], on: date, touched: set[str]) -> None:
        r = self.rng
        for p in active:
            if p.retire <= on:
                self.separate(p, on, "退休")
                touched.add(p.pid)
            elif r.random() < 0.0006:
                self.separate(p, on, r.choice(("辞职", "调出", "调出", "死亡")))
                touched.add(p.pid)

    def change(self, p: Person, on: date) -> bool:
        """At most one change a month for a person: a return, a post vacated, a promotion, a transfer or a
        secondment. True when something was recorded."""
        r = self.rng
        x = r.random()
        if p.host is not None:
            if p.seconded_until > on:
                return False
            self.emit("secondment_ended", on, person=p.pid, host=p.host)
            p.events.append((on, "returned"))
            p.host = p.seconded_until = None
            return True
        if p.posts and x < 0.012:
            post, section = sorted(p.posts, key=lambda t: (t[0], t[1] or ""))[0]
            self.emit("post_vacated", on, person=p.pid, post=post, section=section)
            self.units[p.unit].holders[post].discard((p.pid, section))
            p.posts.discard((post, section))
            p.events.append((on, "vacated"))
        elif x < 0.07:
            self.promote(p, on)
        elif x < 0.09 and not p.posts:
            self.transfer(p, on)
        elif x < 0.12:
            until = on + timedelta(days=r.randint(90, 360))
            p.host = r.choice(HOSTS)
            p.seconded_until = until
            self.emit("secondment_started", on, person=p.pid, host=p.host, kind=r.choice(v.SECONDMENT_KINDS),
                      until=until)
            p.events.append((on, "seconded"))
        else:
            return False
        return True

    def refill(self, u: Unit, on: date, touched: set[str]) -> None:
        """Hire into vacancies up to about 95% of 编制, fill vacant posts, turn assistants over."""
        while len(u.members) < int(u.quota * 0.95) and self.hire(u, on, initial=False):
            touched.add(f"P{self.hired:06d}")
        if self.hired >= self.budget:
            self.rng.random()  # a draw the first version made here: kept, so that a seed gives the same city
        self.appoint(u, on, touched)
        self.assistant_churn(u, on)

    def revise_quotas(self, units: list[Unit], on: date) -> None:
        for u in self.rng.sample(units, max(1, len(units) // 10)):
            u.quota += 1
            self.emit("quota_set", on, unit=u.code, establishment=u.establishment, count=u.quota,
                      basis=f"编办〔{on.year}〕调整")

    def assistant_churn(self, u: Unit, on: date) -> None:
        r = self.rng
        mine = [a for a, unit in self.assistants.items() if unit == u.code]
        if len(mine) < 2 and r.random() < 0.02:
            self.n_assistants += 1
            aid = f"A{self.n_assistants:06d}"
            self.assistants[aid] = u.code
            self.emit("assistant_engaged", on, person=aid, name=self.name(), role=f"{r.choice(u.sections)}助理",
                      unit=u.code, gender=r.choice(v.GENDERS))
        elif mine and r.random() < 0.005:
            aid = mine[0]
            del self.assistants[aid]
            self.emit("assistant_released", on, person=aid)


def generate(units: int, people: int, years: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The main file's lines and the corrections' lines of a city."""
    city = City(units, people, years, seed)
    city.run()
    fixes = corrections(city, import_ids(city.lines), max(2, people // 2000), HOSTS)
    return city.lines, fixes


def write(path: Path, lines: list[dict[str, Any]]) -> None:
    with path.open("wb") as fh:
        for x in lines:
            fh.write(orjson.dumps(x) + b"\n")


def corrections_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".jsonl") + ".corrections.jsonl")


# --- a district of bureaus ------------------------------------------------------------------------------------------
BUREAU_PEOPLE = 2500
DISTRICT_SINCE = "2015-01-01"


def bureau_code(i: int) -> str:
    return f"B{i + 1:02d}"


def district_schemas(prefix: str, bureaus: int) -> tuple[str, list[str]]:
    """The district's schema and its bureaus' (in the order of their codes)."""
    return f"{prefix}_district", [f"{prefix}_{bureau_code(i).lower()}" for i in range(bureaus)]


def write_district(folder: Path, bureaus: int, people: int, years: int, seed: int, prefix: str) -> list[Path]:
    """Each bureau's city (seed + its index) and the district's registry; returns the bureaus' main files."""
    folder.mkdir(parents=True, exist_ok=True)
    _, schemas = district_schemas(prefix, bureaus)
    files = []
    for i in range(bureaus):
        path = folder / f"{bureau_code(i).lower()}.jsonl"
        if not path.exists():
            lines, fixes = generate(max(2, people // 200), people, years, seed + i)
            write(path, lines)
            write(corrections_path(path), fixes)
        files.append(path)
    write(folder / "district.jsonl", [{"event": "bureau_registered", "effective": DISTRICT_SINCE, "bureau": bureau_code(i),
                                       "schema": schemas[i], "name": f"区第{i + 1}局"} for i in range(bureaus)])
    return files


def _store_events(url: str) -> int:
    """How many events the ledger at `url` holds (0: none, or no ledger)."""
    from ledger.app.ledger import open_ledger
    from ledger.model.errors import LedgerError

    try:
        app = open_ledger(url, read_only=True)
    except LedgerError:
        return 0
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


def _build_bureau(url: str, path: str) -> float:
    """Import one bureau's city and its corrections into the (empty) schema at `url`; the seconds it took."""
    import time

    from ledger.app.ledger import open_ledger
    from ledger.io.jsonl import read_jsonl

    t = time.perf_counter()
    app = open_ledger(url)
    try:
        app.append(read_jsonl(Path(path)), actor="bench")
        app.append(read_jsonl(corrections_path(Path(path))), actor="clerk")
    finally:
        app.close()
    return time.perf_counter() - t


def build_district(folder: Path, files: list[Path], pg_url: str, prefix: str, jobs: int) -> dict[str, Any]:
    """Each bureau imported into its schema (`jobs` at a time; a schema already holding a ledger is kept) and the
    registry recorded into the district's schema through `ledger import` (so each schema is checked to hold a
    ledger). Returns the district's address, the bureaus' and the build's seconds."""
    import subprocess
    import time
    from concurrent.futures import ProcessPoolExecutor

    district, schemas = district_schemas(prefix, len(files))
    urls = [f"{pg_url}?schema={s}" for s in schemas]
    todo = [(u, str(f)) for u, f in zip(urls, files, strict=True) if not _store_events(u)]
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for (u, _f), seconds in zip(todo, pool.map(_build_bureau, *zip(*todo, strict=True)) if todo else (),
                                    strict=True):
            print(f"built {u} in {seconds:.1f}s", file=sys.stderr)
    built = time.perf_counter() - t
    url = f"{pg_url}?schema={district}"
    if not _store_events(url):
        subprocess.run([sys.executable, "-c", "from cli.main import cli; cli(prog_name='ledger')", "--store", url,
                        "import", str(folder / "district.jsonl")], check=True, capture_output=True,
                       cwd=Path(__file__).resolve().parents[1])
    return {"district": url, "bureaus": dict(zip([bureau_code(i) for i in range(len(files))], urls, strict=True)),
            "built": len(todo), "build_seconds": built}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--people", type=int, help=f"people (each bureau's with --bureaus)  [default: 5000; "
                    f"{BUREAU_PEOPLE} a bureau]")
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", type=Path, required=True, help="the file (with --bureaus: the folder)")
    ap.add_argument("--bureaus", type=int, help="a district of this many bureaus, each its own city")
    ap.add_argument("--pg-url", help="with --bureaus: build them into this PostgreSQL database's schemas")
    ap.add_argument("--prefix", default="bench40", help="with --pg-url: the schemas' prefix  [default: bench40]")
    ap.add_argument("--jobs", type=int, default=2, help="with --pg-url: bureaus imported at once  [default: 2]")
    a = ap.parse_args(argv)
    if a.bureaus:
        files = write_district(a.output, a.bureaus, a.people or BUREAU_PEOPLE, a.years, a.seed, a.prefix)
        print(f"{a.output}: {len(files)} bureaus and district.jsonl")
        if a.pg_url:
            built = build_district(a.output, files, a.pg_url, a.prefix, a.jobs)
            print(f"{built['district']}: {len(files)} bureaus ({built['built']} built in "
                  f"{built['build_seconds']:.0f}s)")
        return
    a.people = a.people or 5000
    lines, fixes = generate(a.units, a.people, a.years, a.seed)
    write(a.output, lines)
    write(corrections_path(a.output), fixes)
    print(f"{a.output}: {len(lines)} events; {corrections_path(a.output)}: {len(fixes)} events")


if __name__ == "__main__":
    main()
