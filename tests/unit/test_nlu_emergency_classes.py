"""The emergency detector's lexicons, combination rules, person score and discount classes.

One test per class (bot/nlu/emergency.py's docstring lists them): each combines words of its
lexicons in wordings no example set holds, and each discount class is shown on both sides — the
message it drops and a close one it keeps — so a test fails when a lexicon entry, a combination
rule, a weight or a discount breaks, not only when one sentence does.
"""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.evaluation.emergency import load_cases, measure
from bot.nlu.emergency import (
    Emergency,
    Kind,
    detect_emergency,
    emergency_from,
    names_only_a_main_burst,
)


def _kind(text: str) -> Kind | None:
    found = detect_emergency(text)
    return found.kind if found else None


# ------------------------------------------------------------------------------ water: rules


@pytest.mark.parametrize(
    "part", ["暖气片", "暖气管子", "阀门", "接头", "分水器", "地暖管", "回水管"]
)
@pytest.mark.parametrize("verb", ["漏", "渗", "滋", "呲", "喷"])
def test_a_heating_part_with_an_escaping_verb_is_water(part: str, verb: str) -> None:
    assert _kind(f"{part}那儿{verb}得厉害") == "water"
    assert _kind(f"家里{part}一直在{verb}") == "water"


@pytest.mark.parametrize("part", ["暖气片", "暖气管道", "放气阀", "立管", "丝堵"])
@pytest.mark.parametrize("broke", ["爆了", "裂了", "崩开了", "破了个洞", "断了", "胀裂了"])
def test_a_heating_part_that_breaks_is_water(part: str, broke: str) -> None:
    assert _kind(f"{part}{broke}") == "water"


@pytest.mark.parametrize("verb", ["漏", "冒", "渗", "滋", "飙", "跑", "喷"])
@pytest.mark.parametrize("water", ["水", "热水", "暖气水"])
def test_an_escaping_verb_with_water_is_water(verb: str, water: str) -> None:
    assert _kind(f"屋里{verb}{water}了") == "water"


@pytest.mark.parametrize(
    "text",
    [
        "水从楼上顺着墙下来了",  # water moving: 从 … 下来
        "水一个劲儿地往外冒",
        "楼梯间一大片热水",  # place + volume + water
        "客厅满地都是暖气水",
        "车库的水没过脚面了",  # a flood's depth
        "接了好几盆了 还在出",  # water collected
        "单元门口白汽一直往外冒",  # steam
        "这暖气一直滴答滴答 停不下来",  # a drip going on (not its sound: 滴答滴答响)
        "4楼漏到3楼了",  # 漏 reaching somewhere
        "阀门坏了 拧不上 水止不住",  # a valve that will not close
    ],
)
def test_water_seen_moving_collected_or_unstoppable_is_water(text: str) -> None:
    assert _kind(text) == "water"


# --------------------------------------------------------------------------------- gas: rules


@pytest.mark.parametrize(
    "text",
    [
        "楼道里一股液化气的味儿",  # gas word + smell
        "屋里有股怪味 像烧橡胶",  # a smell likened to burning, across a space
        "一股子焦糊味儿",
        "暖气片上烤的毛巾着了",  # something by the heating caught fire
        "电热毯那儿冒着烟",  # electric + smoke
        "排插烧了 有火星子",
        "烟雾报警器一直在叫",  # an alarm going off
        "壁挂炉那边嘶嘶地漏气",  # 漏气 with a gas appliance
        "暖气罩里面着起来了",
    ],
)
def test_gas_words_burning_smells_smoke_and_fire_are_gas(text: str) -> None:
    assert _kind(text) == "gas"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a flue that fails sends a stove's or a boiler's fumes indoors
        ("锅炉的排烟管松脱了 屋里有股味", "gas"),
        ("煤炉子倒烟 呛得慌", "gas"),
        # smoke filling a place where people are, not smoke outdoors
        ("走廊里烟越来越浓", "gas"),
        ("今天外面烟很大 空气真差", None),
        # insulation that burns is no false friend; insulation that is torn is
        ("暖气管外面的保温层冒烟了", "gas"),
        ("暖气管保温层破了 能换吗", None),
        # an odd smell by a gas appliance, unless the appliance is new
        ("壁挂炉那儿有股怪味", "gas"),
        ("新买的壁挂炉有股怪味", None),
        ("卫生间有股怪味", None),
        # a negation before the gas word, however far the smelling began
        ("闻了半天 没闻到什么燃气味", None),
        ("闻了半天 好像有燃气味", "gas"),
        # a habit is a complaint
        ("小区锅炉天天冒黑烟 能不能管管", None),
        ("锅炉房突然冒黑烟", "gas"),
        # cooking, and the dust a radiator burns off when the heating first comes on
        ("谁家炝锅 呛得我直咳嗽", None),
        ("楼道里呛得直咳嗽 不知道哪来的烟", "gas"),
        ("刚来暖 暖气片上的灰尘有股焦味", None),
        ("暖气片后面有股焦味", "gas"),
        # smoke dispersed settles it; a light going out is no fire put out
        ("插座冒了一下烟 现在散了", None),
        ("插座冒烟了", "gas"),
        ("楼上漏水 顺着灯往下滴 灯灭了", "water"),
    ],
)
def test_flues_indoor_smoke_appliance_smells_and_what_is_innocent(
    text: str, kind: Kind | None
) -> None:
    assert _kind(text) == kind


# ----------------------------------------------------------------------- person: the score


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # crying counts for someone frail only: 1 + frail 1 + put down to cold 1
        ("婴儿冻得直哭", "person"),
        ("二宝才百天 冻得一直哭", "person"),
        ("冷得我都想哭 暖气什么时候修", None),
        ("冷得我直哭 头晕", None),  # an adult's tears are no sign: dizzy 1 + cold 1
        ("家里冷 孩子在哭", "person"),  # frail x a sign x cold (the product, 2026-12-07)
        # shivering: 1, or 2 for someone frail
        ("冻得我直哆嗦", None),  # 1 + 1
        ("屋里冷 奶奶一直在发抖", "person"),  # 2 + 1
        ("冷得浑身发抖 停不下来 头晕", "person"),  # 1 + 1 + 1
        # the graver signs weigh 2
        ("老爷子冻得说话大舌头了", "person"),
        ("屋里太冷 冻得我说话都不利索了", "person"),  # 2 + put down to cold 1
        ("家里冷 我爸血压上来了", "person"),  # 2 + frail 1
        ("老太太家暖气停了 敲门半天没人应", "person"),  # no answer 2 + frail 1
        ("孩子一直打蔫 小脸煞白 屋里就13度", "person"),  # 1 + 1 + frail 1
        # an illness caught from the cold weighs 3
        ("孩子冻病了 你们管不管", "person"),
        ("停暖两天 我感冒发烧了", "person"),
        # pregnancy warning signs, and a body giving up, count for the frail
        ("我怀孕八个月 家里冷 肚子一阵一阵发紧", "person"),
        ("透析病人 家里冷 身体扛不住了", "person"),
        ("家里冷 我身体扛不住了", None),
    ],
)
def test_signs_in_the_cold_are_scored_against_three(text: str, kind: Kind | None) -> None:
    assert _kind(text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # more words for the grave signs: eyes that stare or roll, a body that does not move, a
        # temperature falling, convulsions in dialect
        ("屋里冰凉 我姥爷眼神发直", "person"),  # confusion 2 + frail 1
        ("家里没暖气 奶奶躺床上一动不动", "person"),  # cannot move 2 + frail 1
        ("屋里就八度 瘫痪的老伴体温一直在降", "person"),  # a cold body 2 + frail 1
        ("我家老太太冻得直抽抽", "person"),  # cramp 1 + frail 1 + put down to cold 1
        # someone frail who fainted (晕了) is acute; an adult dazed by a bill is not
        ("暖气停了 我爸突然晕了", "person"),
        ("看这账单我都晕了 暖气也不热", None),
        ("no heat since yesterday, grandma is cold and barely moving", "person"),
        ("heating is off and my dad fainted", "person"),
        # a common cold is a sign for someone frail only; an adult's is a complaint
        ("暖气坏了两天 我感冒了 嗓子疼", None),
        ("暖气坏了两天 宝宝着凉了", "person"),  # 2 for the frail + frail 1
        # a chronic condition is one more point of risk, not a sign: with no sign, nothing
        ("屋里冷 我爸有心脏病 说头有点晕", "person"),  # dizzy 1 + frail 1 + condition 1
        ("屋里冷 我爸说头有点晕", "person"),  # frail x a sign x cold
        ("我爸血压高 屋里冷 暖气什么时候来", None),
        ("家里冷 我爸血压一下子上去了", "person"),  # blood pressure rising now: a sign
    ],
)
def test_more_signs_and_the_risk_of_a_chronic_condition(text: str, kind: Kind | None) -> None:
    assert _kind(text) == kind


def test_the_signs_must_come_with_cold() -> None:
    assert _kind("孩子发烧39度 师傅能不能晚点来") is None  # 39度 is a fever, not a room
    assert _kind("孩子发烧了 屋里才12度") == "person"
    assert _kind("我奶奶八十五岁 暖气坏了三天 浑身发抖 嘴唇发紫") == "person"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # signs scored by fumes are carbon monoxide: gas since issue 16's seventh round (the
        # fifth to seventh writers' kind; the first aid is the poisoning one either way)
        ("家里生着炉子 我头晕恶心", "gas"),  # signs + fumes
        ("一家人都头疼犯困", "gas"),  # 2 signs + several people
        ("煤炉子烧着 老人头疼", "gas"),  # frail x a sign x fumes
        ("头疼 你们这个APP太难用了", None),
        ("老人让煤气熏着了", "person"),  # acute, in dialect
    ],
)
def test_signs_of_fumes_score_with_a_stove_or_several_people(text: str, kind: Kind | None) -> None:
    assert _kind(text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("孩子碰了暖气管 烫了手 一直哭", "person"),
        ("热水溅到孩子腿上 起了泡", "person"),
        ("被热水浇了一手 皮都掉了", "person"),
        ("洗澡的时候热水喷了一身 挺舒服", None),  # a splash with no injury
        ("暖气片棱角太尖 孩子磕了个包 能装护角吗", None),  # touching is not hurting
        ("暖气片倒了 砸到我妈脚了", "person"),
        ("邻居打了120 老人冻得不行", "person"),  # an ambulance called
        ("老人冻得发抖 应该打120还是找你们", "person"),  # …or asked about: the signs count
    ],
)
def test_injuries_by_the_heating_and_acute_danger(text: str, kind: Kind | None) -> None:
    assert _kind(text) == kind


def test_an_angry_complaint_counts_only_with_someone_at_risk() -> None:
    """From whole conversations (issue 16): anger about a cold home is a complaint, unless a
    person in it is suffering from the cold."""
    angry = "你们到底干什么吃的！暖气三天不热了 冻死了 冷得要命 再不修我就投诉"
    assert _kind(angry) is None
    assert _kind(angry + " 婴儿冻得直哭") == "person"
    assert _kind(angry + " 孩子都冻病了") == "person"


