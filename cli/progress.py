"""Progress bars for long imports and exports: on stderr, only for about a thousand rows or more, only when
stderr is a terminal, never with --quiet (so pipes, logs and tests see none)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

THRESHOLD = 1000  # rows; below this the work is over before a bar would be read

quiet_option = click.option("--quiet", "-q", is_flag=True, help="Show no progress bar.")


def wanted(total: int, quiet: bool) -> bool:
    return not quiet and total >= THRESHOLD and sys.stderr.isatty()


@contextmanager
def progress(total: int, label: str, quiet: bool = False) -> Iterator[Callable[[int], None] | None]:
    """Yields a callback taking a number of rows done (or None when no bar is shown)."""
    if not wanted(total, quiet):
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def factory(label: str, quiet: bool) -> Callable[[int], object]:
    """`progress` with its label and quietness fixed, for code that learns the total later."""
    return lambda total: progress(total, label, quiet)
