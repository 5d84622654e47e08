"""A yes to the read-back in the resident's own words (pure text rules).

Before a ticket is filed the bot lists what it took down and asks 以上信息对吗
(actions/readback.py). Residents answer with more than 对: 对，谢谢 (read as thanks, so the
thank-you rule answered 不客气 and the list came again), 行 就这样 (read as a goodbye, which
withdrew the request), 对，8号楼，手机138… (the details said once more, read as new details, so the
list came again, three times, and nothing was filed). Each is a yes: it opens with a word of
agreement, and what follows adds only thanks, urging, or the very details on the list.

`agrees_to_read_back(text, held)` says so; `held` are the details the list showed (address,
phone). A message that changes something (对，电话换成139…, 是 不过是5号楼), asks something, or
takes the request back is no such yes, and the forms treat it as before.

Two more kinds of message answer a form although they read as something else
(`bot.nlu.form_answer_policy.FormAnswerPolicy`): a person asked for *in addition* at the read-back
(另外能不能让个真人给我回个电话: `adds_a_person`, the details stand and are filed), and more of a
complaint that asks nothing (`tells_more_of_complaint`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.nlu.clauses import is_question
from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import to_canonical
from bot.nlu.requests import asks_for_repair, gives_up

__all__ = [
    "adds_a_person",
    "adds_a_request",
    "agrees_to_read_back",
    "files_with_a_note",
    "request_words",
    "tells_more_of_complaint",
]

#: Words of agreement a yes opens with (对, 是的, 没错, 行, 好的, 确认, 可以, 就这样, ok).
_OPENING = re.compile(
    r"^(?:对+的?|是+的?|没错|没问题|正确|确认(?:无误)?|可以|行+|好+的?|好嘞|嗯+|中|成|妥|"
    r"ok|okay|yes|就这样|就这么(?:办|定))",
    re.IGNORECASE,
)
#: What may follow the yes without changing it: more agreement, thanks, urging, asking to file.
_FILLER = re.compile(
    r"那?就这样|那?就这么(?:办|定)|对+的?|是+的?|没错|没问题|都对|信息(?:都)?(?:对|没错|正确)|正确|无误|"
    r"确认|可以|行+|好+的?|好嘞|嗯+|谢谢(?:你们?|您|了|啦)?|多谢|感谢|辛苦(?:了|你们?|您)?|"
    r"麻烦(?:你们?|您)?(?:了)?|赶紧(?:的)?|快点|尽快|越快越好|抓紧|提交|交|办|登记|报上|弄|安排|处理|"
    r"那|吧|啊|呀|哈|了|的|呢|嘛|哦|噢|ok|okay|yes|sure",
    re.IGNORECASE,
)
#: A sign-off after the yes (上课了先不回了, 我先去忙了, 要开会了 等你们电话, 回头聊): the
#: resident leaves the chat, not the request; 先不提交 / 先不修了 take the request back.
_SIGN_OFF = re.compile(
    r"[我俺]?(?:这边|这会儿?)?(?:先|要|得|该|马上|现在|一会儿?)*(?:去)?"
    r"(?:上课|上班|开会|干活|出门|下楼|睡觉?|开车|忙|进电梯|上工|下地)(?:去)?了?"
    r"|[我俺]?先(?:不回(?:复|消息)?|去?忙|下了|撤了?|这样|走了?)(?:了|啊|哈|去了)?"
    r"|回头(?:再)?(?:聊|说|联系)|等(?:你们?|您)?的?(?:电话|消息|通知|联系)"
    r"|有事(?:打|给)?[我俺](?:打)?电话|不(?:用|必)回(?:复|了)?"
)
#: Words that add a request to the one read back, not replace it (这个也一起给我解决, 顺便).
_ALSO = re.compile(
    r"也一起|一起(?:给我|帮我|给俺)?(?:解决|办|弄|处理|报|修)|一块儿?(?:办|弄|解决|处理)|顺便|捎带|同时"
)
#: A question about the list is no yes (对吗, 是吗？): anything else that is not agreement,
#: thanks, urging or a detail on the list is left over and makes it no yes (不过是5号楼, 取消).
_ASKING = re.compile(r"吗|[?？]")
#: Labels residents put before a detail they repeat (手机13811225596, 地址是8号楼).
_LABEL = re.compile(
    r"手机号?(?:码)?|电话(?:号码?)?|号码|联系方式|地址|门牌|尾号|问题|故障|事项|类别|是|就是|就|这个|那个|在"
)
#: The request each read-back is for, as residents name it when they say it again (是的，就是投诉
#: 服务态度 at a complaint's list; 对 就是报修暖气不热): held beside the list's details
#: (`request_words`), so only the request of that form is a yes (对 投诉 at a repair's list is
#: another request, not this one).
_FORM_REQUESTS = {
    "complaint_form": ("投诉", "反映"),
    "repair_form": ("报修", "维修", "修理"),
    "temp_check_form": ("上门测温", "测室温", "测温"),
}
_REQUEST_WORDS = frozenset(w for words in _FORM_REQUESTS.values() for w in words)


def request_words(form: str | None) -> tuple[str, ...]:
    """The words that name the request of `form`'s read-back, to hold beside its details."""
    return _FORM_REQUESTS.get(str(form), ())