# ------------------------------------------------------------------------ text preparation


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("lao ren dong yun le", "person"),  # pinyin without characters
        ("nuanqiguan bao le kuai lai", "water"),
        ("mei qi xie lou le", "gas"),
        ("暖气lou水了", "water"),  # one syllable between characters
        ("暧气漏水", "water"),  # IME typos of the domain's words
        ("伐门关不上 一直流水", "water"),
        ("报管了 水很大", "water"),
        ("家里有股天然汽味", "gas"),
        ("暖气跑谁了", "water"),  # voice input's 谁 for 水
        ("我妈冻得最唇发紫 一直多嗦", "person"),
        ("nq pian lie le", "water"),  # initials for the domain's words: nq 暖气, mq 煤气, rq 燃气
        ("厨房rq味好冲", "gas"),
        ("MQ xie lou le", "gas"),
    ],
)
def test_pinyin_typos_and_homophones_are_read_as_the_words(text: str, kind: Kind) -> None:
    assert _kind(text) == kind


def test_english_is_not_read_as_pinyin() -> None:
    assert _kind("pipe burst in the kitchen") == "water"
    assert _kind("bu re") is None  # 不热: read, and no emergency
    assert _kind("ok 谢谢") is None


def test_a_pinyin_question_reads_as_one() -> None:
    """ma? is 吗, so a stop's guessed cause typed in pinyin is discounted as in characters."""
    assert _kind("guandao po le ma? weishenme ting nuan le") is None
    assert _kind("guandao po le, shui hen da") == "water"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("steam is coming out of the valve in the hallway", "water"),
        ("the heating pipe under the sink split, please hurry", "water"),
        ("water streaming down the wall from upstairs", "water"),
        ("in case a radiator leaks, who do I call?", None),  # hypothetical, to its sentence's start
        ("if the pipes burst, is it covered?", None),
        ("water spraying everywhere. come if you can", "water"),  # an if after the report
    ],
)
def test_english_escaping_water_and_its_hypothetical(text: str, kind: Kind | None) -> None:
    assert _kind(text) == kind


# -------------------------------------------------------------------------- discount classes


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # negated, right before the core word
        ("孩子没烫着 就是吓一跳", "孩子烫着了 手红了"),
        # hypothetical, conditional or asked ahead
        ("遇到跑水应该先关哪个阀门", "跑水了 应该先关哪个阀门"),
        ("暖气片漏水的话 自己能换吗", "暖气片漏水了 快来"),
        ("管道包起来了 以后漏了是不是不好修", "开栓以后暖气片漏得厉害"),
        ("跑水了找谁 先问一下备用", "跑水了 快来人"),
        # to come
        ("这温度要把人冻出病来了", "这温度把人冻出病来了"),
        # a past frame, until something present
        ("去年冬天我家爆管 把楼下泡了 赔偿一直没说法", "去年爆过管 现在又漏了"),
        ("楼上暖气漏水那事 墙皮被泡了 谁负责刷", "楼上暖气漏水 墙皮被泡了 还在滴"),
        # hearsay, until the writer's own home
        ("看电视说有个地方管道爆了 水淹到一楼", "新闻说西区爆管了 我家现在也在冒水"),
        ("听邻居说他家暖气漏水了", "邻居说我家暖气漏水了 漏到他家了"),
        # a general enquiry, unless it is happening
        ("请问暖气片漏水了是找物业还是找你们", "暖气片漏水了 快来 是找你们吧"),
        ("师傅上门修漏水 收了我200 合理吗", "暖气漏水 一地都是 收费也行 快来"),
        # a guessed cause of what the writer noticed, with no water seen
        ("是不是哪里管道破了 怎么今天暖气突然凉了", "是不是管道破了 楼道全是水 暖气也凉了"),
        ("水表一直在转 是不是哪里漏水", "水表一直在转 暖气片底下一摊水"),
        # another trade's water, unless a heating part leaks
        ("洗衣机漏水 地上全是水", "洗衣机旁边的暖气管爆了"),
        ("暖气片上晾的毛巾一直滴水", "暖气片一直滴水"),
        ("楼上卫生间渗水 跟暖气没关系", "不知道是不是暖气漏水 地板缝里往外冒水"),
        # a stuck valve while nothing leaks
        ("入户阀门关不严 但是没漏 能换吗", "入户阀门关不严 水一直流"),
        # water that can wait, or is old
        ("暖气片有点渗 不着急 有空来看看", "暖气片渗水 快来"),
        ("单元门口有一滩水 结冰了", "单元门口暖气管漏了一滩水 结冰了"),
        ("井盖冒白气 物业说是正常的", "井盖一直冒白气"),
        # a habit, not now
        ("这几年暖气管子老跑水 什么时候改造", "暖气管子老跑水 现在又跑了"),
        ("冬天到了 老人总是感冒 跟暖气不热有关系吗", "暖气不热 老人冻感冒了"),
        # anger, not illness or fire
        ("快被你们气得喘不过气了", "老伴喘不过气了 屋里冷"),
        ("等你们回复 我都急冒烟了", "暖气罩里冒烟了"),
        # innocent smoke, unless ruled out by the writer
        ("楼下烧烤 烟都飘到我家了", "开始以为是楼下做饭 现在焦糊味越来越大"),
        # a gas leak guessed from a bill
        ("燃气费怎么这么多 是不是漏气了", "燃气费怎么这么多 屋里还有股燃气味"),
        # resolved or taken back after
        ("暖气片上烤的袜子有点糊味 拿下来了", "暖气片上烤的袜子有股糊味"),
        ("冷得我都发烧了 哈哈 开玩笑的", "冷得我都发烧了"),
        ("阀门那里滴了两滴 我拧紧就好了", "阀门那里一直在滴"),
    ],
)
def test_each_discount_class_drops_its_message_and_keeps_a_close_one(
    dropped: str, kept: str
) -> None:
    assert detect_emergency(dropped) is None, dropped
    assert detect_emergency(kept) is not None, kept


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # small and contained (a bowl under it), or contained and asked for later; urgency wins
        ("暖气片有点渗 我放了个碗接着", "暖气片有点渗 我放了个碗接着 快来"),
        ("管子漏水 我把总阀关了 明天来修就行", "管子漏水 我把总阀关了 地上还是全是水"),
        ("阀门渗了点水 不要紧", "阀门渗水 不要紧吧 赶紧来看看"),
        # dampness the writer says does not drip
        ("暖气片接口湿乎乎的 没滴水", "暖气片接口湿乎乎的"),
        # the writer's own home is fine
        (
            "楼下问是不是我们暖气漏的 我家暖气挺好的",
            "楼下问是不是我们暖气漏的 我一看暖气片底下全是水",
        ),
        # the company's repair of a main, known from its notice; a leak of one's own still counts
        ("看到管网抢修的通知了 爆管啥时候修完", "看到抢修通知了 可我家暖气片也在漏水"),
        # aftermath: damage, a claim, a certificate — unless it still leaks
        ("前年暖气漏水泡坏了地板 保险公司要证明", "暖气漏水泡了地板 还在漏 保险能赔吗"),
        # an event both sides know of (那个爆管), unless it is going on again
        ("昨天那个爆管修完没有", "昨天那个爆管又冒水了"),
        # a past time said after the event
        ("暖气片爆裂是去年冬天的事了", "暖气片爆裂了 去年冬天也爆过"),
        # a leak to come
        ("管子锈透了 早晚得漏", "管子锈透了 已经漏了"),
        # the tap water's pipes (mis-009); a heating pipe in the same room counts
        ("凉水管漏了 你们管吗", "暖气水管漏了 快来"),
        ("厨房的水管漏了 这个找你们吗", "厨房的暖气管漏了"),
        # a valve that will not turn while the writer wants it turned down, not closed (mis-045)
        ("阀门拧不动 想调小都关不了", "阀门拧不动 关不上 水一直滋"),
        # a sound inside the radiator, a leak only guessed
        ("暖气片里咕噜咕噜响 是不是漏了", "暖气片里咕噜咕噜响 底下一摊水"),
        # settled, in the written style (已处理好), not asked about
        ("漏水已处理好 谢谢师傅", "漏水处理好了吗 还在滴"),
    ],
)
def test_the_water_discount_classes_drop_and_keep(dropped: str, kept: str) -> None:
    assert detect_emergency(dropped) is None, dropped
    assert detect_emergency(kept) is not None, kept


