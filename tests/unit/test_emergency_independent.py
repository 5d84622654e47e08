"""The emergency safety net on the independent set (tests/nlu/emergency_cases.yml).

The set was written by a writer who saw neither the detector nor its development examples.
Measured when it arrived: recall 82.7 % (182/220), false alarms 6.0 % (28/470); most misses were
people unwell from cold. The cold-sign rules added then (hypothermia signs, not the set's
sentences) were written after reading those misses, so this set no longer measures them
independently: `tests/nlu/emergency_cases_fresh.yml`, written later by another writer, did until
its misses were read in turn, and so did `tests/nlu/emergency_cases_third.yml`. Its misses were read
on 2026-12-06 and the detector rebuilt from lexicons, combination rules, a person score and discount
classes (bot/nlu/emergency.py) instead of phrases; all three sets are seen now, and a fourth, kept
outside the repository by its writer, measured the rebuild (docs/dialogue.md). The floors sit just
under the figures now and only move up; the target is 100 %.
"""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.evaluation.emergency import load_cases, measure

CASES = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases.yml"
RECALL_FLOOR = 0.99
FALSE_ALARM_CEILING = 0.01


def test_the_independent_emergency_set_holds_its_floors() -> None:
    score = measure(load_cases(CASES))
    assert (score.emergencies, score.non_emergencies) == (220, 470)
    assert score.recall is not None and score.recall >= RECALL_FLOOR
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= FALSE_ALARM_CEILING


FRESH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_fresh.yml"


def test_the_fresh_emergency_set_holds_its_floors() -> None:
    """The fresh set (another writer, after the cold-sign rules): recall 83.9 % (115/137),
    false alarms 7.9 % (20/254) when it arrived. Its misses were read on 2026-12-06 and rules
    written for the classes they showed (more hypothermia signs, scalds, voice-input 谁 for 水,
    English, hearsay and figures of speech): 99.3 % and 3.1 % after, on a set now seen; 100 % and
    0 % after the lexicon rebuild."""
    score = measure(load_cases(FRESH))
    assert (score.emergencies, score.non_emergencies) == (137, 254)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


THIRD = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_third.yml"


def test_the_third_emergency_set_holds_its_floors() -> None:
    """The third set (a writer who saw nothing of the project, 2026-12-06), scored once after the
    rules written from the fresh set's misses: recall 83.9 % (151/180; the rules before them
    82.8 %), person 67.3 %, gas 91.1 %, water 91.2 %, false alarms 10.0 % (14/140; before 11.4 %).
    What the fresh set's misses taught barely carried over: the rules fit what was read. The next
    change (a burst main spoken of as a stop's cause is no emergency) gave 9.3 % false alarms
    (13/140), recall unchanged (person 67.3 %). Its misses and false alarms were then read and
    grouped into classes, and the detector rebuilt for the classes: 100 % (180/180) and 0 %
    (0/140), on a set now seen."""
    score = measure(load_cases(THIRD))
    assert (score.emergencies, score.non_emergencies) == (180, 140)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


FOURTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_fourth.yml"


def test_the_fourth_emergency_set_holds_its_floors() -> None:
    """The fourth set (another writer who saw nothing of the project, 2026-12-06) is the honest
    figure: nobody has read its cases or its misses. The detector before the lexicon rebuild
    scored 85.3 % recall (person 74.5 %, gas 88.6 %, water 93.3 %) with 20.6 % false alarms
    (35/170); after it 90.7 % (136/150: person 89.1 %, gas 88.6 %, water 93.3 %) and 12.9 %
    (22/170). Its misses and false alarms were then read (issue 16) and grouped into classes —
    signs of a person at risk and chronic conditions, flues and indoor smoke, pinyin initials and
    English, a leak that can wait, aftermath, the tap water's pipes, a valve that will not turn
    down — and the detector extended for the classes: 100 % (150/150) and 0 % (0/170), on a set
    now seen. A fifth writer's set gives the next honest figure."""
    score = measure(load_cases(FOURTH))
    assert (score.emergencies, score.non_emergencies) == (150, 170)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


FIFTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_fifth.yml"


