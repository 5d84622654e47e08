"""The meter reading in a resident's message (`bot.nlu.meterreading`) and its `meter_reading`
entity (`bot.nlu.entities`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entities import postprocess_entities
from bot.nlu.guard import IntentCorrections
from bot.nlu.meterreading import parse_meter_reading, reports_reading
from bot.nlu.numbers import to_canonical


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("我家热表现在是12345 kWh", "12345", "kWh"),
        ("热表读数１２３４５．６ＫＷＨ", "12345.6", "kWh"),  # full-width, as phones type it
        ("表上显示 3,456.7 GJ", "3456.7", "GJ"),
        ("热量表累计 52.17 吉焦", "52.17", "GJ"),
        ("读数是一万二千三百四十五度", "12345", "kWh"),  # 度 after a meter word is a kWh
        ("熱表讀數 7788 千瓦時", "7788", "kWh"),  # traditional characters
        ("热表跑了有 23456 度了", "23456", "kWh"),
        ("我自己抄的表，读数是8321", "8321", None),  # no unit: the meter's own applies
        ("热表 1234.5", "1234.5", None),
        ("屋里才16度，热表读数3456", "3456", None),  # the room's 16度 is not the reading
        ("温度计旁边的热表显示 17120 kWh", "17120", "kWh"),  # a heat meter named: its reading
    ],
)
def test_a_reading_is_found_with_its_unit(text: str, value: str, unit: str | None) -> None:
    reading = parse_meter_reading(text)
    assert reading is not None
    assert (reading.value, reading.unit) == (Decimal(value), unit)


@pytest.mark.parametrize(
    "text",
    [
        "家里才16度",  # a room temperature
        "热表号12345678",  # the meter's number, not its reading
        "户号0102345678",
        "我想报一下热表读数",  # asks to report, gives no number yet
        "温度计显示18度",  # a thermometer's reading (室温抽测), not 18 kWh
        "卧室温度计上显示17.5",
        "室温读到19度了",
        "",
    ],
)
def test_no_reading_where_none_is_given(text: str) -> None:
    assert parse_meter_reading(text) is None


def test_the_entity_carries_the_normalised_value_and_replaces_a_temperature() -> None:
    text = to_canonical("热表读数是8899度")
    temperature = {
        "entity": "temperature",
        "start": text.index("8899"),
        "end": len(text),
        "value": "8899度",
        "extractor": "RegexEntityExtractor",
    }

    entities = postprocess_entities(text, [temperature], "report_meter_reading")

    assert [(e["entity"], e["value"]) for e in entities] == [("meter_reading", "8899 kWh")]


def test_no_meter_reading_entity_outside_the_intents_that_give_one() -> None:
    text = to_canonical("热表读数是 45.32 GJ")
    assert postprocess_entities(text, [], "query_meter") == []
    made = postprocess_entities(text, [], "inform")
    assert [(e["entity"], e["value"]) for e in made] == [("meter_reading", "45.32 GJ")]


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("读数17120", True),
        ("热表现在 45.3GJ", True),
        ("你们记的17120不对，我家表上才15000", False),  # a dispute
        ("热表卡住了，一直显示 8899 kWh", False),  # a fault
        ("读数有异议", False),  # no number
    ],
)
def test_a_reading_to_file_is_told_from_a_problem(text: str, reading: bool) -> None:
    assert reports_reading(to_canonical(text)) is reading


@pytest.mark.parametrize(
    ("intent", "text", "meant"),
    [
        ("report_meter_problem", "读数17120", "report_meter_reading"),
        ("inform", "表底 7788.5 kWh", "report_meter_reading"),
        ("report_meter_problem", "你们抄的17120不对", "report_meter_problem"),
        ("inform", "17120", "inform"),  # a bare number may be anything
        ("query_meter", "热表读数12000了，帮我查下用了多少", "query_meter"),
    ],
)
def test_the_pipeline_moves_a_misread_reading_to_report_meter_reading(
    intent: str, text: str, meant: str
) -> None:
    message = Message(data={"text": to_canonical(text), "intent": {"name": intent}})
    [corrected] = IntentCorrections().process([message])
    assert corrected.get("intent")["name"] == meant
