"""The exporter protocol. An exporter is one module with one object that has these attributes; it is found
through the `ledger.exporters` entry-point group (ours are registered there too, in pyproject.toml).

Exporters read only through the query API (`context.queries`, `ledger.app.Queries`), never the store's tables,
the fold or the rules themselves, so a document always agrees with what `ledger roster`, `check` … print.

An exporter that can write a publishable version declares `redacts = True` and honours `options["redact"]`;
`ledger export --redact` refuses every other one (exit 2), so a document is never silently written unredacted.
`ledger export` hands `export` a new owner-only file to write (same folder, same suffix), moved to the path
asked for when complete; spreadsheet and CSV cells starting with = + - @ are neutralised by `exporters.cells`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ledger.app import PersonnelLedger, Queries


@dataclass
class ExportContext:
    """What an exporter is given: the ledger's query API and who asked."""

    queries: Queries
    actor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what the exporter wants said on stderr (it writes anyway)

    @property
    def app(self) -> PersonnelLedger:
        """The application itself, for exporters written before the query API (`facts()`, `state()`, …)."""
        return self.queries.application


@runtime_checkable
class Exporter(Protocol):
    name: str  # as typed after `ledger export`, e.g. "yearly-report"
    description: str  # one line, shown by `ledger export --list`
    formats: tuple[str, ...]  # file suffixes it writes, e.g. ("docx",) or ("json", "csv", "docx")

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        """Write the document to `path` (its suffix picks the format) and return the path written."""
        ...


def redacts(exporter: Any) -> bool:
    """Whether an exporter declares that it honours --redact (`redacts = True`); none is assumed to."""
    return getattr(exporter, "redacts", False) is True
