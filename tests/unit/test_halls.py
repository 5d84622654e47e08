"""Service halls: opening hours (season, holidays, weekends, now), finding the hall, the answers.

The registry here is built by hand, so each expected time is read off the data in this file.
The heating season is the Beijing policy's, 11-15 → 03-15.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.policy import Policy, load_policy
from bot.services.halls import (
    HALL_RADIUS_KM,
    Question,
    answer,
    asked_days,
    asked_service,
    choose_halls,
    closes_at,
    documents_for,
    format_week,
    hours_on,
    map_link,
    nearest,
    next_opening,
    open_at,
)
from bot.store.halls import Hall, Registry, Season, Service, SpecialDay

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORKDAY = (("08:30", "12:00"), ("13:30", "17:00"))

MAIN = Hall(
    name="和平里营业厅",
    address="和平里东街18号",
    latitude=39.9575,
    longitude=116.4190,
    phone="010-64210001",
    district="东城区",
    communities=("和平里", "阳光花园"),
    services=("缴费", "过户", "报停", "开栓", "发票"),
    week={1: WORKDAY, 2: WORKDAY, 3: WORKDAY, 4: WORKDAY, 5: WORKDAY, 6: (("09:00", "12:00"),)},
    seasons=(
        Season(
            "供暖季",
            {d: (("08:00", "18:00"),) for d in range(1, 6)}
            | {6: (("09:00", "16:00"),), 7: (("09:00", "16:00"),)},
            heating_season=True,
        ),
    ),
    days=(SpecialDay(date(2027, 2, 8), date(2027, 2, 9), "春节值班", (("09:00", "12:00"),)),),
)
WEEKDAYS_ONLY = Hall(
    name="西城营业厅",
    address="新街口外大街9号",
    latitude=39.9301,
    longitude=116.3861,
    phone="010-66120002",
    district="西城区",
    communities=("幸福里小区",),
    services=("缴费", "过户", "发票"),
    week={d: (("09:00", "17:00"),) for d in range(1, 6)},
    documents={"过户": ("新户主身份证", "房产证", "本厅另需原户主签字的申请表")},
)
SUMMER = Hall(
    name="朝阳营业厅",
    address="光华路甲6号",
    latitude=39.9063,
    longitude=116.4772,
    phone="010-65830003",
    district="朝阳区",
    services=("缴费",),
    week={d: (("08:30", "17:00"),) for d in range(1, 6)},
    seasons=(Season("夏季", {d: (("08:30", "11:30"),) for d in range(1, 6)}, "06-01", "08-31"),),
)
HOLIDAYS = (
    SpecialDay(date(2027, 1, 1), date(2027, 1, 3), "元旦"),
    SpecialDay(date(2027, 2, 6), date(2027, 2, 12), "春节"),
    SpecialDay(date(2027, 2, 14), date(2027, 2, 14), "春节调休上班", (("08:30", "17:00"),)),
)
TRANSFER = Service("过户", ("身份证", "房产证"), ("更名", "改户名"), "原户主须先结清欠费。")
STOP = Service("报停", ("户主身份证",), ("停供",))
REGISTRY = Registry((MAIN, WEEKDAYS_ONLY, SUMMER), HOLIDAYS, (TRANSFER, STOP))


@pytest.fixture
def policy(shanghai: None) -> Iterator[Policy]:
    yield load_policy("beijing")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# ---- opening hours --------------------------------------------------------------------------


def test_regular_week_outside_the_heating_season(policy: Policy) -> None:
    # 2026-10-10 is a Saturday, 2026-10-11 a Sunday, 2026-10-12 a Monday.
    assert hours_on(MAIN, HOLIDAYS, date(2026, 10, 10), policy).spans == (("09:00", "12:00"),)
    assert hours_on(MAIN, HOLIDAYS, date(2026, 10, 11), policy).closed
    assert hours_on(MAIN, HOLIDAYS, date(2026, 10, 12), policy).spans == WORKDAY


def test_heating_season_hours_replace_the_week_from_the_policys_first_day(policy: Policy) -> None:
    assert hours_on(MAIN, HOLIDAYS, date(2026, 11, 14), policy).spans == (("09:00", "12:00"),)
    assert hours_on(MAIN, HOLIDAYS, date(2026, 11, 15), policy).spans == (("09:00", "16:00"),)
    assert hours_on(MAIN, HOLIDAYS, date(2027, 3, 15), policy).spans == (("08:00", "18:00"),)
    assert hours_on(MAIN, HOLIDAYS, date(2027, 3, 16), policy).spans == WORKDAY


def test_a_month_day_season(policy: Policy) -> None:
    assert hours_on(SUMMER, (), date(2027, 7, 5), policy).spans == (("08:30", "11:30"),)
    assert hours_on(SUMMER, (), date(2027, 9, 1), policy).spans == (("08:30", "17:00"),)


def test_company_holidays_close_and_a_halls_own_day_wins(policy: Policy) -> None:
    new_year = hours_on(MAIN, HOLIDAYS, date(2027, 1, 1), policy)
    assert new_year.closed and new_year.reason == "元旦"
    on_duty = hours_on(MAIN, HOLIDAYS, date(2027, 2, 8), policy)
    assert on_duty.spans == (("09:00", "12:00"),) and on_duty.reason == "春节值班"
    assert hours_on(WEEKDAYS_ONLY, HOLIDAYS, date(2027, 2, 8), policy).closed


def test_a_makeup_workday_opens_a_sunday(policy: Policy) -> None:
    sunday = date(2027, 2, 14)
    assert sunday.isoweekday() == 7
    assert hours_on(WEEKDAYS_ONLY, HOLIDAYS, sunday, policy).spans == (("08:30", "17:00"),)


def test_open_now_respects_lunch_break_and_closing_time(policy: Policy) -> None:
    monday = (2026, 10, 12)
    assert open_at(MAIN, HOLIDAYS, at(*monday, 8, 30), policy)
    assert not open_at(MAIN, HOLIDAYS, at(*monday, 12, 30), policy)
    assert closes_at(MAIN, HOLIDAYS, at(*monday, 16, 59), policy) == "17:00"
    assert not open_at(MAIN, HOLIDAYS, at(*monday, 17, 0), policy)


def test_open_now_reads_utc_in_the_company_zone(policy: Policy) -> None:
    # 00:30 UTC is 08:30 in Shanghai: open, although UTC says half past midnight.
    moment = datetime.fromisoformat("2026-10-12T00:30:00+00:00")
    assert open_at(MAIN, HOLIDAYS, moment, policy)


def test_next_opening_skips_the_weekend_and_holidays(policy: Policy) -> None:
    friday_evening = at(2026, 10, 16, 18)
    assert next_opening(WEEKDAYS_ONLY, HOLIDAYS, friday_evening, policy) == (
        date(2026, 10, 19),
        "09:00",
    )
    before_new_year = at(2026, 12, 31, 18)
    assert next_opening(WEEKDAYS_ONLY, HOLIDAYS, before_new_year, policy) == (
        date(2027, 1, 4),
        "09:00",
    )
    lunch = at(2026, 10, 12, 12, 30)
    assert next_opening(MAIN, HOLIDAYS, lunch, policy) == (date(2026, 10, 12), "13:30")


def test_format_week_groups_days_with_equal_hours() -> None:
    assert format_week(WEEKDAYS_ONLY.week) == "周一至周五 09:00-17:00；周六、周日 休息"


# ---- which day, which service ---------------------------------------------------------------


def test_asked_days() -> None:
    friday = date(2026, 12, 11)
    assert asked_days("周六开门吗", REGISTRY, friday) == [date(2026, 12, 12)]
    assert asked_days("礼拜六上班不", REGISTRY, friday) == [date(2026, 12, 12)]
    assert asked_days("周末有人吗", REGISTRY, friday) == [date(2026, 12, 12), date(2026, 12, 13)]
    assert asked_days("明天开门吗", REGISTRY, friday) == [date(2026, 12, 12)]
    assert asked_days("元旦开门吗", REGISTRY, friday) == [
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 3),
    ]
    spring = asked_days("过年期间营业吗", REGISTRY, friday)
    assert spring[0] == date(2027, 2, 6) and spring[-1] == date(2027, 2, 12)
    assert asked_days("营业厅在哪", REGISTRY, friday) == []


def test_asked_service_by_name_or_alias_and_the_first_named_wins() -> None:
    assert asked_service(REGISTRY, "改户名要带什么") == TRANSFER
    assert asked_service(REGISTRY, "先报停还是先过户") == STOP
    assert asked_service(REGISTRY, "营业厅几点开门") is None


def test_documents_of_the_hall_replace_the_companys() -> None:
    assert documents_for(WEEKDAYS_ONLY, TRANSFER)[-1] == "本厅另需原户主签字的申请表"
    assert documents_for(MAIN, TRANSFER) == ("身份证", "房产证")
    assert documents_for(None, TRANSFER) == ("身份证", "房产证")


# ---- finding the hall -----------------------------------------------------------------------


def test_nearest_by_coordinates_within_the_radius() -> None:
    found = nearest(REGISTRY.halls, 39.929, 116.389, HALL_RADIUS_KM)
    assert [f.hall.name for f in found] == ["西城营业厅", "和平里营业厅", "朝阳营业厅"]
    assert found[0].distance_km is not None and found[0].distance_km < 0.5
    assert nearest(REGISTRY.halls, 31.2304, 121.4737, HALL_RADIUS_KM) == []


def test_choose_by_name_district_community_and_community_location() -> None:
    def names(question: Question) -> list[str]:
        return [found.hall.name for found in choose_halls(REGISTRY.halls, question)]

    assert names(Question("西城营业厅几点开门")) == ["西城营业厅"]
    assert names(Question("朝阳有营业厅吗")) == ["朝阳营业厅"]
    assert names(Question("营业厅在哪", community="阳光花园")) == ["和平里营业厅"]
    # Listed by no hall: the hall nearest to where the community lies.
    assert names(
        Question("营业厅在哪", community="金色家园", community_point=(39.905, 116.48))
    ) == ["朝阳营业厅"]
    assert names(Question("营业厅在哪")) == []


def test_map_link_is_amaps_marker_url() -> None:
    assert map_link(WEEKDAYS_ONLY) == (
        "https://uri.amap.com/marker?position=116.386100,39.930100"
        "&name=%E8%A5%BF%E5%9F%8E%E8%90%A5%E4%B8%9A%E5%8E%85&callnative=0"
    )


# ---- answers ----------------------------------------------------------------------------------


def test_saturday_at_a_weekend_closed_hall_names_one_that_is_open(policy: Policy) -> None:
    friday = at(2026, 12, 11, 10)
    text = "\n".join(answer(REGISTRY, Question("西城营业厅周六开门吗"), friday, policy))
    assert "西城营业厅：明天（12月12日，周六）休息，不营业。" in text
    assert "当天营业的还有" in text
    assert "和平里营业厅：明天（12月12日，周六）营业 09:00-16:00。" in text


def test_where_is_the_hall_for_my_community_tells_if_it_is_open_now(policy: Policy) -> None:
    sunday_lunch = at(2026, 12, 13, 12)
    text = "\n".join(
        answer(REGISTRY, Question("营业厅在哪", community="和平里"), sunday_lunch, policy)
    )
    assert "和平里营业厅" in text and "和平里东街18号" in text and "010-64210001" in text
    assert "现在营业中，今天 16:00 下班。" in text
    assert "https://uri.amap.com/marker?position=116.419000,39.957500" in text


def test_closed_now_names_the_next_opening_and_why(policy: Policy) -> None:
    new_year = at(2027, 1, 1, 10)
    text = "\n".join(answer(REGISTRY, Question("西城营业厅开着吗"), new_year, policy))
    assert "现在不营业（元旦），下次开门：1月4日（周一） 09:00。" in text


def test_what_to_bring_lists_the_documents_and_the_note(policy: Policy) -> None:
    messages = answer(
        REGISTRY, Question("过户要带什么", community="幸福里小区"), at(2026, 12, 7, 9), policy
    )
    assert messages[0] == (
        "到西城营业厅办理过户，请带好：\n1. 新户主身份证\n2. 房产证\n3. 本厅另需原户主签字的申请表"
        "\n原户主须先结清欠费。"
    )
    assert messages[1].startswith("西城营业厅\n地址：新街口外大街9号")


def test_a_service_no_hall_of_the_asker_offers_sends_them_to_one_that_does(policy: Policy) -> None:
    messages = answer(
        REGISTRY, Question("报停带什么", community="幸福里小区"), at(2026, 12, 7, 9), policy
    )
    assert messages[0].startswith("到和平里营业厅办理报停")


def test_without_a_place_every_hall_is_listed_and_the_user_asked_where(policy: Policy) -> None:
    messages = answer(REGISTRY, Question("营业厅在哪"), at(2026, 12, 7, 9), policy)
    assert all(hall.name in messages[0] for hall in REGISTRY.halls)
    assert "哪个小区" in messages[-1]


def test_a_shared_location_far_from_every_hall_is_told_so(policy: Policy) -> None:
    messages = answer(REGISTRY, Question(point=(31.2304, 121.4737)), at(2026, 12, 7, 9), policy)
    hotline = policy.company.hotline
    assert messages == [
        f"您发送的位置附近没有我们的营业厅。营业厅地址可拨打服务热线 {hotline} 询问。"
    ]


def test_no_registry_gives_the_hotline(policy: Policy) -> None:
    messages = answer(Registry(()), Question("营业厅在哪"), at(2026, 12, 7, 9), policy)
    assert policy.company.hotline in messages[0]


def test_what_to_bring_refers_back_to_the_service_named_just_before(policy: Policy) -> None:
    question = Question("得带什么材料 营业厅在哪儿", earlier="房子过给闺女了 暖气得更名吧")
    messages = answer(REGISTRY, question, at(2026, 12, 7, 9), policy)
    assert messages[0].startswith("到营业厅办理过户，请带好：\n1. 身份证")
    # Without a question about documents, an earlier service is not dragged in.
    plain = answer(REGISTRY, Question("营业厅在哪", earlier="过户"), at(2026, 12, 7, 9), policy)
    assert plain[0].startswith("我们的营业厅：")


def test_a_day_asked_with_a_service_gets_that_days_hours_of_the_halls_offering_it(
    policy: Policy,
) -> None:
    """Found playing: 营业厅周六开门吗 我想去办过户 got the documents and the next opening
    (Monday), not whether it is open on Saturday."""
    friday = at(2026, 12, 11, 9)
    messages = answer(
        REGISTRY, Question("营业厅周六开门吗 我想去办过户", community="幸福里小区"), friday, policy
    )
    assert messages[0].startswith("到西城营业厅办理过户")
    text = "\n".join(messages)
    assert "西城营业厅：明天（12月12日，周六）休息，不营业。" in text


@pytest.mark.parametrize(
    "asked", ["现在半夜了 暖气不热 能找谁 营业厅都关门了吧", "营业厅在哪", "和平里营业厅开着吗"]
)
def test_with_every_hall_closed_the_duty_line_is_named(policy: Policy, asked: str) -> None:
    """At 02:30 the five closed halls alone left the resident with no one to call (player H)."""
    night = at(2026, 12, 7, 2, 30)
    text = "\n".join(answer(REGISTRY, Question(asked), night, policy))
    assert f"24小时值班电话 {policy.emergency.duty_phone}" in text
    day = "\n".join(answer(REGISTRY, Question(asked), at(2026, 12, 7, 10), policy))
    assert "24小时值班电话" not in day


PAYMENT_POINT = Hall(
    name="东风新村缴费点",
    address="东风新村社区服务站一层",
    latitude=39.8660,
    longitude=116.4335,
    phone="010-67210005",
    district="丰台区",
    communities=("东风新村",),
    services=("缴费", "发票"),
    week={
        2: (("09:00", "11:30"), ("14:00", "16:30")),
        4: (("09:00", "11:30"),),
        6: (("09:00", "11:30"),),
    },
)


@pytest.mark.parametrize(
    ("hall", "text", "moment", "closed", "next_open"),
    [
        # glp-037 / glp-008: 俺们东风新村那个缴费点今儿开门不, on its closed Monday
        (PAYMENT_POINT, "缴费点今儿开门不", at(2026, 12, 7, 10), "今天（12月7日，周一）休息",
         "下次开门：明天（12月8日，周二） 09:00。"),
        (WEEKDAYS_ONLY, "西城营业厅周六开门吗", at(2026, 12, 11, 10), "明天（12月12日，周六）休息",
         "下次开门：12月14日（周一） 09:00。"),
        (PAYMENT_POINT, "缴费点礼拜三有人吗", at(2026, 12, 7, 18), "后天（12月9日，周三）休息",
         "下次开门：12月10日（周四） 09:00。"),
        (MAIN, "元旦营业厅开门吗", at(2026, 12, 30, 9), "（元旦）休息",
         "下次开门：1月4日（周一） 08:00。"),
    ],
)
def test_a_hall_closed_on_the_day_asked_says_when_it_next_opens(
    policy: Policy, hall: Hall, text: str, moment: datetime, closed: str, next_open: str
) -> None:
    registry = Registry((hall,), HOLIDAYS, ())
    said = "\n".join(answer(registry, Question(text), moment, policy))
    assert closed in said and next_open in said


def test_a_day_it_opens_names_no_next_opening(policy: Policy) -> None:
    registry = Registry((PAYMENT_POINT,), HOLIDAYS, ())
    said = "\n".join(answer(registry, Question("缴费点明天开门吗"), at(2026, 12, 7, 10), policy))
    assert "明天（12月8日，周二）营业 09:00-11:30、14:00-16:30" in said
    assert "下次开门" not in said
