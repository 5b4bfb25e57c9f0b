"""The exporter protocol. An exporter is one module with one object that has these attributes; it is found
through the `ledger.exporters` entry-point group (ours are registered there too, in pyproject.toml).

Exporters read only through the application's query API (`context.app`: `state`, `roster`, `facts`,
`history`, and the read models in `ledger.views`), never the store's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@dataclass
class ExportContext:
    """What an exporter is given: the open ledger (query API only) and who asked."""

    app: Any  # ledger.app.ledger.PersonnelLedger
    actor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Exporter(Protocol):
    name: str  # as typed after `ledger export`, e.g. "yearly-report"
    description: str  # one line, shown by `ledger export --list`
    formats: tuple[str, ...]  # file suffixes it writes, e.g. ("docx",) or ("json", "csv", "docx")

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        """Write the document to `path` (its suffix picks the format) and return the path written."""
        ...
