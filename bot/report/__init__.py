"""The quality report: the service standard's figures for a period, as HTML, Excel, CSV, PDF and
console JSON (docs/report.md).

`figures`, `standard` and `breakdown` compute every number from plain rows (pure, tested with
hand-made rows) and `compose` puts them together; `data` reads the rows from the ticket store and
Rasa's tracker store; `definitions` says what each figure means; `charts`, `render`, `excel`,
`pdf` and `files` write the files; `cli` adds `python -m bot report`.
"""