def test_the_probes_written_while_building_the_classes_still_hold() -> None:
    """tests/nlu/emergency_cases_dev_probes.yml: batches in new voices, each scored before
    the rules were extended for it (the figures are in the file); now every one is right."""
    score = measure(load_cases(PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_dev_probes.yml"))
    assert (score.emergencies, score.non_emergencies) == (1059, 971)
    assert score.recall == 1.0 and score.false_alarm_rate == 0.0
    # kinds: signs scored by fumes (a stove, a boiler, a smell, several people) with no acute
    # sign are carbon monoxide, named gas since issue 16's seventh round as batches 8-11 and the
    # fifth to seventh writers named them; batches 1-7 wrote them as the person's (the first aid
    # is the same: fresh air and 120), so only those differ
    wrong = {(o.case.text, o.found_kind) for o in score.wrong_kinds}
    assert ("家里一股煤烟味 全家都头晕 孩子吐了", "gas") in wrong
    assert all(
        kind == "gas" and any(w in text for w in ("炉", "煤", "燃气", "都", "全家"))
        for text, kind in wrong
    ), wrong


def test_a_long_unpunctuated_paste_still_reports_its_danger() -> None:
    """Voice input runs on without punctuation: a clause reaches only so far, and the danger is
    still found (how fast: bench/long_inputs.py, make bench-text)."""
    for text in ("总阀关不上" * 2000, "我家老人冻得说胡话" * 1000, "暖气漏水了吗？" * 1500):
        assert detect_emergency(text) is not None


# ------------------------------------------- fifth set's classes (2026-12-07), in new sentences


@pytest.mark.parametrize(
    "text",
    [
        # who (frail) x what (any sign, however mild its word) x why now (cold)
        "我家老人一个人在家 屋里就12度 老人说头晕",
        "姥爷在家说心里发慌 暖气一直不热",
        "屋里十一度 闺女咳个不停",
        "我爸有糖尿病 家里冷 他说眼前发黑",
        # cannot get warm is a sign of its own
        "我爸七十多了 家里冷 他说怎么都暖和不过来",
    ],
)
def test_someone_frail_with_any_sign_in_the_cold_is_a_person_at_risk(text: str) -> None:
    assert _kind(text) == "person"


def test_someone_frail_with_a_sign_by_fumes_is_poisoned() -> None:
    """…or by fumes: a coal stove and an old woman with a headache (gas, cause poisoning)."""
    found = detect_emergency("屋里点着炭盆取暖 奶奶说头疼")
    assert found is not None and (found.kind, found.cause) == ("gas", "poisoning")


@pytest.mark.parametrize(
    "text",
    [
        "我们家老人怕冷，暖气能不能烧热点",  # frail and cold, no sign
        "我头有点晕 暖气不热 怎么回事",  # a sign and cold, nobody frail
        "孩子感冒好了 暖气也热了 谢谢",  # frail and a sign, settled, no cold
        "家里有老人 冷得不行 能不能优先",  # 冷得不行 says how cold, not how the person is
    ],
)
def test_the_product_needs_all_three(text: str) -> None:
    assert _kind(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "我姥姥冻得打抖抖 屋里冰凉",  # dialect shivering
        "阿婆喺屋企冻到震 暖气唔热",  # Cantonese: grandma shivering at home
        "屋里冷 老妈发斗 嘴唇都发白了",  # 发斗 typed for 发抖
        "我出差在外地 我爸一个人在家 暖气不热 说话都含糊了",  # 外地 is the writer, 在家 the risk
        "孩子刚满月 屋里冷 体温一直上不去",
        "八十多的老太太 家里冷 腿疼得下不了床",
        "ye ye dong de fa dou, zui chun zi le",  # pinyin
    ],
)
def test_more_words_for_who_and_what(text: str) -> None:
    assert _kind(text) == "person"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a fall while dealing with a leak, with harm, is the person's
        ("我妈去关暖气阀 踩到水滑了一跤，爬不起来了", "person"),
        ("老头拖地上的暖气水摔倒了 胳膊好像折了", "person"),
        ("刚才滑了一跤 没事 暖气片还在滴水", "water"),  # no harm: the leak
        # a boiler whose smell reaches people: poisoning, named gas by a gas report
        ("壁挂炉开着 屋里有股味儿 我跟孩子都头疼", "gas"),
        ("炉子烧了一晚上 早上我俩都头晕 浑身没劲", "gas"),  # carbon monoxide: gas
        ("燃气壁挂炉那有煤气味 我有点恶心", "gas"),
        ("闻着像煤气 姥姥叫不醒", "person"),  # acute stays the person's
        # a plain smell by a gas appliance, and the initials for 煤气味 and 壁挂炉
        ("燃气表自己在转 灶也没开 屋里有股味", "gas"),
        ("家里mqw挺重的", "gas"),
        # water bursting out of a part wrenched off
        ("换垫子时把阀门拧掉了，水一下子冲出来", "water"),
    ],
)
def test_falls_fumes_initials_and_parts_wrenched_off(text: str, kind: Kind) -> None:
    assert _kind(text) == kind


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # an air vent hissing air is the vent doing its job; steam from a pipe is not
        ("放气阀一直在漏气 咝咝的", "暖气管接头漏气 白汽直冒"),
        # a dream is no report
        ("昨晚做梦梦到暖气片裂了", "昨晚暖气片裂了"),
        # slow and contained, asked for a working day
        ("暖气片底下滴水 很慢 垫了个抹布", "暖气片底下滴水 很快 地上一摊"),
        ("接头那滴了几滴水 我拧紧就没了", "接头滴水 我拧紧了还在滴"),
        # a colleague's building, a TV series
        ("朋友说他们小区有人闻到煤气味", "邻居说我们楼道有煤气味"),
        ("电视剧里管子爆了 好吓人", "客厅管子爆了 好吓人"),
        # a mark on the wall, dry
        ("暖气后面墙上一片水印子", "暖气后面墙上一片水"),
        # said not serious, come when free
        ("分水器有点渗 不严重 有空派人来", "分水器渗得厉害 快来"),
        # a question for research
        ("我在写论文 想了解供热公司如何应对爆管", "我家楼下爆管了 快来"),
        # a washing machine's inlet hose is another trade's
        ("洗衣机进水管爆了 归你们管吗", "暖气进水管爆了 归你们管吗"),
        # a smell met outdoors all over the estate is an emission complaint
        ("小区里走路都能闻到烟味 管管吧", "屋里有烟味 越来越浓"),
    ],
)
def test_the_fifth_sets_discount_classes_drop_and_keep(dropped: str, kept: str) -> None:
    assert _kind(dropped) is None
    assert _kind(kept) is not None


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # a harm warded off with the prohibitive 别: feared, nothing happened
        ("赶紧来把松了的暖气罩装牢 可别哪天掉下来砸伤孩子", "暖气罩掉下来砸伤孩子了 头上流血"),
        ("管子烫得很 你们给包一下 别再烫着我家小孙子", "管子太烫 我家小孙子手被烫起泡了"),
        ("快派人来看看 不然迟早出大事", "快派人来看看 阀门那一直在往外喷水"),
        # …while 特别, 别提 and a word to the listener leave a report alone
        ("特别吓人 刚才就这样", "别提多吓人了 暖气片裂开 热水直往外喷"),
        # a valve that will not close, with no water escaping, is a repair
        ("卧室那个暖气阀锈住了 关不上也调不动", "卧室那个暖气阀锈住了 关不上 一直在滴"),
        ("分户阀关不严实 想调小点", "分户阀关不严实 地上全湿了"),
        # …but calling for help at once, or the main valve, is read as water
        ("阀门关不上", "阀门关不上了 快来人啊"),
        ("阀门关不上", "总阀拧不死了"),
        # a part that holds no water broken or pulled off
        ("调温旋钮被孩子拧断了 暖气还热着", "阀门被孩子拧断了 热水哗哗往外冒"),
        ("阀门手柄碰掉了 能换一个吗", "阀门手柄碰掉了 下面在往外渗水"),
        # a hiss heard, no water or steam seen
        ("散热器里呲呲地响 半夜睡不好", "散热器接头呲呲往外冒热水"),
        ("暖气管一直哧哧响", "暖气管一直哧哧地冒白汽"),
    ],
)
def test_the_winter_conversations_false_alarm_classes_drop_and_keep(
    dropped: str, kept: str
) -> None:
    assert _kind(dropped) is None
    assert _kind(kept) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a main's burst named as an event: maybe the company's own repair (the caller checks)
        ("原来是主管道爆了 大概几点能来热", True),
        ("那就是爆管了呗 得等多久", True),
        ("和平里爆管三天了还不来热 什么效率", True),
        # water seen, a home or a place by it, a part of a home: a burst where people are
        ("我们家爆管了", False),
        ("单元门口爆管了 热水往外冒", False),
        ("暖气片爆了", False),
        ("楼下车库里爆管了", False),
        # no emergency at all
        ("什么时候来暖气", False),
    ],
)
def test_a_mains_burst_named_as_an_event_is_told_apart(text: str, expected: bool) -> None:
    assert names_only_a_main_burst(text) is expected


# ------------------------------------ the sixth set's classes, and four probe batches after it


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # typos of 爆 and 流, breaks in other words, a loose joint with water
        ("暖气片暴开了 水一直留", "water"),
        ("暖气管子折了 往外冒水", "water"),
        ("接头松了 水往外滋", "water"),
        # a part that runs or gives water
        ("分水器那儿流水了", "water"),
        ("暖气片那里一直出水", "water"),
        # water likened to a fountain or a fire hose, said of a part or a leak
        ("暖气接口那跟水枪似的", "water"),
        # a valve turned open that will not turn back
        ("放水阀拧开了拧不回去 水还在放", "water"),
        # water in a clause with what it does further on, a heating part named in the message
        ("水刷一下全出来了 暖气片那儿", "water"),
        ("卫生间暖气底下水越积越多", "water"),
        # a basin that cannot keep up; water dropping or dripping onto things from above
        ("拿桶接都接不过来 暖气片那", "water"),
        ("天花板往下掉水", "water"),
        ("楼上暖气漏的水滴到电视上了", "water"),
        # dialect: a radiator that wets itself
        ("这暖气片咋尿了 地上一滩", "water"),
    ],
)
def test_the_sixth_sets_water_classes(text: str, kind: Kind) -> None:
    assert _kind(text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a flue not led outdoors, exhaust or smoke drawn indoors, a boiler's own chimney
        ("烟道没接到外面 直接排到阳台了", "gas"),
        ("隔壁的废气都灌进我家厨房了", "gas"),
        ("烟都往屋里倒灌", "gas"),
        ("壁挂炉的烟囱堵了", "gas"),
        # smoke indoors in other words; stung eyes and throat
        ("屋里一股子烟 不知道哪来的", "gas"),
        ("卧室里烟雾缭绕", "gas"),
        ("屋里呛眼睛", "gas"),
        # smells likened without 味, a room full of a smell by a gas appliance, coal smoke
        ("闻着像臭鸡蛋", "gas"),
        ("壁挂炉旁边屋里都是味", "gas"),
        ("屋里有股煤烟子味", "gas"),
        # a boiler's bang, carbon monoxide named, a gas pipe called 管子, yellow smoke
        ("壁挂炉砰的一声", "gas"),
        ("一家人头疼 会不会是一氧化碳", "gas"),
        ("天然气管子被钻破了", "gas"),
        ("炉子往外冒黄烟", "gas"),
    ],
)
def test_the_sixth_sets_gas_classes(text: str, kind: Kind) -> None:
    assert _kind(text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # adverbs inside the signs, more sign words
        ("我妈冻得呼吸很急", "person"),
        ("屋里冷 老人胸口发闷", "person"),
        ("屋里冷 我奶奶有气无力的", "person"),
        ("暖气坏了 老伴冻得不吃不喝", "person"),
        ("屋里冷 我爸胡言乱语的", "person"),
        ("屋里冷 我姥说身上难受", "person"),
        # someone frail with heat-illness signs in an overheated room; heatstroke for anyone
        ("屋里三十度 我爸瘫在床上 一直迷迷糊糊", "person"),
        ("屋里太热 我中暑了", "person"),
        # falls with harm anywhere in the message
        ("去关阀门从凳子上摔下来了，现在腰动不了", "person"),
        # 已打120, pinyin of a collapse
        ("已打120 老人冻得昏沉", "person"),
        ("wo ma dong de hun guo qu le", "person"),
        # hot water or steam on a body; a blister after a hot part
        ("热水呲到孩子脸上了", "person"),
        ("暖气管爆了 热水溅到我妈身上 红了一片", "person"),
        ("放气阀的蒸汽熏到我脸上了 火辣辣的", "person"),
        ("孩子摸了暖气片 手上起了个泡", "person"),
        ("老人靠着暖气片睡着了 背上烫起了一串泡", "person"),
    ],
)
def test_the_sixth_sets_person_classes(text: str, kind: Kind) -> None:
    assert _kind(text) == kind


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # 满屋都是 of a smell or toys, not of water
        ("满屋都是橘子味", "满屋都是热气 管子爆了"),
        # false friends: an omitted detail, the hob's flame, the heating getting going or cut,
        # a mark on a floor, a rubbish bin
        ("地址漏了单元号", "暖气漏了 地上全是水"),
        ("燃气灶火苗小", "燃气灶那有火苗窜出来了"),
        ("暖气才烧起来 屋里还不暖和", "电暖器烧起来了"),
        ("暖气断了 是统一停的吗", "暖气管断了 水往外喷"),
        ("师傅把木地板烫了个印子", "师傅的手被暖气管烫起泡了"),
        ("垃圾桶满了", "接水的桶都满了 暖气片还在漏"),
        # a slow drip contained; a leak guessed with the floor dry; a repair under way
        ("阀门滴水 一分钟滴一滴 拿碗接着", "阀门滴水 滴得很快 拿碗接着"),
        ("地暖是不是漏了 地上是干的", "地暖是不是漏了 地上全是水"),
        ("物业说我们楼管子冻裂了在修", "物业说管子冻裂了 可我家水还在往外冒"),
        # who is liable for a break with nothing escaping; a leak guessed to come
        ("报停的房子管子冻裂了谁负责", "管子冻裂了 水一直往外冒 谁负责"),
        ("暖气片冒水珠子 是不是要漏了", "暖气片冒水了 一直在滴"),
        # a boiler flue's white vapour; air let out by a vent; a sound likened to water
        ("排烟口冒白汽 正常吗", "暖气管冒白汽 楼道里全是"),
        ("排气阀在呲呲放气 没有水", "排气阀在呲呲冒水"),
        ("暖气管里咕噜响 像有水在流", "暖气管那有水在往下流"),
        # a flue askew that does not leak; a car's exhaust
        ("壁挂炉排烟管有点歪 还没漏", "壁挂炉排烟管掉了 屋里有味"),
        ("楼下汽车尾气都飘进屋里了", "隔壁壁挂炉的废气飘进屋里了"),
        # a smoke alarm set off by cooking (a gas alarm always counts)
        ("烟雾报警器响了 是我炒菜糊了", "燃气报警器响了 我在炒菜"),
        # a person recovered, a fever gone, a certificate asked for
        ("昨晚老人冻得发抖 后来缓过来了", "老人冻得发抖 一直缓不过来"),
        ("昨天孩子冻发烧了 今天退烧了", "孩子冻发烧了 烧得厉害"),
        ("老人冻感冒了能去哪开证明", "老人冻感冒了 现在一直咳"),
        # an adult's stiff hands, an old ache, a room that feels off
        ("冻得我手都僵了 快修", "老人冻得浑身都僵了"),
        ("屋里冷 老人说腿疼 老寒腿又犯了", "屋里冷 老人说胸口疼"),
        ("屋里冷得难受 什么时候来热", "屋里冷 我妈冻得很难受"),
        # sweat alone in an overheated room; a phone that fell
        ("暖气太热 孩子热得满头大汗", "暖气太热 孩子热得直喘 蔫了"),
        ("手机摔了 屏幕碎了 动不了了", "老人滑了一跤 动不了了"),
        # a simile of tears
        ("他哭得跟下雨似的", "暖气片漏得跟下雨似的"),
    ],
)
def test_the_sixth_sets_discount_classes_drop_and_keep(dropped: str, kept: str) -> None:
    assert _kind(dropped) is None, dropped
    assert _kind(kept) is not None, kept


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("开着壁挂炉 一家人都头晕恶心", "poisoning"),  # signs by a boiler
        ("燃气壁挂炉那有煤气味 我有点恶心", "poisoning"),  # gas, with someone's signs
        ("燃气壁挂炉那有煤气味", ""),  # gas, nobody unwell
        ("被热水浇了一手 皮都掉了", "scald"),
        ("热水呲到孩子脸上了", "scald"),
        ("屋里冷 老人冻得说胡话", ""),
    ],
)
def test_what_happened_to_a_person_is_told_with_the_emergency(text: str, cause: str) -> None:
    found = detect_emergency(text)
    assert found is not None and found.cause == cause
    assert emergency_from(found.as_dict()) == found


