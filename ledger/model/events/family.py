"""The rest of the cadre's file: family members and important social relations (家庭主要成员及重要社会关系) and the
photo. Both fill `PersonState.file`; neither changes who is on a unit's establishment.

A family member is known by relation and name: a later record of the same pair replaces the earlier one (a new
job, a new 政治面貌), and a member recorded by mistake is removed by retracting the record. The photo's image is
not in the event: it is kept once, by its SHA-256, in the store's blob table (`ledger.store.blobs`, covered by
`ledger verify`); the event carries the hash, the type, the size and the dimensions, and a later photo replaces
the earlier one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.dates import YearMonth, month_of
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON
from ledger.model.i18n import _
from ledger.model.state import FamilyMember, Photo

if TYPE_CHECKING:
    from ledger.model.facts import Fact

PHOTO_TYPES = ("image/jpeg", "image/png")
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MIN_SIDE, PHOTO_MAX_SIDE = 60, 6000  # pixels: a 1-inch photo is about 295 × 413
_HEX64 = re.compile(r"[0-9a-f]{64}")


class FamilyMemberRecorded(EventType):
    name = "family_member_recorded"
    label = "family member recorded"
    stored_as = "FamilyMemberRecorded"
    precedence = 45
    effective_label = "Date the record is true from (填表时间)"
    fields = (
        PERSON,
        Field("relation", required=True, help="称谓, e.g. 妻子, 父亲, 女儿.", form="name", max_length=20, label="relation"),
        Field("member", required=True, help="The member's full name (姓名).", form="name", label="member"),
        Field("born", YearMonth, help="The member's 出生年月: 1962.03, 196203 or 1962-03.", label="born"),
        Field("party", help="The member's 政治面貌, e.g. 中共党员, 群众.", max_length=40, label="party"),
        Field("work", help="The member's 工作单位及职务, e.g. 区第一中学教师; 已退休; 已去世.", max_length=200, label="work"),
    )
    verb = Verb("family", "person", "Record a member of a person's family or an important social relation "
                "(家庭主要成员及重要社会关系); a later record of the same relation and name replaces it.",
                "ledger family P13 --relation 妻子 --member 王芳 --born 1991.04 --party 中共党员 --work 区第一中学教师 "
                "--effective 2022-06-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        d = f.data
        born = d.get("born")
        if change.validating and born is not None and born > month_of(f.effective):
            change.refuse(f, "impossible_date", _("born {born} is after the fact's effective date {effective}").format(
                born=born, effective=f.effective))
            return
        key = (d["relation"], d["member"])
        p.file.family[key] = FamilyMember(d["relation"], d["member"], born, d.get("party"), d.get("work"), f.id)


class PhotoRecorded(EventType):
    name = "photo_recorded"
    label = "photo recorded"
    stored_as = "PhotoRecorded"
    precedence = 49
    effective_label = "Date the photo is the file's from (填表时间)"
    # The CLI fills the image's fields from --file (cli.append); an import line gives them, its image already kept.
    attachment = "file"
    fields = (
        PERSON,
        Field("sha256", help="The image's SHA-256 (64 hex digits): its key in the store's blob table (`ledger photo "
                             "--file` fills it).", max_length=64, label="SHA-256"),
        Field("media_type", choices=PHOTO_TYPES, help="image/jpeg or image/png (filled from --file).", label="media type"),
        Field("size", int, help="The image's size in bytes, at most 2 MB (filled from --file).", minimum=1,
              maximum=PHOTO_MAX_BYTES, label="size"),
        Field("width", int, help="Width in pixels (filled from --file).", minimum=PHOTO_MIN_SIDE,
              maximum=PHOTO_MAX_SIDE, label="width"),
        Field("height", int, help="Height in pixels (filled from --file).", minimum=PHOTO_MIN_SIDE,
              maximum=PHOTO_MAX_SIDE, label="height"),
    )
    verb = Verb("photo", "person", "Record the photo of a person's file (照片, JPEG or PNG, at most 2 MB); the image "
                "is kept once in the store and replaces the file's earlier photo.",
                "ledger photo P13 --file 林晓.jpg --effective 2022-06-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        d = f.data
        if change.validating:
            missing = [n for n in ("sha256", "media_type", "size", "width", "height") if d.get(n) is None]
            if missing:
                change.refuse(f, "missing_field", _("a photo needs {fields} (`ledger photo --file IMAGE` gives them all)").format(
                    fields=", ".join(missing)))
                return
            if not _HEX64.fullmatch(d["sha256"]):
                change.refuse(f, "bad_value", _("sha256 '{value}' is not 64 lower-case hex digits").format(
                    value=d["sha256"][:70]))
                return
        if d.get("sha256") is None:
            return
        p.file.photo = Photo(d["sha256"], d["media_type"], d["size"], d["width"], d["height"], f.id)
