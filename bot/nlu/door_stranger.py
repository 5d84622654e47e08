"""A frightened resident with a stranger at the door who claims to be from the company (pure).

刚才有个人敲门说是热力公司的 要收200块 was answered with how to check a fitter (right); then
他没出示工作证 还在门口呢 我怕 got the payment-posting answer and 门口那人不是你们的吧 我该咋办
报警吗 the topic buttons (the player's p4-082). Someone at the door now, with fear, a doubt about
who they are, or the question what to do, is a safety matter: do not open, call 110 when
threatened, check through the hotline. The words, not the classifier, decide: a frightened
message is worded like nothing in the knowledge base.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["afraid_of_the_caller", "stranger_at_door"]

#: Someone at the door or inside the building now (门口, 敲门, 门外, 楼道里, 要进屋).
_AT_THE_DOOR = re.compile(
    r"门口|门外|门前|敲门|砸门|拍门|叫门|堵门|堵在|在门|楼道|进屋|进门|进我家|进家|来我家|到我家|"
    r"上门|家门"
)
#: A person (有个人, 那人, 他, 男的, 两个人).
_PERSON = re.compile(r"人|他|她|男的|女的|小伙|大哥|大姐|师傅|俩")
#: Fear, or doubt of who they are (what to do, asked alone, is an ordinary question).
_ALARM = re.compile(
    r"怕|吓|不敢|慌|报警|110|冒充|骗子|骗人|诈骗|可疑|不像|假的|不是你们|是不是你们|是你们的人吗|"
    r"没出示|不出示|没(?:有)?(?:给我)?(?:看|亮|拿出)?(?:工作)?证|不给看|不肯|不让看|赖着|不走|没走|"
    r"硬要|闯|威胁|凶|靠谱吗|靠不靠谱|真的假的|没穿工作服"
)
#: Who they say they are or what they want (说是热力公司的, 要收300块, 工作证), or fear itself.
_CLAIM_OR_FEAR = re.compile(
    r"说是|自称|冒充|热力|供热|公司|你们的|工作证|证件|收钱|要钱|交钱|收费|\d+块|块钱|检查|检修|"
    r"怕|吓|不敢|慌|报警|110"
)
#: A complaint about a fitter who came (师傅上门没出示工作证 我要投诉): the complaint form's.
_COMPLAINT = re.compile("投诉|举报")
#: What a frightened resident says after the advice on checking a caller (我怕, 报警吗, 那咋办).
_FOLLOW_UP = re.compile(
    r"怕|吓|不敢|慌|报警|110|冒充|骗子|可疑|不是你们|没出示|不给看|还在|没走|不走|咋办|怎么办|该怎么"
)


def stranger_at_door(text: str | None) -> bool:
    """Whether `text` tells of a person at the door now and of fear or doubt about them
    (有个男的在我家门口 说是供热公司的 我不敢开门; 门口那人不是你们的吧 报警吗)."""
    said = to_canonical(str(text or ""))
    return bool(
        _AT_THE_DOOR.search(said)
        and _PERSON.search(said)
        and _ALARM.search(said)
        and _CLAIM_OR_FEAR.search(said)
        and not _COMPLAINT.search(said)
    )


def afraid_of_the_caller(text: str | None) -> bool:
    """Whether `text`, said right after the advice on a caller at the door, goes on about them
    (我怕, 要不要报警, 他还没走 那咋办)."""
    said = to_canonical(str(text or ""))
    return bool(_FOLLOW_UP.search(said)) and not _COMPLAINT.search(said)