def test_a_parse_result_without_a_cause_reads_back_as_before() -> None:
    assert emergency_from({"kind": "gas", "evidence": "煤气味"}) == Emergency("gas", "煤气味")
    assert emergency_from({"kind": "gas", "evidence": "x", "cause": "bogus"}) == Emergency(
        "gas", "x"
    )
    assert Emergency("water", "漏水").as_dict() == {"kind": "water", "evidence": "漏水"}


# ------------------------- seventh round (issue 16): families of what residents notice, both sides


@pytest.mark.parametrize(
    "text",
    [
        # any sign of poisoning by a burning appliance, in words no list held
        "燃气热水器洗完澡 我俩都觉得脑袋发沉",
        "家里烧着蜂窝煤 孩子一直犯困想吐",
        # a smell likened to gas's odorant, a fuel or something burning, in either order
        "卧室里有股臭鸡蛋似的味儿",
        "闻着有点像柴油",
        "有股电线烧化了的味",
        # an unexplained smell with someone's signs, or one that grows
        "客厅有股说不清的味 我闻了头直发晕",
        "屋里的怪味越来越浓",
        # any smell by gas, hissing gas infrastructure, a damaged gas hose, a flue in parts
        "燃气表旁边有股怪怪的味儿",
        "调压箱那边一直嘶嘶的",
        "灶台下的燃气软管裂了个口子",
        "壁挂炉的排烟那根管子脱开了",
        # smoke with the verb first or a word between; a flame out of place; an alarm sounding
        "门缝里往屋里窜烟",
        "卧室里突然就有烟了",
        "热水器里蹿出一团火苗",
        "关了灶 火还一直在烧",
        "一氧化碳报警器滴滴地响",
    ],
)
def test_the_seventh_rounds_gas_families(text: str) -> None:
    assert _kind(text) == "gas", text


@pytest.mark.parametrize(
    ("kept", "dropped"),
    [
        # the cold explains the signs when nothing burns; noise is no fume
        ("燃气热水器开着 我有点头疼", "燃气热水器打不着火 屋里冷 我有点头疼"),
        ("壁挂炉开着 我头疼得厉害", "壁挂炉嗡嗡响 吵得我头疼"),
        # everyday smells: cooking, a drain, rubbish, a new appliance
        ("厨房有股大蒜味 谁也没做饭", "厨房有股大蒜味 刚炒完菜"),
        ("客厅有股怪味 熏得我头疼", "下水道返味 熏得我头疼"),
        ("屋里的怪味越来越浓", "垃圾桶的臭味越来越重"),
        ("电暖器后面有股焦味", "新买的电暖器有股味"),
        ("门缝里往屋里窜烟", "楼下有人抽烟 烟往上飘"),
        # a flame's colour asked about; an alarm's battery; a hose not of gas
        ("热水器里蹿出一团火苗", "燃气灶火苗是蓝的 正常吗"),
        ("一氧化碳报警器滴滴地响", "报警器没电了一直滴滴响"),
        ("灶台下的燃气软管裂了个口子", "洗衣机的软管裂了"),
        # a question in general; an appliance inspected and found fine; a smell every day
        ("屋里有股怪味 是不是一氧化碳", "一氧化碳中毒是什么症状"),
        ("师傅说没问题 可现在又有煤气味了", "壁挂炉有点味 燃气公司来看过了说没问题"),
        ("楼道里一股煤烟味 越来越呛", "楼道里的煤烟味每天早上都这样"),
    ],
)
def test_the_seventh_rounds_gas_families_keep_and_drop(kept: str, dropped: str) -> None:
    assert _kind(kept) == "gas", kept
    assert _kind(dropped) is None, dropped


def test_signs_by_a_burner_are_gas_with_the_poisoning_first_aid() -> None:
    """Carbon monoxide: the gas kind, as the fifth to seventh writers named it; its people get
    fresh air and 120 (`cause`). Acute signs stay the person's."""
    found = detect_emergency("燃气热水器洗完澡 我俩都觉得脑袋发沉")
    assert found is not None and (found.kind, found.cause) == ("gas", "poisoning")
    found = detect_emergency("屋里生着炉子 老人叫不醒")
    assert found is not None and (found.kind, found.cause) == ("person", "poisoning")


@pytest.mark.parametrize(
    "text",
    [
        # degree words inside a generated sign (喘气也有点费劲, 胸口一阵阵发闷)
        "屋里冷 我爸喘气也有点费劲",
        "家里冷 奶奶胸口一阵阵发闷",
        # not answering, in a sibling word
        "屋里没暖气 我妈喊她也不吱声",
        # any part of the body said to be wrong, for someone frail
        "家里冷 姥姥的脚肿得鞋都穿不上",
        # eating and drinking, 着 inside a sign, English
        "暖气坏了 我奶奶今天饭也不吃水也不喝",
        "屋里冷 我爸发着高烧",
        "my grandmother (88) is alone and the heating is off, she is very confused",
        # alone: nobody to call for help
        "我一个人住 屋里冷得要命 头晕 浑身没劲",
        # a burn from touching a hot part, no 烫 said
        "孩子碰到暖气管子 手掌红了一大块",
    ],
)
def test_the_seventh_rounds_person_families(text: str) -> None:
    assert _kind(text) == "person", text


@pytest.mark.parametrize(
    ("kept", "dropped"),
    [
        # an adult's cold hands are no sign; a frail person's any complaint is
        ("家里冷 姥姥的手肿了", "屋子里太冷 手都冻僵了 打字都费劲"),
        ("家里冷 我妈眼睛看东西重影", "我妈眼睛不好看不清短信 家里冷"),
        # an old ache, the cold denied, alone with nothing wrong
        ("屋里冷 老人说腿疼得厉害", "屋里冷 老人说腿疼 老寒腿又犯了"),
        ("屋里冷 我爷爷头疼得厉害", "我头疼是老毛病 不是冻的 屋里挺暖和"),
        ("我一个人住 屋里冷得要命 头晕 浑身没劲", "我一个人住 暖气不热 能不能派人来看看"),
        # a burn's red, not the cold's; a fall said not serious
        ("孩子碰到暖气管子 手掌红了一大块", "我冻得手都红了"),
        ("奶奶摔了一跤 起不来了", "孩子摔了一跤 膝盖磕破了 不严重"),
    ],
)
def test_the_seventh_rounds_person_families_keep_and_drop(kept: str, dropped: str) -> None:
    assert _kind(kept) == "person", kept
    assert _kind(dropped) is None, dropped


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # asked as A-not-A; a warning of what may come
        ("看不出暖气片漏没漏", "暖气片漏了 地上一大片水"),
        ("别等到爆了才来换", "暖气管爆了 快来"),
        # the leak stopped or welded (a report after it stands)
        ("楼上的水已经停了 天花板还有印子", "楼上的水还在往下滴"),
        ("裂缝师傅焊好了", "焊好了又漏了"),
        # the home said dry; a spurt while venting, caught in a bowl
        ("楼下说我家漏水 我看了家里都是干的", "楼下说我家漏水 我一看地上全是水"),
        ("放气的时候滋了一下水 拿碗接住了", "放气阀拧下来了 水一直往外滋"),
    ],
)
def test_the_seventh_rounds_discount_classes_drop_and_keep(dropped: str, kept: str) -> None:
    assert _kind(dropped) is None, dropped
    assert _kind(kept) is not None, kept


# ------------------------------------------------------------------ issue 16, the ninth round
# Classes read from the eighth set's misses and false alarms (docs/dialogue.md, "Ninth round"),
# each in three or more wordings of no example set.


@pytest.mark.parametrize(
    "text",
    [
        # water heard rushing, the noun left out, with a call for help or a flow that will not stop
        "客厅暖气那哗哗的 快来人啊",
        "天花板稀里哗啦往下 求求你们快点",
        "阀门关到底了还在哗啦啦的 咋办",
        # what holds the water back fails
        "暖气片底下拿毛巾捂着 根本捂不住",
        "接口那块拿手按都按不住 越来越大",
        "盆也满了桶也满了 暖气管子还没停",
        # water that rises or spreads, said with 咋回事
        "怎么回事啊 车库里全是热水 还在往上涨",
        "地下室水面一直在涨 都漫到楼梯了",
        "咋回事 楼道里全是脏水 还在往外流",
        # a flood likened first; steam that bores out; a drip that never stops
        "就跟决堤了似的 暖气管那全冲出来了",
        "墙角往外钻热气 整个屋子白茫茫",
        "暖气阀门滴答个没完 地上湿了一大片",
    ],
)
def test_the_ninth_rounds_water_families(text: str) -> None:
    assert _kind(text) == "water", text


