"""A district's registry: the bureaus whose ledgers it reads (区委组织部's view across bureaus).

A district is a store like a bureau's (`?schema=district` by convention) whose facts are these two: a bureau
registered (its code, the schema of the same database that holds its ledger, its name) and a bureau removed. They
are facts of the one vocabulary so that the registry has what every ledger has — effective dates and known-at, the
hash chain, `verify`, roles and the access log — and they name no person and no unit, so a bureau's timeline never
sees them (docs/architecture.md §8).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.i18n import _
from ledger.model.state import Bureau

if TYPE_CHECKING:
    from ledger.model.facts import Fact

BUREAU = Field("bureau", required=True, help="The bureau's code in the district, e.g. WLJ.", form="id",
               label="bureau")
SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")  # as `ledger.store.config.check_schema` keeps a schema's name


class BureauRegistered(EventType):
    name = "bureau_registered"
    label = "bureau registered"
    stored_as = "BureauRegistered"
    precedence = 1
    effective_label = "Date the bureau joins the district (纳入时间)"
    about_person = False
    effective_when_recorded = True
    fields = (
        BUREAU,
        Field("schema", required=True, help="The PostgreSQL schema of the same database holding the bureau's "
              "ledger, e.g. wenlv_ju.", form="id", max_length=63, label="schema"),
        Field("name", required=True, help="The bureau's full name, e.g. 区文化和旅游局.", form="unit_name",
              label="bureau name"),
    )
    verb = Verb("add", "bureau", "Register a bureau's ledger (a schema of the same database) in this district.",
                "ledger --store 'postgresql://hr@db/hr?schema=district' district add WLJ --schema wenlv_ju "
                "--name 区文化和旅游局", group="district")

    def apply(self, change: Change, f: Fact) -> None:
        state, d = change.state, f.data
        code, schema = d["bureau"], d["schema"]
        if not SCHEMA.fullmatch(schema) or schema == "public" or schema.startswith("pg_"):
            change.refuse(f, "bad_schema", _("'{schema}' is not a ledger's schema (lower-case letters, digits and "
                                             "'_'; not public or pg_…)").format(schema=schema), who=code)
            return
        if code in state.bureaus:
            change.refuse(f, "duplicate_bureau", _("bureau '{code}' is registered already ({name})").format(
                code=code, name=state.bureaus[code].name), who=code)
            return
        taken = [b.code for b in state.bureaus.values() if b.schema == schema]
        if taken:
            change.refuse(f, "duplicate_schema", _("schema '{schema}' is registered already, as bureau {code}").format(
                schema=schema, code=taken[0]), who=code)
            return
        state.bureaus[code] = Bureau(code, schema, d["name"], f.effective)


class BureauRemoved(EventType):
    name = "bureau_removed"
    label = "bureau removed"
    stored_as = "BureauRemoved"
    precedence = 2
    effective_label = "Date the bureau leaves the district"
    about_person = False
    effective_when_recorded = True
    fields = (BUREAU,)
    verb = Verb("remove", "bureau", "Remove a bureau from this district (its own ledger is untouched).",
                "ledger --store 'postgresql://hr@db/hr?schema=district' district remove WLJ", group="district")

    def apply(self, change: Change, f: Fact) -> None:
        code = f.data["bureau"]
        if code not in change.state.bureaus:
            change.refuse(f, "unknown_bureau", _("no bureau '{code}' is registered in this district").format(code=code),
                          who=code)
            return
        del change.state.bureaus[code]
