"""`ledger serve`: a read-only local web view of the ledger, for auditors — the organisation on any date, as the
ledger knew it at any moment, a unit over the years, a person's timeline, diffs, findings, the hash chain's
verdict, downloads — and a JSON API that answers exactly what the CLI's `--json` prints.

An ASGI application (Starlette) with server-rendered Jinja2 templates, run by uvicorn; every script and style ships
in this package (Apache ECharts vendored under `static/vendor/`). It reads the ledger through `ledger.app` only
(the query API), opened once (`web.reading`); it holds no recording call, so it never appends.
"""
