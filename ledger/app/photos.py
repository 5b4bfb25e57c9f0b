"""Photos of the cadre's file: an image checked from its header (`ledger.io.images`), kept once by its SHA-256
(`ledger.store.blobs`), and the `photo_recorded` fields that name it. Entry points give the image to
`PersonnelLedger.append` (`images=`), which keeps it in the writers' turn once the batch has passed every check, so
that a refused photo leaves no image behind; it refuses a photo whose image is neither kept nor brought."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.io.images import image_fields
from ledger.store import blobs

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger


def photo_fields(data: bytes, source: str) -> dict[str, Any]:
    """The `photo_recorded` fields of an image (`Refused` naming `source` when it is no photo)."""
    return image_fields(data, source)


def keep_photo(app: PersonnelLedger, data: bytes, source: str) -> dict[str, Any]:
    """Check and keep an image; the fields of the event that names it."""
    fields = photo_fields(data, source)
    blobs.keep(app.dialect, app.codec, fields["media_type"], data)
    return fields


def photo_bytes(app: PersonnelLedger, sha256: str) -> bytes | None:
    """The image kept under `sha256` (None: not kept, or no longer its bytes — `ledger verify` says which)."""
    return blobs.fetch(app.dialect, app.codec, sha256)
