"""What a resident asks right after the emergency answer, in the same emergency (pure rules).

Played as residents (2026-12-06, /work/sets/player_findings.md, class G): someone who left a flat
smelling of gas asked from the stairwell 燃气那个电话多少 再说一遍 and was told "I only handle
heating"; a neighbour whose elderly neighbour does not open the door asked 我进不去 是打110还是120
and got a complaint form; a resident at a burst radiator asked 阀门在哪旮沓啊 找不着 水烫手 and was
told valves are kept fully open; 那我现在该怎么办 after the gas advice got "I only handle heating".
At a burst radiator with water on the floor near a socket, 那我现在要不要拉闸啊 水快到插座了 and
then 拉闸 were not understood at all (players' findings 3, p3-065): whether to cut the power is
the question the advice itself raised (必要时拉闸断电), answered as a question about it.
The classifier reads such messages as anything (out_of_scope, file_complaint, faq); inside an
emergency they are questions about it, answered by `action_emergency_follow_up`
(actions/emergency.py) through `bot.nlu.safety_net`.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

#: The numbers said again (再说一遍, 电话多少, 打哪个, 110还是120).
NUMBERS = "numbers"
#: Someone who cannot be reached behind a locked door (敲门不应, 进不去, 门锁着).
LOCKED_OUT = "locked_out"
#: Where the valves are, or that they cannot be reached (阀门在哪, 找不着, 够不着, 太烫).
VALVE = "valve"
#: The power: whether to cut it, with water near the sockets (要不要拉闸, 水快到插座了, 电闸在哪).
ELECTRICS = "electrics"
#: What to do now, asked and nothing else (那我现在该怎么办, 那我现在要干嘛): the advice again.
WHAT_NOW = "what_now"

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        LOCKED_OUT,
        re.compile(
            r"进不去|门锁着|锁着门|敲门.{0,4}(不应|没人应|没反应|没动静|不开)|叫门.{0,3}不应|"
            r"不开门|没(人)?应(门|声)|打不开(他|她)?(家)?(的)?门"
        ),
    ),
    (
        VALVE,
        re.compile(
            r"阀.{0,4}(在哪|哪儿|哪里|哪旮|啥样|什么样|长啥|找不|找不着|够不着|拧不|关不|太烫|烫手)|"
            r"(找不着|找不到|够不着|不知道).{0,4}阀|总阀.{0,4}(在|哪)"
        ),
    ),
    (
        ELECTRICS,
        re.compile(
            r"拉闸|电闸|断电|断个电|关电|跳闸|空开|配电箱|电箱|电源|插座|插线板|插排|电线|"
            r"漏电|触电|电到|电着|带电"
        ),
    ),
    (
        NUMBERS,
        re.compile(
            r"(电话|号码|手机号|热线).{0,6}(多少|几号|是啥|是什么|再说|再发|再给|重复)|"
            r"再说一遍|再说一下|再发一遍|再发一下|没记住|没看清|(打|拨)(哪个|啥|什么|几)|"
            r"(给|找)谁打|打给谁|该找谁|"
            r"(?<!\d)(110|120|119|96777)(?!\d)"
        ),
    ),
)


#: Only "what do I do now?" (那我现在该怎么办): a question about anything else (暖气不热怎么办)
#: names it, and is not this.
_WHAT_NOW = re.compile(
    r"(?:那|那么|现在|接下来|下一步|然后|我|我们|俺|咱|该|应该|要|得|还|需要|到底|具体|可)*"
    r"(?:怎么办|咋办|咋整|怎么弄|咋弄|怎么做|干啥|干嘛|做什么|干什么|做啥)"
    r"(?:呢|啊|呀|吧|了|哇)*[?？。.!！\s]*"
)


#: Questions about a leak itself (where the valves are, whether to cut the power).
ABOUT_THE_LEAK = frozenset({VALVE, ELECTRICS})


def about_the_leak(asked: str | None, reported: str | None) -> bool:
    """Whether a question (`emergency_follow_up`'s kind) is about the leak the conversation
    reported (`reported`: the kind of its latest emergency), however many turns the address,
    the phone and the ticket's status took since the advice: 总阀在哪关啊 我找不到, four messages
    after the leak (hat-011), was offered knowledge-base buttons while the water ran."""
    return asked in ABOUT_THE_LEAK and reported == "water"


def emergency_follow_up(text: str | None) -> str | None:
    """The kind of question `text` asks about the emergency just answered (LOCKED_OUT, VALVE,
    ELECTRICS, NUMBERS, WHAT_NOW), or None: anything else goes on as the conversation would.
    那我现在该怎么办 right after the gas advice was read as out of scope ("I only handle
    heating")."""
    canonical = to_canonical(str(text or ""))
    for kind, pattern in _RULES:
        if pattern.search(canonical):
            return kind
    if _WHAT_NOW.fullmatch(canonical.strip()):
        return WHAT_NOW
    return None
