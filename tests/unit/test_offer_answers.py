"""`bot.nlu.offer_answers`: a yes/no offer answered by going on with the offered task (the details
it needs, or its name alone) is a yes; a no, or a question about the task, is not."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.nlu.offer_answers import takes_offer

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize(
    ("offer", "text"),
    [
        # the late 报停 offer (需要现在为您登记吗？): where, a phone, a 户号, or its name
        ("stop_next_season", "和平里二区3号楼1单元201"),
        ("stop_next_season", "我手机号13566021187"),
        ("stop_next_season", "户号是0102345679"),
        ("stop_next_season", "那就登记上吧"),
        ("stop_next_season", "报停的事 办吧"),
        # dev hav-024: read as a goodbye, the 报停 was lost and its withdrawal found nothing
        ("stop_next_season", "那就先给我报上明年那一季的吧"),
        ("stop_next_season", "行 那先报上"),
        # the remembered fee query (您刚才还提到要查暖气费): named, or a 户号
        ("second:query_fee", "暖气费呢"),
        ("second:query_fee", "费用呢？交了吗"),
        ("second:query_fee", "那还欠多少"),
        ("second:query_fee", "今年的费呢"),
        ("second:query_fee", "0102345679"),
        # the remembered 测温, complaint, outage question
        ("second:request_temp_check", "测温的事呢"),
        ("second:request_temp_check", "那个测室温"),
        ("second:request_temp_check", "明天上午在家"),
        ("second:file_complaint", "还有投诉呢"),
        ("second:file_complaint", "电话13911220456"),
        ("second:query_outage", "停热情况呢"),
        # a visit offered after an outage, or a repair remembered: the details
        ("repair_after_outage", "金色家园2号楼302"),
        ("repair", "138 1122 3344"),
        ("temp_check_after_outage", "周六下午"),
        # a person offered: a number to call back on
        ("human", "打这个13700001111"),
        ("change_ticket", "人工吧"),
    ],
)
def test_going_on_with_the_offered_task_is_a_yes(offer: str, text: str) -> None:
    assert takes_offer(offer, text, NOW)


@pytest.mark.parametrize(
    ("offer", "text"),
    [
        ("stop_next_season", "不用了，明年再说"),
        ("stop_next_season", "报停了还用交基础费吗"),
        ("stop_next_season", "明年再说吧"),  # a question about it, answered as one
        ("second:query_fee", "换个阀门要多少钱"),  # another cost
        ("second:query_fee", "维修费多少"),
        ("second:query_fee", "费就先不查了"),
        ("second:query_fee", "滞纳金怎么算"),
        ("second:request_temp_check", "测温要收费吗"),
        ("second:request_temp_check", "不用测了"),
        ("second:file_complaint", "投诉的事算了"),
        ("repair_after_outage", "那几点能来热"),
        ("repair", "师傅大概几点到"),
        ("cancel:BX202612070001", "13812345678"),  # no task offered
        (None, "暖气费呢"),  # nothing offered
    ],
)
def test_a_no_a_question_or_no_offer_is_not(offer: str | None, text: str) -> None:
    assert not takes_offer(offer, text, NOW)
