"""NLU evaluation harness: the Rasa model and a TF-IDF baseline on a held-out test set.

Modules, one concept each:
* `dataset` — gold examples and predictions; loading Rasa NLU data, normalised like the pipeline;
* `overlap` — exact and near-copy detection between training and test messages;
* `metrics` — classification and latency metrics (pure functions);
* `spans` — entity spans, their de-duplication and span/value scores (pure functions);
* `baseline` — TF-IDF + logistic regression intents, dictionary entities;
* `model` — loading the Rasa model, parsing in-process with timings, training an NLU model;
* `scorecard` — every figure for one system, from the metric functions;
* `thresholds` — targets, CI gates and the check against them;
* `report` — console table, JSON and Markdown;
* `harness` — the run from start to end, and the `eval` command.

Whole conversations (issue 16), played against the running stack instead of parsed in-process:
* `dialogue` — the conversation set, what the bot asks, playing, judging, figures (pure);
* `dialogue_report` — console figures, JSON and Markdown with every failed transcript;
* `dialogue_run` — the REST/store client, the overlap check of the set, the `dialogue` command.

docs/nlu-evaluation.md explains the figures and records the measured ones.
"""
