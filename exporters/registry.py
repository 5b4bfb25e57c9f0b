"""Finding exporters: every one, ours included, comes through the `ledger.exporters` entry-point group.

An entry point names an object with the `Exporter` protocol's attributes (or a class whose instances have them):
`yearly-report = "exporters.yearly_report:exporter"`. The registry holds no list of its own, so a third-party
package becomes available by being installed, and `ledger export --list` shows which distribution each comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from ledger.app import LedgerError

GROUP = "ledger.exporters"


class UnknownExporter(LedgerError):
    """No exporter of that name is installed."""

    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        listing = ", ".join(known) if known else "none installed"
        super().__init__(f"no exporter named '{name}' (known: {listing}; see `ledger export --list`)")


class BrokenExporter(LedgerError):
    """An exporter is registered but cannot be loaded or does not have the protocol's attributes."""


class ExportOptionError(LedgerError):
    """An exporter was given options it cannot work with (a missing year, an unsupported format, …)."""


def chosen_format(what: str, path: Path, asked: str | None, formats: Sequence[str],
                  error: type[LedgerError] = ExportOptionError) -> str:
    """The format to write: `asked` (--format), else the output's suffix; refused with `error` unless `what`
    writes it (one message for every exporter)."""
    fmt = (asked or path.suffix.lstrip(".")).lower()
    if fmt not in formats:
        raise error(f"{what} writes {', '.join(formats)}: cannot write '{fmt or path.name}'")
    return fmt


@dataclass(frozen=True)
class ExporterInfo:
    name: str
    description: str
    formats: tuple[str, ...]
    package: str  # "distribution version", or the module when no distribution owns the entry point
    target: str  # the entry point's "module:attribute"
    error: str | None = None  # why it could not be loaded, if it could not

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "formats": list(self.formats),
                "package": self.package, "target": self.target, "error": self.error}


def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep)  # the first on sys.path wins, as for any import
    return found


def _package(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is not None:
        return f"{dist.metadata['Name']} {dist.version}"
    return ep.value.split(":")[0]


def _load(ep: EntryPoint) -> Any:
    try:
        obj = ep.load()
    except Exception as e:  # a broken plugin must not break `ledger export --list`
        raise BrokenExporter(f"exporter '{ep.name}' ({ep.value}) cannot be loaded: {type(e).__name__}: {e}") from e
    if isinstance(obj, type):
        obj = obj()
    missing = [a for a in ("name", "description", "formats", "export") if not hasattr(obj, a)]
    if missing:
        raise BrokenExporter(f"exporter '{ep.name}' ({ep.value}) lacks {', '.join(missing)} (see exporters/base.py)")
    return obj


def list_exporters() -> list[ExporterInfo]:
    """Every registered exporter, sorted by name; one that fails to load is listed with its error."""
    out = []
    for name, ep in sorted(_entry_points().items()):
        try:
            obj = _load(ep)
            out.append(ExporterInfo(name, str(obj.description), tuple(obj.formats), _package(ep), ep.value))
        except BrokenExporter as e:
            out.append(ExporterInfo(name, "", (), _package(ep), ep.value, str(e)))
    return out


def get_exporter(name: str) -> Any:
    """The exporter registered under `name`; `UnknownExporter` lists the known names."""
    eps = _entry_points()
    if name not in eps:
        raise UnknownExporter(name, sorted(eps))
    return _load(eps[name])
