"""The ground floor: helpers every layer uses, importing nothing of `bot` above them.

`clock` (the company's time and how dates read in messages), `render` (bot messages as plain
text for channels without buttons, and a number read back as the chosen button) and `numerals`
(the value of a Chinese number written alone). They may import the standard library,
`bot.config` and each other, nothing else: tests/unit/test_layers.py keeps it so
(docs/architecture.md).
"""
