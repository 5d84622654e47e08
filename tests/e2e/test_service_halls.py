"""Service halls on the real stack: REST questions and a WeChat location, on the demo registry.

The demo halls are bot/store/demo_halls.yml: 和平里营业厅 serves 和平里, 西城营业厅 (near
幸福里小区) is closed at weekends all year, and 幸福里小区 has the demo's emergency stop under way.
"""

from __future__ import annotations

import pytest

from .conftest import Stack
from .test_wechat import msg_id, openid, reply, xml

pytestmark = pytest.mark.e2e


def intent_of_last_turn(stack: Stack, conversation: str) -> str:
    events = stack.tracker(conversation).get("events", [])
    users = [e for e in events if e.get("event") == "user"]
    return str(users[-1]["parse_data"]["intent"]["name"])


def test_where_is_the_hall_for_my_community(stack: Stack) -> None:
    sender = "e2e-hall-where"
    answer = stack.text(sender, "我住和平里，最近的营业厅在哪啊")
    assert intent_of_last_turn(stack, f"rest:{sender}") == "query_service_hall"
    assert "和平里营业厅" in answer and "北京市东城区和平里东街18号" in answer
    assert "营业时间：" in answer and "010-6421 0001" in answer
    assert "https://uri.amap.com/marker?position=116.419000,39.957500" in answer


def test_is_the_weekend_closed_hall_open_on_saturday(stack: Stack) -> None:
    sender = "e2e-hall-saturday"
    answer = stack.text(sender, "西城营业厅周六开门吗")
    assert intent_of_last_turn(stack, f"rest:{sender}") == "query_service_hall"
    assert "西城营业厅：" in answer and "周六）" in answer and "休息，不营业" in answer


def test_what_to_bring_for_a_transfer(stack: Stack) -> None:
    sender = "e2e-hall-transfer"
    answer = stack.text(sender, "去营业厅办过户要带什么材料")
    assert intent_of_last_turn(stack, f"rest:{sender}") == "query_service_hall"
    assert "办理过户，请带好：" in answer
    assert "1. 新户主身份证原件及复印件" in answer and "不动产权证书" in answer
    assert "原户主有欠费的，须先结清后才能过户。" in answer


def test_wechat_location_gets_the_outage_nearby_and_the_nearest_hall(stack: Stack) -> None:
    user = openid("hall_location")
    near = (
        "<Location_X>39.929000</Location_X><Location_Y>116.389000</Location_Y>"
        "<Scale>16</Scale><Label><![CDATA[北京市西城区]]></Label>"
    )
    answer = reply(stack, xml(user, "location", near, msg_id()), user)
    assert "幸福里小区抢修停热" in answer
    assert "西城营业厅，距您约" in answer and "北京市西城区新街口外大街9号" in answer
    assert answer.index("抢修") < answer.index("西城营业厅")
    assert "https://uri.amap.com/marker?position=116.386100,39.930100" in answer


def test_wechat_location_far_away_says_so_politely(stack: Stack) -> None:
    user = openid("hall_far")
    shanghai = "<Location_X>31.230400</Location_X><Location_Y>121.473700</Location_Y>"
    answer = reply(stack, xml(user, "location", shanghai, msg_id()), user)
    assert "附近没有我们供热的小区" in answer and "附近没有我们的营业厅" in answer
