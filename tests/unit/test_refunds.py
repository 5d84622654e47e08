"""Room-temperature refund estimates against hand-computed amounts, and their explanation.

Season 11-15 → 03-15 = 121 days (non-leap). amount = area × price × rate × days ÷ 121, rounded
once to 0.01 yuan.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.policy import load_policy
from bot.services.refunds import estimate_refund


@pytest.mark.parametrize(
    ("city", "measured", "area", "days", "rate", "amount"),
    [
        # Beijing 24 元/m²: 80 m² → 1920 元 a season; <2 ℃: 40 %, 2–4 ℃: 60 %, ≥4 ℃: 100 %.
        ("beijing", 16.5, 80, 3, 0.40, "19.04"),  # 1920 × 0.4 × 3 / 121 = 19.0413…
        ("beijing", 16.0, 80, 3, 0.60, "28.56"),  # exactly 2 ℃ below: the 2–4 tier; 28.5619…
        ("beijing", 13.0, 100, 10, 1.00, "198.35"),  # 2400 × 10 / 121 = 198.3471…
        # Tianjin 25 元/m²: ≤2 ℃: 10 %, 2–6 ℃: 50 %, >6 ℃: 100 %.
        ("tianjin", 16.0, 100, 4, 0.10, "8.26"),  # exactly 2 ℃ below: the ≤2 tier; 8.2644…
        ("tianjin", 15.5, 100, 4, 0.50, "41.32"),  # 2500 × 0.5 × 4 / 121 = 41.3223…
        ("tianjin", 11.5, 90, 2, 1.00, "37.19"),  # 2250 × 2 / 121 = 37.1900…
    ],
)
def test_amounts_match_hand_computation(
    city: str, measured: float, area: float, days: int, rate: float, amount: str
) -> None:
    answer = estimate_refund(load_policy(city), measured, area, days)
    assert answer.estimate.rate == rate
    assert answer.estimate.amount == Decimal(amount)
    assert answer.due
    assert f"{days}天约退{amount}元" in answer.text


def test_the_explanation_shows_the_steps_and_the_conditions() -> None:
    answer = estimate_refund(load_policy("beijing"), 16.5, 80, 3)
    assert answer.text.startswith(
        "实测室温16.5℃，低于18℃的标准1.5℃，按日热费的40%退还。"
        "采暖费1920.00元÷121天≈15.87元/天，3天约退19.04元。"
    )
    assert "室温低于标准且24小时内未修复的" in answer.text
    assert "低于标准不足2℃退40%" in answer.text
    assert answer.text.endswith("以上为估算，以上门测温记录和核定结果为准。")


def test_old_building_on_a_cold_day_has_the_lower_standard_in_beijing() -> None:
    beijing = load_policy("beijing")
    cold = estimate_refund(beijing, 15.0, 80, 3, old_building=True, outdoor_mean_c=-8)
    assert cold.estimate.standard_c == 16 and cold.estimate.rate == 0.40
    assert cold.estimate.amount == Decimal("19.04")  # 1 ℃ below 16 ℃: 1920 × 0.4 × 3 / 121
    mild = estimate_refund(beijing, 15.0, 80, 3, old_building=True, outdoor_mean_c=-2)
    assert mild.estimate.standard_c == 18 and mild.estimate.rate == 0.60
    tianjin = estimate_refund(load_policy("tianjin"), 15.0, 80, 3, old_building=True)
    assert tianjin.estimate.standard_c == 18


def test_no_refund_above_the_standard_or_without_qualifying_days() -> None:
    warm = estimate_refund(load_policy("tianjin"), 19, 100, 4)
    assert not warm.due and warm.estimate.amount == Decimal("0.00")
    assert warm.text.startswith("实测室温19℃，不低于18℃的供热标准，不涉及退费。")
    no_days = estimate_refund(load_policy("beijing"), 16.5, 80, 0)
    assert not no_days.due and "目前没有符合条件的天数，暂不退费" in no_days.text


def test_a_company_price_and_a_leap_season() -> None:
    answer = estimate_refund(load_policy("beijing"), 16.5, 80, 3, price_per_m2=30, start_year=2027)
    # 80 × 30 = 2400; season 2027-11-15 → 2028-03-15 has 122 days: 2400 × 0.4 × 3 / 122 = 23.6065…
    assert answer.estimate.season_days == 122
    assert answer.estimate.amount == Decimal("23.61")