_SEPARATORS = re.compile(r"[\s，,。.！!、；;：:~～…]+")


def _matches_held(chunk: str, held: list[str]) -> bool:
    """Whether `chunk` (a detail said again) is part of what the list showed: a piece of the
    address (8号楼, 3单元902) or the phone's digits."""
    chunk = _LABEL.sub("", chunk)
    for word in held:
        if word in _REQUEST_WORDS:
            chunk = chunk.replace(word, "")  # the request named again (就是投诉服务态度)
    chunk = chunk.removeprefix("的")
    if not chunk:
        return True
    digits = re.sub(r"\D", "", chunk)
    for value in held:
        if chunk in value:
            return True
        value_digits = re.sub(r"\D", "", value)
        if digits and digits == chunk and len(digits) >= 4 and value_digits.endswith(digits):
            return True
    return False


#: "Not that one" said of another kind of request than the one read back, by the form whose
#: read-back it answers: 对 就投诉 不用报修 at a complaint's list wants the complaint filed (the
#: writers' hax-027 was withdrawn on the 不用), 对 不用投诉 at a repair's wants the repair.
_OTHER_DECLINED = {
    "complaint_form": r"报修|维修|修理?|派人|派师傅|(?:上门|来人)(?:看|修)?",
    "repair_form": r"投诉|测温",
    "temp_check_form": r"投诉|报修|维修|修",
}
#: The form's own request named as the one wanted (就投诉, 只要投诉, 投诉就行, 就报修).
_OWN_REQUEST = {
    "complaint_form": "投诉",
    "repair_form": "报修|修",
    "temp_check_form": "测温|量温度",
}
_NO_TO = r"(?:不用|不要|不需要|不必|别|甭)(?:给我|给俺|再)?"
#: What a remark beside such a yes may not hold: a detail changed or corrected, or a question.
_CHANGING = re.compile(r"\d|换|改|错|不对|不是|不过|但|地址|电话|手机|号楼|单元|时间|类别|内容")


def _declined_beside(chunks: list[str], form: str | None) -> bool:
    """Whether the chunks after a yes decline only another kind of request than `form`'s and
    name `form`'s own as the one wanted, the rest being remarks that change nothing (对 就投诉
    不用报修 修管子是你们的事)."""
    if form not in _OTHER_DECLINED:
        return False
    # 不用报修, 不用派人来修, 别派师傅上门了: a "no" first, the other request in a few words
    other = re.compile(rf"{_NO_TO}.{{0,4}}?(?:{_OTHER_DECLINED[form]}).{{0,4}}")
    own = re.compile(
        rf"(?:就|只|只是|只要|就是|我要|要)?(?:{_OWN_REQUEST[form]})(?:就行|就好|就够了|就可以)?(?:了|吧)*"
    )
    declined = False
    for chunk in chunks:
        if other.fullmatch(chunk) and not _CHANGING.search(chunk):
            declined = True
        elif own.fullmatch(chunk) or not chunk:
            continue
        elif _CHANGING.search(chunk) or gives_up(chunk) or is_question(chunk):
            return False
    return declined


