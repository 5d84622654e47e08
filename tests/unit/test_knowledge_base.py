"""The self-help knowledge base (bot/policy/knowledge): topics per city, policy values filled in,
every answer naming a next step, strict loading, and agreement with the NLU data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from bot.contract import ALL_FAQ_KEYS, FAQ_KEYS
from bot.policy import faq_answer, load_policy
from bot.policy.knowledge import (
    FACETS,
    KNOWLEDGE_DIR,
    MAX_ANSWER_CHARS,
    KnowledgeError,
    load_knowledge,
    read_knowledge,
)
from bot.policy.model import Policy

ROOT = Path(__file__).resolve().parents[2]
CITIES = ("beijing", "tianjin")
#: What an answer may point to next: a hall, a message to send the bot, or a phone number.
NEXT_STEP = re.compile(r"营业厅|“[^”]+”|\d{3}-\d{3}-\d{4}|12345")


@pytest.fixture(params=CITIES)
def policy(request: pytest.FixtureRequest) -> Policy:
    return load_policy(request.param)


def test_each_city_has_at_least_forty_topics_including_every_faq_key(policy: Policy) -> None:
    kb = read_knowledge(policy)
    assert len(kb.topics) >= 40
    assert set(ALL_FAQ_KEYS) <= set(kb.topics)  # the contract's keys keep their names


def test_every_answer_is_filled_in_fits_a_bubble_and_names_a_next_step(policy: Policy) -> None:
    kb = read_knowledge(policy)
    for key in kb.topics:
        text = kb.answer(key)
        assert "{" not in text and "}" not in text, key
        assert " " not in text, f"{key}: a folded line left a space: {text}"
        assert len(text) <= MAX_ANSWER_CHARS, key
        assert NEXT_STEP.search(text), f"{key} names no hall, hotline or message: {text}"
        assert kb.title(key) and len(kb.title(key)) <= 12  # a button's text


def test_policy_values_differ_by_city_in_the_answers() -> None:
    beijing = read_knowledge(load_policy("beijing"))
    tianjin = read_knowledge(load_policy("tianjin"))
    # 测温 within 6 h in Beijing, 24 h in Tianjin; each company's own hotline
    assert "6小时内" in beijing.answer("room_temp_measurement")
    assert "24小时内" in tianjin.answer("room_temp_measurement")
    assert "400-000-0000" in beijing.answer("payment_not_posted")
    assert "400-000-0001" in tianjin.answer("payment_not_posted")
    # a city's own texts (values)
    assert "北京市" in beijing.answer("hardship_subsidy")
    assert "天津市" in tianjin.answer("hardship_subsidy")
    # the 报停 deadline and working days come from the policy file
    stop = load_policy("beijing").stop_heating
    documents = beijing.answer("stop_heating_documents")
    assert stop.apply_deadline.zh() in documents
    assert f"{stop.process_working_days}个工作日" in documents


def test_an_edited_policy_value_changes_the_answer_without_touching_the_knowledge_files() -> None:
    beijing = load_policy("beijing")
    later = beijing.copy(update={"leak": beijing.leak.copy(update={"on_site_hours": 2})})
    assert "1小时内到场" in read_knowledge(beijing).answer("upstairs_leak")
    assert "2小时内到场" in read_knowledge(later).answer("upstairs_leak")


def test_the_old_faq_keys_still_give_the_policy_built_answers(policy: Policy) -> None:
    kb = read_knowledge(policy)
    for key in FAQ_KEYS:
        assert kb.answer(key).startswith(faq_answer(policy, key)), key


def test_load_knowledge_reads_once_per_policy_object(policy: Policy) -> None:
    assert load_knowledge(policy) is load_knowledge(policy)
    assert load_knowledge(policy.copy()) is not load_knowledge(policy)


def _kb_dir(tmp_path: Path, answer: str, city: dict[str, object] | None = None) -> Path:
    common = yaml.safe_load((KNOWLEDGE_DIR / "common.yml").read_text(encoding="utf-8"))
    common["topics"] = {"radiator_bleeding": {"title": "暖气片放气", "answer": answer}}
    (tmp_path / "common.yml").write_text(yaml.safe_dump(common, allow_unicode=True), "utf-8")
    if city is not None:
        (tmp_path / "beijing.yml").write_text(yaml.safe_dump(city, allow_unicode=True), "utf-8")
    return tmp_path


def test_a_company_edits_an_answer_in_yaml_with_placeholders(tmp_path: Path) -> None:
    directory = _kb_dir(tmp_path, "放气请拨{hotline}，{company}{hotline_hours}。")
    kb = read_knowledge(load_policy("beijing"), directory)
    assert kb.answer("radiator_bleeding") == "放气请拨400-000-0000，北京示例热力公司24小时服务。"


def test_a_city_file_replaces_an_answer_and_sets_values(tmp_path: Path) -> None:
    city = {
        "values": {"tool": "放气钥匙"},
        "answers": {"radiator_bleeding": "用{tool}，或到营业厅领。"},
    }
    directory = _kb_dir(tmp_path, "拨{hotline}。", city)
    assert read_knowledge(load_policy("beijing"), directory).answer("radiator_bleeding") == (
        "用放气钥匙，或到营业厅领。"
    )
    # the other city has no file of its own: the common answer
    assert read_knowledge(load_policy("tianjin"), directory).answer("radiator_bleeding") == (
        "拨400-000-0001。"
    )


@pytest.mark.parametrize(
    ("answer", "city", "message"),
    [
        ("请拨{hotlin}。", None, "unknown placeholder hotlin"),
        ("自己放气就行。", None, "must say where to go next"),
        ("拨{hotline}。" + "很长" * MAX_ANSWER_CHARS, None, "characters"),
        ("拨{hotline}。", {"answers": {"no_such_topic": "拨{hotline}"}}, "unknown topic"),
        ("拨{hotline}。", {"answer": {}}, "unknown sections"),
    ],
)
def test_mistakes_in_a_knowledge_file_stop_the_start_naming_the_topic(
    tmp_path: Path, answer: str, city: dict[str, object] | None, message: str
) -> None:
    with pytest.raises(KnowledgeError, match=message):
        read_knowledge(load_policy("beijing"), _kb_dir(tmp_path, answer, city))


def test_every_topic_has_nlu_questions_and_every_faq_key_in_the_data_a_topic() -> None:
    data = load_data(str(ROOT / "data" / "nlu"))
    counts: dict[str, int] = {}
    for example in data.intent_examples:
        full = example.get("intent_response_key") or ""
        if full.startswith("faq/"):
            counts[full[4:]] = counts.get(full[4:], 0) + 1
    topics = set(read_knowledge(load_policy("beijing")).topics)
    assert set(counts) == topics
    assert min(counts.values()) >= 10, sorted(counts.items(), key=lambda kv: kv[1])[:3]
    # Rasa's retrieval format wants a response per key (domain.yml or data/nlu)
    responses = set(data.responses) | set(
        yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    )
    assert {f"utter_faq/{key}" for key in topics} <= responses


def test_every_facet_and_unknown_line_is_filled_in_fits_a_bubble_and_names_a_next_step(
    policy: Policy,
) -> None:
    kb = read_knowledge(policy)
    for key in kb.topics:
        for facet in FACETS:
            text = kb.follow_up(key, facet)
            assert "{" not in text and "}" not in text, (key, facet)
            assert " " not in text, f"{key} {facet}: a folded line left a space: {text}"
            assert len(text) <= MAX_ANSWER_CHARS, (key, facet)
            assert NEXT_STEP.search(text), f"{key} {facet} names no next step: {text}"


def test_the_follow_ups_of_the_findings_carry_the_policy_values() -> None:
    """R6 and R7 (docs/knowledge-base.md, "Follow-ups"): where to apply for the subsidy, what a
    开栓 costs, how long a 过户 takes, where the e-invoice is."""
    beijing, tianjin = (read_knowledge(load_policy(city)) for city in CITIES)
    assert "社会救助窗口" in beijing.follow_up("hardship_subsidy", "where")
    assert "社区服务中心" in tianjin.follow_up("hardship_subsidy", "where")  # the city's own
    assert "每平方米24元" in beijing.follow_up("new_home_activation", "cost")
    assert "当场办结" in beijing.follow_up("account_transfer", "duration")
    stop = load_policy("beijing").stop_heating
    days = f"{stop.process_working_days}个工作日"
    assert days in beijing.follow_up("stop_heating_policy", "duration")
    assert "邮件里下载" in beijing.follow_up("invoice", "where")
    # a facet the topic does not know: said so, and where to ask
    assert "400-000-0000" in beijing.follow_up("heating_season", "cost")
    assert beijing.facet("heating_season", "cost") is None


def test_a_city_file_replaces_a_facet(tmp_path: Path) -> None:
    common = yaml.safe_load((KNOWLEDGE_DIR / "common.yml").read_text(encoding="utf-8"))
    (tmp_path / "common.yml").write_text(yaml.safe_dump(common, allow_unicode=True), "utf-8")
    city = {"facets": {"account_transfer": {"duration": "过户当天办结，详询{hotline}。"}}}
    (tmp_path / "beijing.yml").write_text(yaml.safe_dump(city, allow_unicode=True), "utf-8")
    kb = read_knowledge(load_policy("beijing"), tmp_path)
    assert kb.follow_up("account_transfer", "duration") == "过户当天办结，详询400-000-0000。"
    assert kb.facet("account_transfer", "cost") is not None  # the others stay


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["topics"]["invoice"].update(facets={"colour": "x营业厅"}), "unknown facet"),
        (lambda d: d["topics"]["invoice"].update(facets={"cost": "不收费"}), "where to go next"),
        (lambda d: d["facet_unknown"].pop("cost"), "facet_unknown"),
        (lambda d: d["topics"]["invoice"].update(facets={"cost": "{nope}营业厅"}), "nope"),
    ],
)
def test_mistakes_in_facets_stop_the_start(tmp_path: Path, change: Any, message: str) -> None:
    common = yaml.safe_load((KNOWLEDGE_DIR / "common.yml").read_text(encoding="utf-8"))
    change(common)
    (tmp_path / "common.yml").write_text(yaml.safe_dump(common, allow_unicode=True), "utf-8")
    with pytest.raises(KnowledgeError, match=message):
        read_knowledge(load_policy("beijing"), tmp_path)