@pytest.mark.parametrize(
    "text",
    [
        # bare keywords read as one clause, emoji as words
        "暖气管 裂了 快",
        "水管 爆 卧室 救命",
        "🆘 暖气片 喷水",
        "电暖器 烟 糊味",
        "🔥 插排 冒烟",
        "燃气 漏 厨房",
    ],
)
def test_a_keyword_message_is_read_as_one_clause(text: str) -> None:
    assert _kind(text) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "暖气 不热 快点",
        "交费 暖气 哪里",
        "阀门 在哪 找不到",
        "💦 热死了 暖气太足",
    ],
)
def test_a_keyword_message_without_danger_stays_none(text: str) -> None:
    assert _kind(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        # shut out or trapped in the cold
        "我妈出门扔垃圾 门被风带上了 锁在楼道里 穿个单衣 冻得直跺脚 外面零下",
        "俩孩子反锁在露台上了 外头冷得要命",
        "困在地下室出不去了 这里冰冷冰冷的",
        # someone found lying or curled up, not moving
        "小区花坛边趴着个大叔 半天没动静 这么冷",
        "楼梯间窝在角落里一个老头 冻得发紫",
        "车库里躺着一个男的 叫了不应 零下十来度",
        # someone collapsed in a room; a fall onto the floor not yet up
        "我老婆突然倒在厨房了 暖气那边全是水",
        "室友晕在浴室里了 叫不醒",
        "爷爷在暖气边上摔在地上 半天没爬起来",
        # frail: dementia, missing in the cold; a stab in the chest; a day not out of bed
        "我爸有老年痴呆 下午出门到现在还没回来 外面零下十五度",
        "奶奶心脏不好 屋里冷 她说胸口一阵阵像刀割",
        "屋里十度 姥爷一整天都没下床 叫他只哼一声",
    ],
)
def test_the_ninth_rounds_person_families(text: str) -> None:
    assert _kind(text) == "person", text


@pytest.mark.parametrize(
    ("kept", "dropped"),
    [
        # shut out: only with the cold said
        ("我被锁在门外了 零下好几度 穿着拖鞋", "我被锁在门外了 开锁公司电话多少"),
        # an animal's signs are no person's
        ("楼道里躺着个老人 冻得不动了", "楼道里躺着只狗 冻得不动了 谁来管管"),
        # not moving is a person's, not a meter's or a stiff valve's
        ("家里冷 老人躺着不动了", "家里冷 老人在家 热表不动了"),
    ],
)
def test_the_ninth_rounds_person_families_keep_and_drop(kept: str, dropped: str) -> None:
    assert _kind(kept) == "person", kept
    assert _kind(dropped) is None, dropped


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # 着 after a verb of putting is its aspect, not fire
        ("暖气片那有点湿 拿抹布裹着了 不急", "暖气片上的抹布烤着了 冒烟了"),
        ("被子盖着了 屋里还是有点凉", "被子挨着电暖器 烧着了"),
        ("毛巾搭着了 暖气不太热", "毛巾掉电暖气上 着了"),
        # any vessel under a small drip, the drip contained
        ("放风阀有点渗 底下摆了个罐子 哪天方便来看看", "放风阀一直往外喷 罐子接不过来"),
        ("接口偶尔滴一滴 拿塑料袋兜着呢", "接口一直哗哗往下流 快点来"),
        ("分水器有点渗 下面放了只杯子接着", "分水器喷水了 杯子根本不够"),
        # a leak stopped on its own
        ("上午暖气片渗了几滴 后来就没了", "上午暖气片渗了几滴 现在越来越多"),
        ("刚才楼上往下滴了一会 这会儿没了 要报吗", "刚才楼上往下滴 现在还在滴"),
        ("管子接头冒了点水 自己停了", "管子接头冒水 自己堵不住"),
        # a time nobody is home, asked about
        ("出远门的时候暖气片漏了怎么办", "我出门的时候暖气片漏了 现在满地都是水"),
        ("睡觉时候管子崩了咋办 想提前知道", "睡觉的时候管子崩了 水还在往外冒"),
        ("过年不在家期间管道冻裂了找谁", "过年不在家 回来发现管道冻裂了 正在喷水"),
        # the writer drains the heating into buckets
        ("给暖气放了点水 接了一桶 颜色有点黄", "暖气片漏水 接了一桶又一桶"),
    ],
)
def test_the_ninth_rounds_discount_classes_drop_and_keep(dropped: str, kept: str) -> None:
    assert detect_emergency(dropped) is None, dropped
    assert detect_emergency(kept) is not None, kept


@pytest.mark.parametrize(
    "text",
    [
        "咋回事 楼道满地热水 都冒烟了",
        "车库地上全是开水 白烟滚滚的",
        "暖气管崩了 热水到处流 屋里跟冒烟似的",
    ],
)
def test_smoke_over_hot_water_escaping_is_its_steam(text: str) -> None:
    assert _kind(text) == "water", text


def test_smoke_with_a_burning_sign_stays_gas() -> None:
    assert _kind("地上全是热水 插座那冒烟了 有糊味") == "gas"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # another trade's water only in a simile names no source (像撒尿一样往外呲)
        ("暖气管裂了 水跟洗衣机排水似的往外冒", "water"),
        ("接口那跟开了水龙头一样往外流", "water"),
        # water that 顶/翻 out; a volume with the water left out; a stream
        ("阀门底下一股一股往外顶", "water"),
        ("暖气片下面积了一大滩 还在变大", "water"),
        ("接头那滴的都连成线了", "water"),
        # a ceiling giving way under water from above
        ("楼上漏下来的水把吊顶泡得往下坠", "water"),
        ("天花板渗水 鼓了个大包 随时要掉", "water"),
        # a flame that leaps out (扑)
        ("燃气热水器的火往外扑", "gas"),
        # a sudden collapse; sight and gait; not waking
        ("我爸吃着饭突然就软下去了", "person"),
        ("屋里冷 奶奶说看不清人 走路直打晃", "person"),
        ("家里没暖气 孩子手冰冰的 怎么叫都不醒", "person"),
        # a splash on a body, the body said first
        ("管子崩了 我胳膊上被开水浇到了 火辣辣的疼", "person"),
    ],
)
def test_the_ninth_rounds_later_families(text: str, kind: str) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    ("kept", "dropped"),
    [
        # heat: a frail person's mild dizziness in a warm room is a complaint, confusion is not
        ("屋里太热了 我妈昏昏沉沉的", "屋里太热了 我妈睡不好 头有点晕乎"),
        # a volume word of something else
        ("暖气片下面汪了一大滩 还在变大", "暖气片上积了一层灰"),
    ],
)
def test_the_ninth_rounds_later_families_keep_and_drop(kept: str, dropped: str) -> None:
    assert _kind(kept) is not None, kept
    assert _kind(dropped) is None, dropped


# ------------------------------------------------------------------ issue 16, the tenth round
# The ninth writer's misses, as classes; each in wordings of my own (not in any set).


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # water likened to rain, a curtain, a running tap; a room like a bathhouse
        ("客厅顶棚下起雨来了 热乎乎的", "water"),
        ("暖气阀那儿跟没关的水龙头似的", "water"),
        ("厨房天花板的水跟门帘一样往下挂", "water"),
        ("一进门满屋子水蒸气 跟蒸笼一样 暖气那边看不清", "water"),
        ("卧室里跟澡堂子一样全是白雾", "water"),
        # water from above with another verb (浇, 泼, 灌)
        ("卫生间顶往下泼水似的", "water"),
        ("楼上不知道咋了 我家餐厅顶往下浇", "water"),
        ("阳台顶上往下灌水", "water"),
        # water that rushes out (冲, 蹿)
        ("暖气片底下往外冲热水", "water"),
        ("分水器那里突然往外冲", "water"),
        ("接头那儿往外蹿水", "water"),
        # a leak that grows (drops become a stream)
        ("阀门那儿一开始就几滴 现在成水流了", "water"),
        ("暖气接口原来是渗 这会变成一股一股的了", "water"),
        ("对丝那里越漏越大", "water"),
        # held back by a hand; closing did not help
        ("我拿手指头按着呢 一松开就滋", "water"),
        ("手一拿开就往外呲 快来人", "water"),
        ("总阀关了也不管用 暖气片那还在流", "water"),
        ("把阀门拧死了也没用 接口照样出", "water"),
        # a smell likened to a lighter's or a canister's fuel
        ("屋里一股打火机漏气的味儿", "gas"),
        ("厨房有股卡式炉气罐的味道", "gas"),
        ("闻着跟打火机里的气一样", "gas"),
        # someone frail silent, lying or not answering
        ("我喊我奶奶她也不应 屋里没暖气", "person"),
        ("爷爷躺着不说话 暖气停了两天了", "person"),
        ("姥姥窝在床上一声不吭 家里就十度", "person"),
        # someone frail out of reach in a cold home
        ("我妈一个人在家 手机一直关机 小区停暖了", "person"),
        ("独居的大爷电话没人接 屋里没暖气好几天了", "person"),
        ("我爸住老房子 打他电话打不通 那边零下了", "person"),
        # a stove lit against the cold, then signs: carbon monoxide
        ("屋里太冷我点了个炭盆 现在恶心想吐 腿发软", "gas"),
        ("暖气不热 生了炉子取暖 一家人都头疼", "gas"),
        ("没暖气 烧上煤炉了 我头晕得站不住", "gas"),
        # a fall on leaked water, the head or the back striking the floor
        ("我妈踩到暖气漏的水滑倒了 头磕在地上", "person"),
        ("我爸踩水滑了一跤 脑袋撞到暖气片上了", "person"),
        ("奶奶在漏水的地方摔了 后背先着的地", "person"),
        # batch 20's words for the same classes: more similes (瓢泼, 花洒), 淋, a leak that
        # starts or goes straight to pouring, a hand let go, a phone rung in vain
        ("吊顶上的水跟倾盆大雨似的", "water"),
        ("暖气阀跟喷头一样往外滋", "water"),
        ("楼上漏了 我家卧室顶往下淋", "water"),
        ("暖气片下面开始淌了", "water"),
        ("分水器那儿直接往外涌了", "water"),
        ("我攥着毛巾捂着接口 一松开就往外射", "water"),
        ("我爸一个人住 家里冷 打了一上午电话也没人接", "person"),
        # a floor swelling under the water
        ("客厅木地板都泡鼓了 暖气管那边", "water"),
        ("暖气那块的地板泡起来了", "water"),
        ("楼上的水下来 我家复合地板泡胀了", "water"),
        ("老母亲自己在家 停暖了 我打了好几遍电话都打不通", "person"),
    ],
)
def test_the_tenth_rounds_families(text: str, kind: str) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    ("dropped", "kept"),
    [
        # a word, a story or a notice asked about out of curiosity
        ("水漫金山这个成语什么意思", "家里水漫金山了 快来"),
        ("爆管是啥意思 短信里看到的", "短信说爆管抢修 可我家现在往外冒水"),
        ("煤气味跟暖气有关系吗 好奇问问", "家里煤气味很重 和暖气有关系吗"),
        ("天然气泄漏出自哪个新闻来着", "天然气泄漏了 快来人"),
        # the company's text message about a burst main
        ("收到短信 说附近爆管 要停暖吗", "楼道里爆管了 水都流到楼下了"),
        # a running tap or rain only as a simile needs water escaping
        ("暖气片热得跟蒸笼一样", "暖气片漏得跟没关的水龙头一样"),
        ("外面下雨了 屋里暖气还不热", "屋里下雨了 顶上全往下滴"),
        ("去年漏水 地板泡起来了 能赔吗", "暖气片漏 地板都泡起来了"),
        ("外面全是雾 暖气也不热", "屋里全是雾 暖气管子在喷"),
        # someone's phone out of reach is the company's line, not a frail person's
        (
            "你们客服电话打不通 家里冷 我爸让我问问啥时候来暖",
            "孩子他奶奶电话打不通 家里冷 她一个人住",
        ),
    ],
)
def test_the_tenth_rounds_drop_and_keep(dropped: str, kept: str) -> None:
    assert detect_emergency(dropped) is None, dropped
    assert detect_emergency(kept) is not None, kept


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # batch 21 (after the tenth round's classes): water down from a ceiling, no part named
        ("卫生间顶棚上水一串一串往下掉", "water"),
        ("吊顶缝里水一个劲往下走", "water"),
        ("天花板那儿水一直往下落", "water"),
        # everything soaked (全泡着)
        ("暖气片周围全泡着", "water"),
        ("我家地板全都泡着水 暖气管还在滋", "water"),
        ("卧室地上都泡着呢 暖气那边", "water"),
        # smoke sent indoors with words between
        ("燃气热水器往屋里倒灰烟", "gas"),
        ("烟道往厨房里灌呛人的烟", "gas"),
        ("炉子往卧室里窜一股股黑烟", "gas"),
        # a phone busy or not getting through, someone frail in the cold
        ("我姥姥电话一直占线 家里停暖了", "person"),
        ("老人手机打不进去 屋里零下", "person"),
        ("给我爸打电话老占线 他家没暖气 他七十多了", "person"),
        # a sudden faint
        ("我妈刚站起来突然就晕了 家里冷", "person"),
        ("爷爷一下就晕了 倒在暖气片旁边", "person"),
        ("孩子他爸修阀门的时候猛地晕了", "person"),
        # hot water rushing or raining on a body
        ("开水冲到孩子手上了 起了泡", "person"),
        ("管子里的热水淋到我胳膊上 烫红了", "person"),
        ("暖气管爆了 热水冲在我脚上 疼死了", "person"),
    ],
)
def test_the_tenth_rounds_batch_21_families(text: str, kind: str) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    "text",
    [
        # a leak reported by others, the writer's own home looked at and dry
        "物业说可能漏了 我摸了干干的",
        "楼下说漏到他家 我家查过是干的",
        "说我家暖气漏 我看了一眼干的啊",
    ],
)
def test_a_leak_looked_at_and_found_dry_is_none(text: str) -> None:
    assert detect_emergency(text) is None, text


