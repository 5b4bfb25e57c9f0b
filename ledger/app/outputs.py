"""Where the ledger writes files — rosters, exports, the demo's documents: never over the store, never over an
existing file unless asked, whole or not at all, and owner-only (0600) like the store.

One guard for every writer (`ledger roster --format/-o`, `ledger export`, `ledger demo`): the output path, with
every symbolic link on it resolved (and hard links recognised), may not be the SQLite store, its `-wal`, `-shm` or
`-journal` file, its writers' lock or the `ledger.toml` beside it; an existing file is replaced only with
`force`, or when it is a report this program wrote of the kind just written (`ledger.app.own_documents`: a report
is exported again after its narrative is filled in). The document is written to a new owner-only file in the same folder and moved into place when it is
complete, so a failed export leaves nothing behind and an existing file is never half-overwritten.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from ledger.app.own_documents import report_kind, same_report
from ledger.model.errors import LedgerError
from ledger.model.i18n import N_, _
from ledger.rules.catalogue import RULES_FILE
from ledger.store.config import StoreConfig, parse_store
from ledger.store.private_files import private_folder

_EXISTS_TEXT = N_("{path} exists: add --force to replace it (nothing was written)")

STORE_FILES = ("", "-wal", "-shm", "-journal", ".append-lock")  # suffixes of the SQLite store's own files


class OutputRefused(LedgerError):
    """An output path that would overwrite the ledger's store, or an existing file without --force."""


def protected_files(config: StoreConfig) -> list[Path]:
    """The files of a SQLite store that nothing may write over (none for PostgreSQL)."""
    if config.kind != "sqlite" or config.path is None:
        return []
    path = config.path.expanduser()
    return [Path(f"{path}{suffix}") for suffix in STORE_FILES] + [path.parent / RULES_FILE]


def _same(target: Path, protected: Path) -> bool:
    if target.resolve() == protected.resolve():
        return True
    try:
        return target.exists() and protected.exists() and os.path.samefile(target, protected)
    except OSError:
        return False


def check_output(path: str | Path, store: str | StoreConfig | None, force: bool = False) -> Path:
    """The path to write to, or `OutputRefused`: it is the store (or one of its files), a folder, or an existing
    file without `force` — but a report this program wrote, which `write_output` replaces by a report of its kind
    (a device or a pipe such as /dev/stdout is written into, not replaced). `store` is the store in use
    (`--store`, or its parsed configuration)."""
    config = store if isinstance(store, StoreConfig) else parse_store(store)
    target = Path(path).expanduser()
    for protected in protected_files(config):
        if _same(target, protected):
            what = _("the ledger's store") if protected == protected_files(config)[0] \
                else _("a file of the store ({name})").format(name=protected.name)
            raise OutputRefused(_("{path} is {what} {store}: refusing to write a document over it (nothing was "
                                  "written); choose another file name").format(path=path, what=what,
                                                                               store=config.location))
    if target.is_dir():
        raise OutputRefused(_("{path} is a folder: give a file name to write (nothing was written)").format(path=path))
    folder = next((p for p in target.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise OutputRefused(_("{path}: {folder} is a file, not a folder (nothing was written)").format(
            path=path, folder=folder))
    if (target.exists() or target.is_symlink()) and not force and not _stream(target) \
            and report_kind(target) is None:
        raise OutputRefused(_(_EXISTS_TEXT).format(path=path))
    return target


def write_output(path: str | Path, store: str | StoreConfig | None, write: Callable[[Path], Path],
                 force: bool = False) -> Path:
    """Check `path` (`check_output`), then have `write(tmp)` write the document to a new owner-only file of the
    same folder and suffix, and move it to `path` once complete. Returns the path written.

    A path that is not a regular file (`/dev/stdout`, a named pipe) is written directly: nothing is replaced there.
    """
    target = Path(path).expanduser()
    if _stream(target):
        check_output(path, store, force)
        return Path(write(target))
    target = check_output(path, store, force)
    private_folder(target.parent)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)  # mode 0600
    os.close(fd)
    tmp = Path(name)
    try:
        written = Path(write(tmp))
        if written != tmp:  # an exporter that wrote somewhere else: its business (the protocol says `path`)
            return written
        os.chmod(tmp, 0o600)
        check_output(path, store, force)  # again: a file may have appeared, or a link been made, meanwhile
        if not force and (target.exists() or target.is_symlink()):
            if not same_report(target, tmp):  # another kind of report, or another file: only with --force
                raise OutputRefused(_("{path} exists and is not this report's earlier export: add --force to "
                                      "replace it (nothing was written)").format(path=path))
            force = True  # the report's own earlier export: replaced by the new one
        if force:
            os.replace(tmp, target)
        else:
            _place_new(tmp, target, path)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _stream(target: Path) -> bool:
    """Whether the path exists and is a device or a pipe (written into, never replaced)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _place_new(tmp: Path, target: Path, shown: str | Path) -> None:
    """Move `tmp` to `target`, which must not exist (a hard link never replaces one; where the file system has
    no hard links, a last check before the move)."""
    try:
        os.link(tmp, target)
        return
    except FileExistsError:
        raise OutputRefused(_(_EXISTS_TEXT).format(path=shown)) from None
    except OSError:
        if target.exists() or target.is_symlink():
            raise OutputRefused(_(_EXISTS_TEXT).format(path=shown)) from None
    os.replace(tmp, target)
