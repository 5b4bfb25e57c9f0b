"""Reading an image's type and size from its own header (JPEG, PNG), so that a photo is checked before it is kept:
the type it says it is, at most 2 MB, sides in a photo's range. No image library: the two headers are small."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ledger.model.errors import Problem, Refused
from ledger.model.events.family import PHOTO_MAX_BYTES, PHOTO_MAX_SIDE, PHOTO_MIN_SIDE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (they carry the dimensions); C4, C8 and CC are other segments.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class Image:
    media_type: str
    width: int
    height: int
    size: int


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill bytes
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # segments without a length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before them
            return None
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if marker in _SOF:
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    return None


def read_image(data: bytes, source: str) -> Image:
    """The image's type and dimensions from its header; `Refused` naming `source` when it is not a JPEG or PNG
    photo of at most 2 MB with sides of PHOTO_MIN_SIDE–PHOTO_MAX_SIDE pixels."""
    def refuse(why: str) -> Refused:
        return Refused([Problem("bad_image", f"{source}: {why}")])

    if len(data) > PHOTO_MAX_BYTES:
        raise refuse(f"the image is {len(data):,} bytes; a photo may be at most {PHOTO_MAX_BYTES:,} (2 MB)")
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) >= 24:
        media_type, (width, height) = "image/png", struct.unpack(">II", data[16:24])
    elif data.startswith(b"\xff\xd8\xff"):
        size = _jpeg_size(data)
        if size is None:
            raise refuse("a JPEG whose header gives no dimensions (damaged or cut short)")
        media_type, (width, height) = "image/jpeg", size
    else:
        raise refuse("not a JPEG or PNG image (a photo must be one of the two)")
    for side, value in (("width", width), ("height", height)):
        if not PHOTO_MIN_SIDE <= value <= PHOTO_MAX_SIDE:
            raise refuse(f"its {side} is {value} pixels; a photo's sides are {PHOTO_MIN_SIDE}–{PHOTO_MAX_SIDE}")
    return Image(media_type, width, height, len(data))


def image_fields(data: bytes, source: str) -> dict[str, object]:
    """The `photo_recorded` fields of an image: its SHA-256 (the key it is kept under), type, size and sides."""
    import hashlib

    image = read_image(data, source)
    return {"sha256": hashlib.sha256(data).hexdigest(), "media_type": image.media_type, "size": image.size,
            "width": image.width, "height": image.height}