# --------------------------------------------------------------- issue 16, the eleventh round


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # anyone, of any calling, fallen into a well or a pit (the well named anywhere)
        ("一个环卫工掉进热力井里去了 快来人", "person"),
        ("有个送外卖的小哥摔进路边的检查井了", "person"),
        ("热力井盖没盖 一个老太太掉下去了", "person"),
        ("井里掉进去一个人 井口往外冒热气", "person"),
        # someone who cannot get out where the water is: the person before the leak
        ("我奶奶坐轮椅 家里进热水了 她一个人出不来 我在外地", "person"),
        ("管子爆了 热气把屋子全充满了 我婆婆在里屋出不来 门口全是滚水", "person"),
        ("地下室进水了 里面还有人出不来", "person"),
        ("地下室有人被困住了 水已经到胸口了 是热水管爆的", "person"),
        ("暖气管爆了 满屋子蒸汽 我爸腿脚不好 困在卧室里了", "person"),
        ("楼道全是热水 我和孩子出不去了", "person"),
        ("卫生间门被水泡胀了打不开 我女儿在里面 水还在涨 是热的", "person"),
        # water coming in or welling up; a flood likened to a pool, a sea, a pond
        ("单元门口一片汪洋 热水从地底下往上翻 一楼几户门口都进水了", "water"),
        ("我们楼一层大厅现在成了游泳池 水还是热的 源头好像是管道间", "water"),
        ("地下室变成池塘了 管道间那边哗哗的", "water"),
        ("井盖边上的热水往上翻 越来越多", "water"),
        ("一楼大堂都成了泳池了 暖气管道那边过来的", "water"),
        ("单元门口汪洋一片 热水从地砖缝里往上拱", "water"),
        ("配电室进了热水 楼里的暖气管子在那边", "water"),
        # water pouring into a room, relayed from the building's group while it goes on
        ("物业群里说和平里2号楼地下管廊爆了 热水正往配电室里灌 有没有人去关总阀", "water"),
        ("业主群里说3号楼管道爆了 水正往地下车库里灌", "water"),
        ("物业群里在传 管廊里的热水正往泵房里涌 快找人", "water"),
        # the water described between the verb and the noun
        ("我们楼前的热力井口一直在冒滚烫的水 小孩上学都要从这过 太危险了", "water"),
        ("井盖缝里冒滚开的水", "water"),
        ("路边检修井喷热腾腾的水", "water"),
        ("楼道那根立管在冒发黄的水", "water"),
        # a cry of how hard it leaks, the part named after (keyword messages)
        ("嗷嗷漏 快来 暖气", "water"),
        ("狂漏 暖气片 快来", "water"),
        ("嗷嗷喷 阀门 救命", "water"),
        ("猛滴 接头 快来", "water"),
        # a child's word for a leak
        ("阿姨 奶奶说暖气尿尿了 地上好大一滩 还在流 热乎乎的 一直不停 我们该怎么办", "water"),
        ("妈妈 暖气片在尿尿 地上湿了一大片", "water"),
        ("暖气管子尿尿了 流了一地", "water"),
        ("阀门尿尿了 地上一滩水", "water"),
        # English: lips turning, going, looking blue; a child
        ("baby is freezing, lips turning blue, no heating at all, 幸福里2号楼", "person"),
        ("my grandma's lips are going blue, the flat is freezing", "person"),
        ("no heat for 2 days, dad's lips look purple", "person"),
        ("the kid has blue lips and it's freezing in here", "person"),
        # pinyin: the body said cold
        ("ti wen 34 du duo, lao ren, jia li bing leng, zen me ban", "person"),
        ("nai nai shen shang bing liang, jia li mei nuan qi", "person"),
        ("lao ren ti wen hen di, wu li hen leng", "person"),
        ("bao bao shou jiao bing leng, jia li hen leng", "person"),
        # charcoal or a fire basin lit indoors against the cold: poisoning (gas)
        ("老爷子嫌冷 偷偷在屋里点了个炭火锅取暖 门窗紧闭 现在嘴唇发紫 说胸闷", "gas"),
        ("家里冷 生了个火盆 老太太说头晕 憋得慌", "gas"),
        ("屋里冷 用炭火锅取暖 我爸恶心想吐", "gas"),
        ("没暖气 点了个炭炉 孩子一直犯困 脸色发白", "gas"),
        # a splash the writer says did no harm: the leak, not a scald
        ("暖气管子跟高压水枪似的 呲了我一身 还好不算太烫 现在屋里全是水", "water"),
        ("接头喷了我一身 幸好不烫 屋里都是水", "water"),
        ("水溅了我一手 没烫着 就是管子还在喷", "water"),
        ("阀门呲了我一脸 还好水不怎么烫 地上全是水了", "water"),
        # a splash onto the body with its particle left out (喷脸上)
        ("我爸给暖气放气 热水喷脸上了 眼睛睁不开", "person"),
        ("开水呲手上了 起泡了", "person"),
        ("蒸汽喷胳膊上 红了一片 疼", "person"),
        ("热水溅腿上了 疼得孩子直哭", "person"),
        ("暖气一直不烫 今天放气 热水喷脸上了 眼睛睁不开", "person"),
        # the writer's own post or report online is no hearsay (found on the way)
        ("我在网上报修了 暖气管一直漏", "water"),
        ("我发朋友圈了 暖气片爆了 没人管", "water"),
        ("我发了抖音 暖气管子爆了 一地水", "water"),
        ("刚发了快手 暖气管子裂了 水往外冒", "water"),
    ],
)
def test_the_eleventh_rounds_families(text: str, kind: str) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    "text",
    [
        # a sight there every winter, asked about out of curiosity
        "热力站那边一直冒白汽 每年冬天都这样 好奇问问是啥",
        "路口那个井盖一直冒热气 年年都这样 好奇问一下",
        "小区换热站一直往外冒白汽 每年冬天都是这样 就是好奇",
        "马路上那个检查井一直冒汽 每年都这样 随便问问",
        # a drip said to be slow
        "暖气阀门有点滴水 一小时也就一两滴",
        "暖气片接口渗水 半天才一滴",
        "管子接头有点滴 一晚上也就三四滴",
        "阀门下面滴水 十几分钟一两滴吧",
        # a leak guessed with no water to be seen (看不到水)
        "屋子里一股潮味霉味 是不是暖气管漏了 看不到水",
        "是不是地暖管漏了 哪儿都看不见水",
        "感觉暖气片渗水 可是瞅不见水印",
        "楼下说我家漏水 我找不着哪里有水",
        # an old mark that does not grow
        "卫生间墙上有块湿印 不大 好几天了也没变化 会不会是暖气管渗水",
        "客厅墙角有一块水印 一个月了还是那么大 是不是暖气渗水",
        "地板上有个水渍 好久了也没扩大 是暖气管渗吗",
        "暖气片下面墙皮有点湿 几天了没啥变化 会不会是管子渗",
        # condensation
        "暖气片表面出汗 有小水珠 是漏了吗",
        "暖气管子外面冒汗 湿漉漉的 是不是漏了",
        "暖气片表面凝了一层水汽 是在渗吗",
        "暖气片外面结露了 湿湿的 是渗水了吗",
        "分水器表面凝结了好多水珠 是不是漏了",
        # the news or social media named after, nothing of here
        "北京昨天是不是有地方爆管了 上新闻了",
        "昨晚是不是哪里爆管了 朋友圈都在转",
        "南边那片管网是不是爆了 抖音上刷到的",
        "天津那边管子爆了 水老深了 看视频里说的",
        # a rotten-egg smell with a sewer named as its source
        "小区里老有股臭鸡蛋味 物业说是在清化粪池 过两天就好",
        "楼道里一股臭鸡蛋味 是下水道返上来的 物业说了",
        "单元门口老闻到臭鸡蛋味 旁边那个污水井在修",
        "小区里一股烂鸡蛋味儿 在掏粪呢",
    ],
)
def test_the_eleventh_rounds_discount_classes(text: str) -> None:
    assert detect_emergency(text) is None, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # what the eleventh round's classes must leave as they were
        ("施工的工人跌进管沟里了 下面全是热水", "person"),
        ("车库进水了 车出不来", "water"),  # a car shut in is no person
        ("放水阀水出不来 暖气片还在漏", "water"),
        ("北京爆管上新闻了 我们小区现在也停暖了 家里水管也在漏", "water"),  # the writer's home
        ("还好是温的 阀门呲了我一脸 地上全是水了", "water"),
        ("暖气管一直在滴水 新闻说明天降温", "water"),  # news after, a leak going on
        ("暖气片跟墙连着的地方往外渗水 一会儿一滴 快来", "water"),  # not said to be slow
        ("我出不去门 楼道全是水", "water"),  # the writer alone: an errand put off
        ("孩子在里面睡觉 暖气片漏水了", "water"),  # inside, no door stuck
        ("暖气管漏水了 但是看不见漏在哪里", "water"),  # where from, not whether
        ("屋里热得出汗 暖气片接口漏水了", "water"),  # a person sweating, not a radiator
        ("我们家用壁挂炉取暖 但是坏了 家里冷 我妈头疼", "person"),  # the cold's, nothing burns
        ("孩子的玩具掉进井里了", None),  # a thing, not a person
        ("手机掉进热力井里了 能帮忙捞吗", None),
        ("脑子进水了吧你们", None),
        ("暖气不热 客厅冷得跟游泳池似的", None),
        ("必须狂喷你们这破公司 暖气一直不热", None),
        ("胃里酸水往上返 屋里也不冷", None),
        ("网上看到说暖气片会爆 是真的吗", None),
    ],
)
def test_the_eleventh_rounds_classes_keep_their_edges(text: str, kind: str | None) -> None:
    assert _kind(text) == kind, text


