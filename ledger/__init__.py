"""personnel-ledger: an event-sourced personnel ledger. The package is built in floors; each imports only the
floors below it (checked by import-linter, `pyproject.toml`):

    ledger.app     commands (append, correct, import) and the query API every reader uses
    ledger.io      JSON lines, spreadsheets, the opening roster
    ledger.read    read models: roster, history and diff, yearly figures
    ledger.store   configuration, dialects (all SQL), stream reader, codec, fact log, crypto, integrity, timeline,
                   fact index
    ledger.rules   the rule catalogue (data, clauses), one function per rule, the compliance walk
    ledger.fold    the walk from facts to the state on a date; the scope of a batch
    ledger.model   event types (each declared once), facts, state, vocabulary, errors, dates

Above them: `cli` (the `ledger` command) and `exporters` (documents), which read through `ledger.app` only.
"""