def test_the_fifth_emergency_set_holds_its_floors() -> None:
    """The fifth set (a fifth writer, after the fourth set's classes) scored 90.8 % recall
    (118/130: person 83.7 %, gas 90.7 %, water 97.7 %) and 7.6 % false alarms (13/170) when it
    arrived. Its misses were read: most were someone frail with a mild sign in the cold that the
    additive score left at 2, so the person kind became a product (who is at risk x what is wrong
    x cold or fumes); the rest were dialect and pinyin, CO by a boiler with a smell, falls while
    dealing with a leak, and leaks the writer says can wait. 100 % (130/130) and 0 % (0/170)
    after, on a set now seen; a sixth writer's set gives the next honest figure."""
    score = measure(load_cases(FIFTH))
    assert (score.emergencies, score.non_emergencies) == (130, 170)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


SIXTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_sixth.yml"


def test_the_sixth_emergency_set_holds_its_floors() -> None:
    """The sixth set (a sixth writer, 2026-12-06) scored 81.5 % recall (person 74.4 %, gas
    76.7 %, water 93.2 %) and 5.3 % false alarms on the session's first commit, and 90.0 %
    (117/130: person 88.4 %, gas 88.4 %, water 93.2 %) and 4.1 % (7/170) after the fourth and
    fifth sets' classes, unread. Its misses and false alarms were then read (issue 16, sixth
    round) and grouped into classes — flues and exhaust drawn indoors, indoor smoke, typos of
    爆 and 流, a valve that will not turn back, heat illness of someone frail, falls, scalds by
    hot water thrown on a body, a leak guessed with the floor dry, liability, a flue's white
    vapour, a person recovered — and four probe batches after it: 100 % (130/130) and 0 %
    (0/170), on a set now seen. A seventh writer's set gives the next honest figure."""
    score = measure(load_cases(SIXTH))
    assert (score.emergencies, score.non_emergencies) == (130, 170)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


SEVENTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_seventh.yml"


def test_the_seventh_emergency_set_holds_its_floors() -> None:
    """The seventh set (a seventh writer, measured before anyone read it) scored 89.6 % recall
    (121/135: person 88.9 %, gas 82.2 %, water 97.8 %) and 3.0 % false alarms (5/165) after the
    sixth round: the sixth set's classes carried over weakly, most of all for gas. Its misses
    were then read (issue 16, seventh round) and the rules rebuilt around what residents notice
    rather than its phrases — a generated symptom lexicon, any sign by a burning appliance or an
    unexplained smell as carbon monoxide, smells likened to anything gas-like or burning, smoke
    and flames in any order, any complaint of someone frail — and four probe batches (12-15)
    measured how far that carried before each was fixed for: 100 % (135/135) and 0 % (0/165),
    on a set now seen. An eighth writer's set gives the next honest figure."""
    score = measure(load_cases(SEVENTH))
    assert (score.emergencies, score.non_emergencies) == (135, 165)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


EIGHTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_eighth.yml"


def test_the_eighth_emergency_set_holds_its_floors() -> None:
    """The eighth set (an eighth writer, 2026-12-06) scored 88.1 % recall (person 88.9 %, gas
    84.4 %, water 91.1 %) and 2.4 % false alarms after the sixth round, and 94.8 % (128/135:
    person 95.6 %, gas 97.8 %, water 91.1 %) and 2.4 % (4/165) after the seventh, unread. Its
    misses and false alarms were then read (issue 16, ninth round) and grouped into classes —
    water said without its noun (哗哗 by a part with a call for help), what holds water back
    failing, water that rises, keyword messages and emoji, a person shut out or found in the
    cold, 着 as an aspect, any vessel under a drip, a leak stopped on its own, a time nobody is
    home asked about — and four probe batches (16-19) after it: 100 % (135/135) and 0 %
    (0/165), on a set now seen. A ninth writer's set gives the next honest figure."""
    score = measure(load_cases(EIGHTH))
    assert (score.emergencies, score.non_emergencies) == (135, 165)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


NINTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_ninth.yml"


def test_the_ninth_emergency_set_holds_its_floors() -> None:
    """The ninth set (a ninth writer, 2026-12-06) scored 91.6 % recall at the ninth round's start
    and 94.2 % (179/190: person 95.6 %, gas 97.8 %, water 92.0 %) with 2.7 % false alarms (3/110)
    after it, unread. Its misses and false alarms were then read (issue 16, tenth round) and
    grouped into classes — water likened to rain, a curtain or a running tap, a room full of fog,
    water from a room's ceiling with other verbs, a leak that grows, a flow held back by a hand,
    closing that does not help; a lighter's fuel smell; someone frail lying silent or out of reach
    by phone in a cold home; a stove lit against the cold; a head striking the floor in a fall; a
    word or a text message asked about out of curiosity — and a probe batch (20) after it: 100 %
    (190/190) and 0 % (0/110), on a set now seen. A tenth writer's set gives the next honest
    figure."""
    score = measure(load_cases(NINTH))
    assert (score.emergencies, score.non_emergencies) == (190, 110)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


ELEVENTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_eleventh.yml"


def test_the_eleventh_emergency_set_holds_its_floors() -> None:
    """The eleventh set (an eleventh writer, 2026-12-06) scored 94.7 % recall (180/190: person
    91.1 %, gas 100 %, water 94.0 %) with 6.4 % false alarms (7/110) and 96.1 % kind agreement
    after the tenth round, unread. Its misses and false alarms were then read (issue 16, eleventh
    round) and grouped into classes — anyone fallen into a well, someone shut in where the water
    is, water coming in or welling up, a flood likened to a pool or a sea, water pouring into a
    room, the water described between verb and noun, a cry of how hard it leaks, a child's word
    for a leak, English and pinyin signs of the cold, charcoal burnt indoors, a splash onto the
    body; a sight asked about out of curiosity that is there every winter, a slow drip, a leak
    guessed with no water to be seen, an old mark that does not grow, condensation, the news, a
    sewer's smell, a splash that did no harm: 100 % (190/190) and 0 % (0/110), kind 100 %, on a
    set now seen. The next writer's set gives the next honest figure."""
    score = measure(load_cases(ELEVENTH))
    assert (score.emergencies, score.non_emergencies) == (190, 110)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


THIRTEENTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_thirteenth.yml"


def test_the_thirteenth_emergency_set_holds_its_floors() -> None:
    """The thirteenth set (a thirteenth writer, 2026-12-06) scored 94.2 % recall (65/69: person
    80.0 %, gas 100 %, water 100 %) with 2.5 % false alarms (2/81) and 95.4 % kind agreement at
    1a97c6a, unread. Its misses and false alarms were then read (issue 16, thirteenth round) and
    grouped into classes — the English heating off in any tense, an English baby or old person too
    sleepy or not feeding, pinyin of speech and movement gone, skin lost to a hot part however
    much, English negation before a report, a common cold held against the company — 100 %
    (69/69) and 0 % (0/81), on a set now seen. Its three remaining wrong kinds are signs by a
    stove, named gas (carbon monoxide) by design since the seventh round. The next writer's set
    gives the next honest figure."""
    score = measure(load_cases(THIRTEENTH))
    assert (score.emergencies, score.non_emergencies) == (69, 81)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


GAS_PROBE = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_gas_probe.yml"


def test_the_gas_probe_set_holds_its_floors() -> None:
    """The gas probe set (a writer who saw no data or code, 2026-12-06: 55 gas, smoke and carbon
    monoxide reports, 35 look-alikes) scored 96.4 % recall (53/55) with 11.4 % false alarms (4/35)
    at main 8e7cca9, unread. It was the gas round's development set (issue 16): the gas line named
    by its yellow paint, gas words in pinyin, poisoning named as what to prevent, a smoke alarm
    set off by cooking, a burnt smell from works next door or a pot boiled dry — 100 % (55/55)
    and 0 % (0/35), on a set now seen. The next writer's set gives the next honest figure."""
    score = measure(load_cases(GAS_PROBE))
    assert (score.emergencies, score.non_emergencies) == (55, 35)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01


SIXTEENTH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_sixteenth.yml"


def test_the_sixteenth_emergency_set_holds_its_floors() -> None:
    """The sixteenth set (a sixteenth writer, 2026-12-07: 75 emergencies, 75 look-alikes) scored
    98.7 % recall (74/75: water 97.1 %) with 12.0 % false alarms (9/75) and 94.6 % kind agreement
    at main aac8db0, unread. It was the sixteenth round's development set (issue 16): a topic
    waved aside before a report, 是不是你们管子 as a question, steam over water said hot, the
    electrics reached by a leak, a gas joint's soap test; English leaks that can wait or lie in
    the past, a gas smell's relation to the heating asked in general, a slight seep said small
    again (in pinyin too), a report taken back at once, clothes scorched on a radiator — 100 %
    (75/75) and 0 % (0/75), kind 100 %, on a set now seen. The next writer's set gives the next
    honest figure."""
    score = measure(load_cases(SIXTEENTH))
    assert (score.emergencies, score.non_emergencies) == (75, 75)
    assert score.recall is not None and score.recall >= 0.99
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.01