# ------------------------------------------------------------- issue 16, the thirteenth round


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # the English heating off in any tense, with someone frail unwell
        ("my grandmother is confused and shaking, the heating has been off all day", "person"),
        ("grandpa is 90 and can't stop shivering, our heating's been out since Monday", "person"),
        ("my mum is 80, she is confused, the heating is not working", "person"),
        ("our heating stopped working, my grandmother is confused and her lips are blue", "person"),
        ("my nana is 85 and shaking, the radiators have been dead since Sunday", "person"),
        # an English baby or old person too sleepy, not feeding or eating
        ("Baby is 2 months old, room is freezing, she is very sleepy and not feeding", "person"),
        ("my newborn keeps sleeping and won't take her bottle, our heating broke", "person"),
        ("grandma is not eating and very sleepy, the radiators are dead", "person"),
        ("the heating has been off since Friday and my 3 month old is not feeding well", "person"),
        ("my father is 78 and keeps dozing off, the heating has been out all week", "person"),
        # pinyin of speech and movement gone, and the characters it stands for
        ("yeye dong de shuo bu chu hua le jia li mei nuan qi", "person"),
        ("yeye dong de shuo hua dou bu qing chu le", "person"),
        ("nainai dong jiang le, wu li mei nuan qi", "person"),
        ("hai zi dong de mei fan ying le jia li hen leng", "person"),
        ("lao ren dong de dong bu liao le, nuan qi huai le", "person"),
        ("bao bao bu chi nai yi zhi shui, jia li hen leng", "person"),
        ("爷爷冻得说不了话了 家里没暖气", "person"),
        ("奶奶冻得不会说话了 屋里没暖气", "person"),
        ("家里没暖气 我爸冻得话都说不出来", "person"),
        ("孩子都冻得僵住了 家里才十度", "person"),
        # skin lost to a hot part, however much is said between
        ("孩子摸了下暖气阀门那块裸露的管子，手被烫掉一大块皮", "person"),
        ("闺女碰到暖气片 手被烫得掉了块皮", "person"),
        ("老人腿贴着暖气片睡着了 烫脱了一层皮", "person"),
        ("我爸腿靠着暖气片睡着了 烫掉了巴掌大一块皮", "person"),
        ("我胳膊蹭到暖气管 烫秃噜皮了", "person"),
        ("奶奶手上的皮都被暖气管烫掉了", "person"),
        # an English report whose part is further from its verb
        ("the pipe under the window just burst, no one knows where the valve is", "water"),
    ],
)
def test_the_thirteenth_rounds_families(text: str, kind: str) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    "text",
    [
        # English negation before a report
        "The radiator makes a hissing noise, no water coming out though. Is that normal?",
        "there's a hissing sound from the valve but no water is leaking",
        "the pipe is noisy, it's not leaking though",
        "nothing is leaking but the radiator gurgles all night",
        "I checked, there isn't any water dripping from the valve, just a ticking sound",
        # a common cold held against the company, with no other sign
        "太冷了孩子都感冒了，流鼻涕，你们能不能负点责任",
        "屋里太冷 我家老人都冻感冒了 你们管不管",
        "暖气一直不热 孩子着凉感冒了 这个责任谁负",
        "宝宝都冻感冒了 你们物业到底负不负责 我要投诉",
        "天这么冷 老人都冻感冒了 你们能不能上点心 负点责任行不行",
        # English heating off, nobody unwell; sleepy with nobody frail or no cold
        "the heating has been off all day, can you send someone",
        "heating has been off all day, is there an outage in my area?",
        "I'm sleepy, the heating has been off all day",
        "my baby is sleepy, what time does the office open",
        # a figure of speech, paint, a wall
        "屋里太冷 孩子快冻僵了 你们管不管",
        "暖气片的漆皮都被烫掉了 能换吗",
        "墙皮被暖气烫掉了一块",
    ],
)
def test_the_thirteenth_rounds_discount_classes(text: str) -> None:
    assert detect_emergency(text) is None, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # what the thirteenth round's classes must leave as they were
        ("not sure why but water is pouring out of the radiator", "water"),
        ("no idea what happened, water is pouring from the ceiling", "water"),
        ("the radiator is leaking, no one is home", "water"),
        ("the radiator isn't leaking, the pipe above it burst", "water"),
        ("屋里太冷 宝宝冻感冒了 还发烧了 你们管不管", "person"),  # a fever beside the cold
        ("家里才12度 孩子冻感冒了 一直咳嗽 你们管不管", "person"),  # a cough beside it
        ("屋里太冷老人冻感冒了", "person"),  # no grievance: someone frail ill from the cold
        ("暖气坏了两天 宝宝着凉了", "person"),
        ("屋子里太冷 手都冻僵了 打字都费劲", None),  # an adult's hands
    ],
)
def test_the_thirteenth_rounds_classes_keep_their_edges(text: str, kind: str | None) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # probe batch 23's classes: the heating off in more English verbs, with English signs
        ("my grandpa is 86, the heating packed up last night and he is slurring", "person"),
        ("heating cut out on Sunday, my mum (79) is mumbling and can't get out of bed", "person"),
        ("the boiler won't come on and my little girl has a fever and is shivering", "person"),
        ("our radiators haven't worked for two days, my elderly aunt can't get up", "person"),
        ("I have pneumonia and the heating has been off for a week", "person"),
        # silent for hours; a fever by its figure
        ("屋里只有10度 我奶奶半天不吭声了", "person"),
        ("家里没暖气 老人一整天都不说话", "person"),
        ("停暖两天 孩子烧到39度了", "person"),
        ("孩子烧到38.5℃ 家里暖气坏了", "person"),
        # English scalds: scalded, blistered, skin peeling, hot water onto a body with a harm
        ("my daughter scalded her hand on the radiator valve", "person"),
        ("hot water splashed onto his face when the pipe burst, he is screaming", "person"),
        ("grandma touched the pipe, her skin is peeling", "person"),
        ("he got blisters on his palm from the hot radiator", "person"),
        # what they must leave as they were
        ("I thought the pipe burst but it's actually pouring from the valve", "water"),
        ("the pipe burst but it wasn't anyone's fault, water everywhere now", "water"),
        ("the pipe in the basement burst, water is pouring out", "water"),
    ],
)
def test_the_thirteenth_rounds_batch_23_families(text: str, kind: str) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    "text",
    [
        # the heating off with nobody unwell; a question about scalds
        "heating won't turn on, is there a maintenance today?",
        "my boiler packed up, can you send someone tomorrow",
        "how do you treat a scald from a radiator?",
        # an English supposition taken back, or a false alarm said
        "I thought the radiator was leaking but it wasn't, just condensation",
        "it looked like the pipe burst but there wasn't any water, just a bang",
        "I thought the pipe burst but it didn't, it was just the noise",
        "the radiator seemed to be leaking, turned out to be nothing",
        # English negation written without its apostrophe; paint, a boiler's water
        "there isnt any water dripping, just a ticking sound",
        "暖气片上的漆烫掉皮了",
        "锅炉烧到40度了 正常吗",
    ],
)
def test_the_thirteenth_rounds_batch_23_discounts(text: str) -> None:
    assert detect_emergency(text) is None, text


# ------------------------------------------------------------------- gas round (gas probe set)


@pytest.mark.parametrize(
    "text",
    [
        # the gas line named by its yellow paint, hissing or smelling (the set's 黄色的管子)
        "暖气管旁边那根黄色的管子嘶嘶响，还有一股味道",
        "厨房那根黄管子呲呲的响，有点味",
        "楼道里黄色的管道接口那儿一直丝丝响，闻着有股怪味儿",
        "厨房那根黄管子接口好像松了 有股臭味",
        # gas words in pinyin (the set's ranqi baojingqi xiang le)
        "ranqi baojingqi xiang le, wuli you weidao",
        "ranqi baojingqi yizhi xiang",
        "chufang louqi le kuai lai",
        "baojingqi xiang le, chufang you weidao",
        "yiyanghuatan baojingqi xiang le",
        "ranqi louqi le",
        # typos and dialect of the gas words
        "燃起味很重 在厨房",
        "煤气泄了 快派人",
        "这味儿不对啊 灶台那边 冲得脑仁疼",
        # English alarms and smells
        "the CO alarm keeps beeping and my head hurts",
        "carbon monoxide detector going off in the bedroom",
        "smells like rotten eggs near the boiler",
        "my gas detector is beeping and flashing red",
        # an alarm described, or read out high
        "家里那个检测燃气的东西一直闪红灯叫唤",
        "一氧化碳报警器显示300多 嘀嘀嘀响",
        "燃气报警器叫唤半天了",
        # sparks with no works named
        "插座冒火花了还有焦味",
        # English smoke, a part smoking, a smoke alarm with nothing explained
        "the radiator is smoking and smells burnt",
        "the heater was smoking when I came home",
        "smoke alarm going off in the hallway",
    ],
)
def test_the_gas_rounds_classes(text: str) -> None:
    assert _kind(text) == "gas", text


