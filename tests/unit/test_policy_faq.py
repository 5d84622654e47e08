"""FAQ answers and notices: every number comes from the policy and follows an edit of the file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import contract
from bot.policy import (
    CITIES_DIR,
    Policy,
    faq_answer,
    load_policy,
    read_policy_file,
    refund_policy_text,
    sms_signed,
    visit_notice,
)

#: The contract's keys; tests/unit/test_nlu_data.py checks them against the spec file.
CONTRACT_KEYS = list(contract.FAQ_KEYS)
#: Every key answered, the project's own (`refund`) included.
ALL_KEYS = list(contract.ALL_FAQ_KEYS)


@pytest.fixture(scope="module")
def bj() -> Policy:
    return load_policy("beijing", fresh=True)


@pytest.fixture(scope="module")
def tj() -> Policy:
    return load_policy("tianjin", fresh=True)


def modified(tmp_path: Path, base: str, edit: dict[str, dict[str, Any]]) -> Policy:
    data = copy.deepcopy(yaml.safe_load((CITIES_DIR / f"{base}.yml").read_text(encoding="utf-8")))
    for section, values in edit.items():
        data[section].update(values)
    path = tmp_path / f"{base}-edited.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return read_policy_file(path)


@pytest.mark.parametrize("city", ["beijing", "tianjin"])
@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_answer_fits_a_bubble(city: str, key: str) -> None:
    answer = faq_answer(load_policy(city), key)
    assert 20 <= len(answer) <= 150, answer
    assert answer.endswith("。"), answer
    assert "None" not in answer and "{" not in answer, answer


def test_unknown_key(bj: Policy) -> None:
    with pytest.raises(KeyError, match="weather"):
        faq_answer(bj, "weather")


def test_heating_season(bj: Policy, tj: Policy, tmp_path: Path) -> None:
    answer = faq_answer(bj, "heating_season")
    assert "北京" in answer and "11月15日" in answer and "次年3月15日" in answer
    assert "天津" in faq_answer(tj, "heating_season")
    edited = modified(
        tmp_path,
        "beijing",
        {"season": {"start": "11-01", "end": "03-31"}, "stop_heating": {"apply_deadline": "10-31"}},
    )
    answer = faq_answer(edited, "heating_season")
    assert "11月1日" in answer and "次年3月31日" in answer and "11月15日" not in answer


def test_payment_channels(bj: Policy, tmp_path: Path) -> None:
    answer = faq_answer(bj, "payment_channels")
    for channel in bj.payment.channels:
        assert channel in answer
    assert "12月31日" in answer
    edited = modified(
        tmp_path, "beijing", {"payment": {"channels": ["云闪付"], "deadline": "01-31"}}
    )
    answer = faq_answer(edited, "payment_channels")
    assert "云闪付" in answer and "支付宝" not in answer and "1月31日" in answer


def test_fee_standard(bj: Policy, tj: Policy, tmp_path: Path) -> None:
    assert "24元" in faq_answer(bj, "fee_standard") and "2400元" in faq_answer(bj, "fee_standard")
    assert "25元" in faq_answer(tj, "fee_standard") and "2500元" in faq_answer(tj, "fee_standard")
    edited = modified(tmp_path, "beijing", {"fees": {"area_price_per_m2": 30.5}})
    assert "30.5元" in faq_answer(edited, "fee_standard")
    assert "3050元" in faq_answer(edited, "fee_standard")


def test_invoice_and_account_transfer(bj: Policy, tmp_path: Path) -> None:
    assert bj.invoice.kind in faq_answer(bj, "invoice")
    transfer = faq_answer(bj, "account_transfer")
    for document in bj.account_transfer.documents:
        assert document in transfer
    edited = modified(
        tmp_path,
        "beijing",
        {
            "invoice": {"kind": "纸质发票", "special": ""},
            "account_transfer": {"documents": ["购房合同"], "conditions": ""},
        },
    )
    assert "纸质发票" in faq_answer(edited, "invoice")
    assert faq_answer(edited, "invoice").count("。") == 2  # an empty `special` adds no sentence
    assert "购房合同" in faq_answer(edited, "account_transfer")


def test_late_fee(bj: Policy, tj: Policy, tmp_path: Path) -> None:
    beijing = faq_answer(bj, "late_fee")
    assert "12月31日" in beijing and "次年1月1日" in beijing and "合同" in beijing
    assert "‰" not in beijing  # no rate is invented for Beijing
    tianjin = faq_answer(tj, "late_fee")
    assert "2‰" in tianjin and "次年1月1日" in tianjin and tj.company.hotline in tianjin
    edited = modified(tmp_path, "tianjin", {"late_fee": {"daily_rate": 0.0015, "grace_days": 9}})
    answer = faq_answer(edited, "late_fee")
    assert "1.5‰" in answer and "次年1月10日" in answer


def test_room_temp_standard(bj: Policy, tj: Policy, tmp_path: Path) -> None:
    beijing = faq_answer(bj, "room_temp_standard")
    assert "18℃" in beijing and "16℃" in beijing and "-9℃至-7℃" in beijing
    assert "6小时内" in beijing and "24小时内未修复" in beijing
    tianjin = faq_answer(tj, "room_temp_standard")
    assert "18℃" in tianjin and "16℃" not in tianjin and "24小时内上门测温" in tianjin
    edited = modified(
        tmp_path, "tianjin", {"room_temp_complaint": {"measure_hours": 12, "fix_hours": 36}}
    )
    assert "12小时内上门测温，36小时内处理" in faq_answer(edited, "room_temp_standard")


def test_stop_heating_policy(bj: Policy, tmp_path: Path) -> None:
    answer = faq_answer(bj, "stop_heating_policy")
    assert "11月14日" in answer and "30%" in answer and "3个工作日" in answer
    edited = modified(
        tmp_path,
        "beijing",
        {"stop_heating": {"base_fee_share": None, "apply_deadline": "10-31"}},
    )
    answer = faq_answer(edited, "stop_heating_policy")
    assert "按当地规定" in answer and "10月31日" in answer and "%" not in answer


def test_hotline(bj: Policy, tj: Policy, tmp_path: Path) -> None:
    answer = faq_answer(bj, "hotline")
    assert bj.company.hotline in answer and "演示" in answer and "工作证" in answer
    assert tj.company.hotline in faq_answer(tj, "hotline")
    edited = modified(
        tmp_path, "beijing", {"company": {"hotline": "96069", "demo": False, "name": "京暖热力"}}
    )
    answer = faq_answer(edited, "hotline")
    assert "96069" in answer and "京暖热力" in answer and "演示" not in answer


def test_heat_metering(bj: Policy, tj: Policy, tmp_path: Path) -> None:
    answer = faq_answer(bj, "heat_metering")
    assert "12元" in answer and "0.16元" in answer and "多退少补" in answer
    assert "7.5元" in faq_answer(tj, "heat_metering")
    edited = modified(tmp_path, "beijing", {"metering": {"available": False}})
    assert "暂未开通" in faq_answer(edited, "heat_metering")
    assert "热计量" not in faq_answer(edited, "fee_standard")


def test_answers_differ_where_cities_differ(bj: Policy, tj: Policy) -> None:
    for key in ("late_fee", "room_temp_standard", "fee_standard", "hotline", "heat_metering"):
        assert faq_answer(bj, key) != faq_answer(tj, key), key


def test_refund_policy_text(bj: Policy, tj: Policy) -> None:
    beijing = refund_policy_text(bj)
    assert "不足2℃退40%" in beijing
    assert "2℃（含）至4℃退60%" in beijing
    assert "4℃及以上退100%" in beijing
    tianjin = refund_policy_text(tj)
    assert "2℃及以内退10%" in tianjin
    assert "超过2℃至6℃（含）退50%" in tianjin
    assert "超过6℃退100%" in tianjin


def test_visit_notice_and_sms(bj: Policy) -> None:
    notice = visit_notice(bj, "BX202611270003", "明天上午8点到12点")
    assert "BX202611270003" in notice and "明天上午8点到12点" in notice and "工作证" in notice
    assert sms_signed(bj, "您的报修已受理。") == "【示例热力】您的报修已受理。"


def test_refund_answer_quotes_each_citys_tiers_and_the_measurement(
    bj: Policy, tj: Policy, tmp_path: Path
) -> None:
    beijing = faq_answer(bj, "refund")
    assert "24小时内未修复" in beijing
    assert (
        "不足2℃退40%" in beijing and "2℃（含）至4℃退60%" in beijing and "4℃及以上退100%" in beijing
    )
    assert "申请测温" in beijing
    tianjin = faq_answer(tj, "refund")
    assert "2℃及以内退10%" in tianjin and "超过6℃退100%" in tianjin
    edited = modified(tmp_path, "beijing", {"refund": {"not_fixed_within_hours": 48}})
    assert "48小时内未修复" in faq_answer(edited, "refund")