def agrees_to_read_back(
    text: str | None,
    held: Iterable[str | None] = (),
    held_time: Callable[[str], bool] | None = None,
    form: str | None = None,
) -> bool:
    """Whether `text` says yes to the read-back: it opens with agreement (对, 是的, 行, 好的,
    确认, 就这样) and the rest is only more agreement, thanks, urging, or details the list
    showed (`held`: the address and phone as read back; `held_time`: whether a time said agrees
    with the visit window on the list, 对，周三上午 / 对 改到下午). 对，谢谢 / 行 就这样 /
    对，8号楼，手机13811225596 are yes; 对，电话换成139… / 是吗 / 对了 我还想问 / 不对 are not.
    With `form`, the form whose list it is: a yes that says no only to another kind of request
    (对 就投诉 不用报修 at a complaint's) is a yes too."""
    canonical = to_canonical(str(text or "")).strip()
    if not _OPENING.match(canonical) or _ASKING.search(canonical):
        return False
    values = [to_canonical(str(v)) for v in held if v]
    rest = _OPENING.sub("", canonical, count=1)
    if _declined_beside(_SEPARATORS.split(rest), form):
        return True
    for chunk in _SEPARATORS.split(rest):
        remaining = _FILLER.sub("", _SIGN_OFF.sub("", chunk))
        told_again = _matches_held(remaining, values) or (held_time and held_time(chunk))
        if remaining and not told_again:
            return False
    return True


#: A request added to what was said (另外 / 还有 / 顺便 / 同时 …), at the start of the message.
_ADDED = re.compile(r"^.{0,3}?(另外|还有|顺便|同时|并且|而且|再就是|此外|也)")
#: The complaint's own questions, whose answer is the resident's account of what happened.
STORY_SLOTS = frozenset({"complaint_text", "complaint_category"})
#: Intents a complaint's account is read as when it names fees, a stop or a hall, asking nothing.
STORY_LOOKALIKES = frozenset({"faq", "query_outage", "query_service_hall", "out_of_scope"})


#: Forms a request added after a yes at the read-back starts once the ticket is filed.
ADDED_REQUEST_FORMS = {
    "report_repair": "repair_form",
    "request_temp_check": "temp_check_form",
    "file_complaint": "complaint_form",
}
#: A yes, then a request added to it (对，另外再帮我重新报个修; 行 还有帮我约个测温).
_YES_AND_MORE = re.compile(
    _OPENING.pattern + r"[\s，,。.！!、]*(?:另外|还有|顺便|同时|然后|再就是|此外|再)"
)


#: A yes that is no other word (对不起, 对吗, 是不是, 行不行): it agrees to nothing.
_NOT_A_YES = re.compile(r"^(?:对|是|行|好|可以|中|成)(?:不|吗|么|嘛|没)")


def adds_a_request(
    intent: str | None, text: str | None, confirming: str | None = None
) -> str | None:
    """The form a message that says yes to the read-back and adds another request starts after
    the filing (对，另外再帮我重新报个修 → repair_form); None for any other message. Read as that
    request alone, it dropped the details just confirmed (players' class D).

    `confirming` is the form whose read-back is answered. A yes followed straight by another
    kind of request, with no 另外 (对 那今天到底谁来修？ / 对 那到底啥时候来人修 at a complaint
    about repairs that never came), asks for that request too: the complaint was dropped
    (players' class A). Followed by the same kind (对 那什么时候来修 at the repair's read-back)
    it is a question about this request, not a second one."""
    canonical = to_canonical(str(text or "")).strip()
    if not _OPENING.match(canonical) and _ALSO.search(canonical) and not gives_up(canonical):
        # 暖气到现在还是不热，这个也一起给我解决 at a complaint's read-back (dev hav-020): the
        # complaint stands and the repair is added; it used to replace the complaint
        form = ADDED_REQUEST_FORMS.get(str(intent))
        return form if form is not None and confirming and form != confirming else None
    if not _OPENING.match(canonical) or _NOT_A_YES.match(canonical):
        return None
    rest = _OPENING.sub("", canonical, count=1)
    if _declined_beside(_SEPARATORS.split(rest), confirming):
        return None  # 对 就投诉 不用报修: the repair is what is not wanted
    form = ADDED_REQUEST_FORMS.get(str(intent))
    if form is not None and _YES_AND_MORE.match(canonical):
        return form
    if form is None and asks_for_repair(rest):
        form = ADDED_REQUEST_FORMS["report_repair"]
    return form if form is not None and confirming and form != confirming else None


def adds_a_person(intent: str | None, text: str | None) -> bool:
    """Whether a message asks for a person in addition to what was said (另外能不能让个真人给我回
    个电话), not instead of it."""
    return intent == "request_human" and bool(_ADDED.search(to_canonical(str(text or ""))))


