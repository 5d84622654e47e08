"""The quality report: service-standard figures for a period, as HTML, CSV and console JSON.

`figures` computes every number from plain rows (pure, tested with hand-made rows), `data` reads
those rows from the ticket store and Rasa's tracker store, `render` writes the HTML, the plots and
the CSV, and `cli` adds `python -m bot report`.
"""