@pytest.mark.parametrize(
    "text",
    [
        # poisoning named as what to prevent (the set's 冬季防一氧化碳中毒的提醒)
        "你们能不能在公众号发个冬季防一氧化碳中毒的提醒？我们小区老人多",
        "能不能在群里发个防煤气中毒的通知 天冷了",
        "物业能不能提醒大家注意防范煤气中毒 我们楼里孩子多",
        "发个通知提醒大家防煤气中毒吧",
        # a smoke alarm set off by cooking, said in another clause (the set's 炒辣椒呛的)
        "刚才报警器响了，是烟雾报警器，我在厨房炒辣椒呛的，已经关掉了没事，就跟你们说一声",
        "烟雾报警器响了 是我烤面包烤糊了 已经关了",
        "刚才烤红薯烤糊了 烟雾报警器响了一下 没事",
        # a pot boiled dry or burnt (the set's 锅烧干了一股糊味)
        "刚才锅烧干了一股糊味，已经关火开窗了，吓我一跳。顺便问一下屋里不到18度怎么报修",
        "锅烧糊了 屋里一股糊味 已经开窗了",
        "饭煮糊了 一屋子糊味 开窗散散就好了 顺便问下暖气费",
        # a fire put out at once
        "做饭把油烧着了一下 盖上锅盖就灭了 烟雾报警器响了半天",
        # works next door smell burnt or throw sparks (the set's 楼下装修切割)
        "楼下装修切割，一股烧焦的味道飘上来，装修时间有规定吗",
        "楼上装修电焊 一股焦味 能管管吗",
        "隔壁装修打磨 烧焦味一直往我家飘 他们几点停工",
        "楼下在切割钢管 一股焦糊味 几点能完工",
        "楼上装修用电焊 火星子往下掉 太吓人了 能不能管一下",
        # the heating's first days burn off dust
        "第一天供暖屋里一股焦味 是不是暖气片上的灰烤着了 每年都有",
        "头一天来暖 暖气片有点焦味 应该是灰吧",
        # an alarm's green light, what to do if
        "燃气报警器一直闪绿灯是什么意思",
        "what do I do if the gas alarm goes off? just asking",
        "要是燃气报警器半夜响了 找你们还是找燃气公司",
        # English smoke the writer explains: cooking, toast, the battery; a person smoking
        "I cooked and the smoke alarm went off, all fine now",
        "burnt my toast and set off the smoke alarm lol",
        "the smoke alarm keeps chirping, I think it needs a new battery",
        "my husband is smoking in the kitchen again",
    ],
)
def test_the_gas_rounds_discount_classes(text: str) -> None:
    assert detect_emergency(text) is None, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a boiler run dry is no pot; poisoning with nothing of prevention is still poisoning
        ("锅炉烧干了 一股焦糊味 还在冒烟", "gas"),
        ("老人煤气中毒了 叫不醒", "person"),
        # a smoke alarm with nothing cooking; a radiator's escape in the kitchen stays the heating's
        ("烟雾报警器一直响 屋里有股焦味 不知道哪烧着了", "gas"),
        ("厨房暖气片漏气 呲呲响", "water"),
        # sparks where the writer rules works out; a yellow pipe with nothing wrong
        ("插座冒火花 不是装修弄的", "gas"),
        ("楼道里那根黄色的管子要刷漆吗", None),
    ],
)
def test_the_gas_rounds_classes_keep_their_edges(text: str, kind: str | None) -> None:
    assert _kind(text) == kind, text


# -------------------------------------------------------------- issue 16, the sixteenth round


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a topic waved aside before the report sets no past frame (the set's 交费的事)
        ("你们先别跟我说交费的事了 我家暖气管爆了 到处是水", "water"),
        ("缴费的事回头再说 厨房暖气片爆了 水喷了一地", "water"),
        ("先不说退费的事 楼道暖气管子裂了 水哗哗往下流", "water"),
        ("甭跟我提收费的事 暖气管爆了 水都漫出门了", "water"),
        # 是不是你们管子 asks, it does not deny the heating
        ("地下室进水了 水是热的 是不是你们管子破了 都快到膝盖了", "water"),
        ("家里到处是水 是不是你们的管道爆了 都漫到门口了", "water"),
        ("楼道全是热水 是不是你们管子裂了", "water"),
        # "smoke" over water said hot in any words is its steam
        ("地下室进水了 水是热的还冒着烟 是不是你们管子破了 都快到膝盖了", "water"),
        ("楼道里全是水 水烫得很 一直冒着烟", "water"),
        ("管子裂了 水还是热的 地上冒烟呢", "water"),
        ("暖气管爆了 水是滚烫的 整个屋子冒烟", "water"),
        # sparks, a crackle or a burnt smell where the leak reached the electrics: the leak's
        ("水顺着墙流进插座里了，刚才啪的一声冒了火花，屋里灯全灭了，我现在不敢动", "water"),
        ("卫生间顶上漏水往下浇 浴霸那块儿滋滋响 还有股焦糊味", "water"),
        ("暖气漏水漏到插线板上了 噼里啪啦冒火花", "water"),
        ("楼上跑水 顺着电线往下淌 开关那儿有股烧焦的味", "water"),
        ("天花板漏水滴到灯上 灯闪了几下 一股糊味 跳闸了", "water"),
        # a gas joint brushed with soapy water bubbles: the residents' test for a gas leak
        ("燃气管子接头那儿用肥皂水一抹直冒泡 味也有 咋办", "gas"),
        ("拿洗洁精水抹了一下煤气表接口 一直在冒泡泡", "gas"),
        ("燃气灶软管那里涂了肥皂水 起了好多泡", "gas"),
        ("用肥皂沫试了试 天然气阀门那儿鼓泡", "gas"),
        ("黄管子接头抹了点肥皂水 冒了一串小泡", "gas"),
    ],
)
def test_the_sixteenth_rounds_families(text: str, kind: str) -> None:
    assert _kind(text) == kind, text


@pytest.mark.parametrize(
    "text",
    [
        # English: a leak said small and contained or asked for later, or no rush
        "the radiator is leaking a little, a few drops a minute, i put a towel under it. "
        "can someone come this week?",
        "My radiator is dripping slowly, a bucket is catching it, no rush.",
        "The valve on my radiator is leaking slightly, I've put a cup under it, tomorrow is fine.",
        "radiator leaking a bit, towel under it, no hurry",
        "The radiator pipe has a small leak, I put a bowl under it, could you come on Monday?",
        # English: the report's sentence set in the past, nothing going on now
        "A pipe burst in my building last winter. Have the old pipes been replaced since then?",
        "Our radiator leaked two years ago and damaged the floor. Is it still the same valve?",
        "Back in 2021 a heating pipe burst in our stairwell; was the whole riser replaced?",
        "Last year the radiator valve was leaking, who fixed it, you or the landlord?",
        # whether a gas smell and the heating are related, asked with nothing here
        "请问煤气味跟暖气有关系吗？网上有人说暖气也会漏气，我有点担心",
        "燃气味和暖气片有没有关系啊 网上看到的",
        "想问下天然气的味道跟供暖有关吗",
        "请问煤气味是不是跟暖气有关系 听邻居说过",
        # a slight seep with its smallness said again, nothing more
        "客厅暖气有点洇水，就是一点潮，地上没积水",
        "您好，劳驾问一下，我们家那暖气片儿底下那个堵头儿有点儿洇水，不多，您看派个师傅过来瞧瞧成吗",
        "暖气管接头有点渗水 摸着潮乎乎的 您派人来看看吧",
        "阀门底下渗了一点点 其他都好 什么时候能来",
        # …in pinyin
        "nuanqi guandao you dian shen shui, bu yanzhong, mingtian neng lai ren ma",
        "fa men you dian lou shui, bu yan zhong, you kong lai yi xia",
        # a report taken back at once, the harmless thing meant
        "暖气漏水了！……哦不对 是我家猫把水盆打翻了 不好意思 打扰了",
        "家里进水了——我是说暖气片进空气了，上面凉下面热，怎么放",
        "暖气片在滴水 哎不对 是窗台上的花盆洒了",
        "暖气管道漏水了 噢不是 是加湿器漏的水",
        "暖气片漏水了 呃不对 是楼上拖地的水流下来了",
        # clothes scorched on a radiator, nothing electric named
        "暖气片上头烘的衣服有股焦味 是不是太热了 衣服都烤黄了",
        "暖气上烤的鞋垫有点糊味 是不是温度太高了",
        "袜子搭暖气片上 一股焦味 都烤硬了",
        "暖气上晾的毛巾闻着有焦糊味 颜色都变黄了",
        # soapy water that does not bubble, or on a radiator (its air)
        "肥皂水抹了燃气接口 没冒泡 应该没漏吧",
        "暖气阀门用肥皂水抹了冒泡 是不是漏气",
    ],
)
def test_the_sixteenth_rounds_discount_classes(text: str) -> None:
    assert detect_emergency(text) is None, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a past event waved aside, or asked about, stays past
        ("去年暖气管爆了的事你们还没赔呢", None),
        ("别跟我说暖气管爆了的事了 都过去半个月了", None),
        ("别跟我提去年漏水的事 那次你们就没管", None),
        # the writer denying the heating still denies it
        ("墙上湿了一片 不是你们的管子 是楼上洗衣机", None),
        # fire or smoke by the electrics stays gas, as do sparks with no water or with gas named
        ("地下室进水了 水是热的 插座那儿冒烟了", "gas"),
        ("暖气漏水流进插座 插座着火了 冒黑烟", "gas"),
        ("插座冒火花了 暖气也不热", "gas"),
        ("厨房有煤气味 暖气片还在漏水 插座也冒火花", "gas"),
        # English water pouring, worsening or hurried is no leak that can wait
        (
            "The radiator is leaking a lot, the towel is soaked and water is everywhere, come now",
            "water",
        ),
        (
            "Water is pouring from the radiator, I put a bucket under it but it's overflowing",
            "water",
        ),
        ("The radiator valve is leaking a little but it's getting worse, please hurry", "water"),
        ("My radiator is leaking, can someone come tomorrow?", "water"),
        # English past with something going on now
        ("The pipe burst last winter too, and now it has burst again, water everywhere!", "water"),
        ("A pipe burst last year and it's leaking again right now", "water"),
        ("The radiator has been leaking since last week and the floor is soaked", "water"),
        # a gas smell asked about with a place, a smell said strong or a sign
        ("屋里一股煤气味 跟暖气有关系吗", "gas"),
        ("厨房煤气味特别冲 是不是跟暖气有关", "gas"),
        ("煤气味越来越重 跟暖气有关系吗 我头有点晕", "gas"),
        ("胸口疼 喘不上气 和暖气有关系吗", "person"),
        # a seep that drips, spreads, grows or reaches the floor; 有点 alone is a hedge
        ("暖气片有点渗水 地板都泡了", "water"),
        ("暖气接口有点渗 现在开始往下滴了", "water"),
        ("暖气片有点渗 一直在渗 越渗越多", "water"),
        ("这个暖气片上面有个眼 刚开始就渗一点点 现在变成一股水柱了", "water"),
        ("卫生间那片暖气片接口有点渗水 地上湿了一小块", "water"),
        ("卫生间暖气片有点渗水 派个人来看看", "water"),
        ("nuanqi you dian lou shui, di shang dou shi shui, kuai lai", "water"),
        # a detail corrected, an emphasis, or a report after the correction keeps the leak
        ("3号楼暖气管爆了 哦不对 是4号楼 水哗哗的", "water"),
        ("暖气片漏水了 哦不对 是管子接口在喷水", "water"),
        ("家里进水了 我是说真的 水都到脚脖子了", "water"),
        ("暖气管爆了 不对不对 是阀门那儿爆了 快来人", "water"),
        ("暖气漏水了 哦不对 漏得更厉害了 拖地都来不及", "water"),
        ("暖气片漏水了 我是说卫生间那个暖气片 洗衣机旁边那个", "water"),
        # clothes that catch fire or smoke, or a burnt smell from the electrics beside them
        ("暖气片上烤的袜子着了 冒烟了", "gas"),
        ("暖气上烘的衣服烤着了 屋里全是烟", "gas"),
        ("暖气片上烤的袜子有焦味 插座那儿也有股烧焦的味", "gas"),
        ("暖气片上烤的袜子有股糊味", "gas"),  # nothing said of why: it may smoulder
    ],
)
def test_the_sixteenth_rounds_classes_keep_their_edges(text: str, kind: str | None) -> None:
    assert _kind(text) == kind, text