def tells_more_of_complaint(intent: str | None, text: str | None, question: str | None) -> bool:
    """Whether a message inside the complaint form is more of the complaint, not a question or
    another request: at the account's questions, one read as a question that asks nothing; at
    any question, one read as a repair that names no fault and asks for no fitter."""
    canonical = to_canonical(str(text or ""))
    if intent in STORY_LOOKALIKES and question in STORY_SLOTS:
        return not is_question(canonical)
    if intent == "report_repair":
        return fault_type_of(canonical) is None and not asks_for_repair(canonical)
    return False


#: Asking for the complaint to be filed, as a message's last words: 请记录投诉 / 麻烦帮我登记一下 /
#: 帮我把投诉提交了吧 / 就按这个投诉吧 / 记下来吧.
_FILE_IT = re.compile(
    r"^(?:那|那就|就)?(?:请|麻烦|劳驾)?(?:你们?|您)?(?:帮(?:我|忙)?|给我)?"
    r"(?:把(?:这个|我的|这条|这)?(?:投诉|情况|问题|事)?)?(?:正式)?"
    r"(?:记录|登记|提交|受理|记下来?|记上|备案|上报|按这个投诉|这样投诉|就这样投诉|投诉)"
    r"(?:下来|上去|上|一下|下)?(?:了)?(?:我的|这个|这条)?(?:投诉|情况)?(?:吧|啊|呀|哈|了)?$"
)
#: Asking to file it as read back, in other words (就按投诉处理, 就这么提交, 按这个报,
#: 投诉给我记上): three read-backs in a row took them for more of the complaint (hail t
#: hat-022, hat-024).
_AS_READ = re.compile(
    r"^(?:那|那就|就)?(?:请|麻烦)?(?:你们?|您)?(?:就)?(?:按|照|按照)着?"
    r"(?:这个|这样|这|上面的?|你说的|刚才的?)?(?:的)?(?:投诉)?(?:来)?"
    r"(?:处理|办|报|提交|走|来|登记|受理)(?:吧|啊|呀|哈|了|就行|就好|就可以)*$"
    r"|^(?:那|那就|就)?(?:这么|这样)(?:提交|报|办|处理|登记)(?:吧|了|啊|呀|哈)*$"
    r"|^(?:那|那就|就)?(?:投诉|这个|这事|这条)?(?:给我|帮我|给俺|帮俺)"
    r"(?:记上|记下来?|登记上?|提交上?|报上去?)(?:吧|了|啊|呀|哈)*$"
)
#: Words of a detail (an address, a phone) that a note must not carry: a change of those is read
#: back again (`agrees_to_read_back`), never filed unseen.
_DETAIL_WORDS = re.compile(r"\d{3,}|\d+(?:号|室|层|楼)|地址|电话|手机|号楼|单元|门牌|楼号|室号")
#: Clause breaks of a note, kept when the note is stored.
_CLAUSES = re.compile(r"[，,。.！!；;\s]+")


def files_with_a_note(text: str | None) -> str | None:
    """At a complaint's read-back, a message that ends by asking to file it: a yes, and the
    words before the ask are returned as a note for the account ('' when there are none). Such
    words clarify what the complaint is about (不是我家暖气坏了，是楼下机器的声音。请记录投诉，
    谢谢。). None for any other message: one without the ask, or whose other words ask
    something (…是不是要找物业？请登记) or change the address or phone (不是3单元 是4单元 请登记:
    read back again). A message that ends by asking to file takes nothing back (不是暖气不热的
    问题，是态度问题 is a correction of what it is about, not 不用了)."""
    clauses = [c for c in _CLAUSES.split(str(text or "").strip()) if c]
    while clauses and not _FILLER.sub("", _SIGN_OFF.sub("", to_canonical(clauses[-1]))):
        clauses.pop()  # 谢谢 / 麻烦了 after the ask
    last = to_canonical(clauses[-1]) if clauses else ""
    if not (_FILE_IT.match(last) or _AS_READ.match(last)):
        return None
    if clauses[:-1] and not _FILLER.sub("", _OPENING.sub("", to_canonical(clauses[0]))):
        clauses.pop(0)  # 对， before the clarification
    note = "，".join(clauses[:-1])
    canonical = to_canonical(note)
    if note and (
        _ASKING.search(canonical)
        or is_question(canonical)
        or _DETAIL_WORDS.search(canonical)
    ):
        return None
    return note
