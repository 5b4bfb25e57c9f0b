"""The .docx package around the text: the font table's declarations, and what python-docx's template leaves behind.

python-docx starts every document from its own template, written on another machine: a thumbnail of another
document, a customXml bibliography part, and a docProps/app.xml that names "Microsoft Macintosh Word" with the
template's page and word counts. A document sent to an organisation department carries none of it. What it must
not hold: the page layout or the text's look (`exporters.gbt9704`, `exporters.ooxml`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docx.oxml.ns import qn

APPLICATION = "personnel-ledger"
APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           b"<Application>" + APPLICATION.encode() + b"</Application><DocSecurity>0</DocSecurity>"
           b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
           b"<HyperlinksChanged>false</HyperlinksChanged></Properties>")


def _part(doc: Any, name: str) -> Any:
    return next((p for p in doc.part.package.iter_parts() if str(p.partname) == name), None)


def declare_fonts(doc: Any, fonts: Iterable[tuple[str, str, str]]) -> None:
    """Declare fonts in the font table, each (name, fallback, family) with the font to use where it is missing
    (w:altName: modern Windows has 仿宋 and 楷体, not the _GB2312 faces), and the GB2312 charset."""
    part = _part(doc, "/word/fontTable.xml")
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    present = {f.get(qn("w:name")) for f in root.iter(qn("w:font"))}
    for name, alt, family in fonts:
        if name in present:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:charset", "86"), ("w:family", family), ("w:pitch", "variable")):
            el = etree.SubElement(font, qn(tag))
            el.set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def drop_template_leftovers(doc: Any) -> None:
    """The thumbnail and the customXml part go (a part nothing links to is not written); app.xml is replaced by
    what this program can truthfully say."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            rels.pop(rid)
    rels = doc.part.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/customXml"):
            rels.pop(rid)
    app = _part(doc, "/docProps/app.xml")
    if app is not None:
        app._blob = APP_XML
