"""Rendering a page: the Jinja2 environment (autoescaped, the package's templates) and the helpers templates use.

`page_url(path, **params)` builds the address of a view, leaving out empty parameters; a page's links carry its
`as_of` and `known_at`, so moving between pages keeps the date and the moment being looked at. A bureau's pages in a
district's view are served under `/b/CODE` (`web.district`): a template's `url('/person/P1')` and `path` are the
bureau's own (the prefix, its `root`, is added and taken off here), and `top(path)` is an address of the district's.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ledger.app import event_label, field_label, in_language

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                          lstrip_blocks=True, undefined=jinja2.StrictUndefined, auto_reload=False)


def _label(word: str, context: str, event: str | None = None) -> str:
    """A word of the vocabulary by its Chinese label: an event type or a field (of `event`) as its declaration
    labels it, a severity or a diff key as the catalogue translates it."""
    if context == "event":
        return event_label(word, lang="zh_CN")
    if context == "field":
        return field_label(word, event, lang="zh_CN")
    return in_language("zh_CN", context, word)


def _value(value: Any) -> str:
    """A field's value as a page shows it: yes/no as 是/否, a list joined."""
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


_env.filters["label"] = _label
_env.filters["value"] = _value


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def page_url(path: str, **params: Any) -> str:
    """`path?k=v…` with the parameters that have a value."""
    given = {k: _text(v) for k, v in params.items() if v is not None and v != "" and v is not False}
    return path + ("?" + urlencode(given) if given else "")


def root_of(request: Request) -> str:
    """The prefix the page's own addresses are under: `/b/CODE` for a bureau's page in a district's view, else ''."""
    return str(request.scope.get("root_path", ""))[len(str(request.scope.get("app_root_path", ""))):]


def here(request: Request, path: str, **params: Any) -> str:
    """`page_url` of one of this page's own views (under its root, see `root_of`): what a redirect names."""
    return root_of(request) + page_url(path, **params)


def render(request: Request, template: str, view: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None, **page: Any) -> HTMLResponse:
    """The page `template` showing `view` (a `web.views` answer); `page` holds what the address asked for
    (`as_of`, `known_at`, …), which every link of the page carries on."""
    page = {"as_of": None, "known_at": None, "moment": None, **page}
    carry = {"as_of": page["as_of"], "known_at": page["known_at"]}
    root = root_of(request)
    path = request.url.path[len(root):] if request.url.path.startswith(root) else request.url.path

    def url(target: str, **params: Any) -> str:
        return root + page_url(target, **{**carry, **params})

    def top(target: str, **params: Any) -> str:
        return page_url(target, **{**carry, **params})

    as_known_now = page_url(request.url.path, **{k: v for k, v in request.query_params.items() if k != "known_at"})
    state = request.app.state if "app" in request.scope else None
    html = _env.get_template(template).render(view=view, page=page, url=url, top=top, root=root, path=path,
                                              bureau=getattr(state, "bureau", None),
                                              district=getattr(state, "district", False),
                                              as_known_now=as_known_now, today=date.today())
    return HTMLResponse(html, status_code=status, headers=headers)
