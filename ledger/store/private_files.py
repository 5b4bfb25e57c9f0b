"""Files and folders the ledger creates are its owner's alone (0600, folders 0700), whatever the umask.

The store, its settings, the documents it writes and the keys it makes name people and their careers: a
permissive umask (000 on a shared machine) must not make them readable or writable by every user. Modes are given
when the file is created (never a window of a wider mode) and set again after, since the umask only narrows.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> None:
    """Create `path` and any missing parents as owner-only folders (an existing folder is left as it is)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        os.chmod(folder, FOLDER_MODE)


def write_private(path: Path, data: bytes, exclusive: bool = False) -> None:
    """Write `data` to `path` as an owner-only file (`exclusive`: refuse an existing one, FileExistsError)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            fd = -1
            f.write(data)
    finally:
        if fd != -1:
            os.close(fd)
