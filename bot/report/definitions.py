"""What each figure of the report means, in plain Chinese for the managers who read it.

Shown beside every figure in the HTML, on the workbook's 口径说明 sheet and sent to the console.
The policy's own numbers (seconds, degrees, days, targets) are written into the text, so a
definition never disagrees with the file the company edits.
"""

from __future__ import annotations

from bot.labels import DEADLINE_NAMES
from bot.policy import Policy

#: The first page's figures by their Chinese names (`standard.HEADLINE` order).
FIGURE_NAMES: dict[str, str] = {
    "answer_rate": "人工接通率",
    "room_temperature_rate": "室温达标率",
    "satisfaction": "客户满意度",
    "first_contact_resolution": "一次解决率",
    "deadline_compliance": "时限达标率",
}


def _pct(share: float) -> str:
    return f"{share * 100:g}%"


def definitions(policy: Policy) -> dict[str, str]:
    """Each figure's definition, keyed like the report's figures."""
    quality, targets = policy.quality, policy.quality.targets
    low = policy.follow_up.low_rating_max
    minimum = f"{policy.room_temperature.minimum_c:g}°C"
    deadline_names = "、".join(DEADLINE_NAMES.values())
    return {
        "answer_rate": (
            f"统计期内转人工的对话中，{quality.answer_within_seconds} 秒内有客服接入的比例。"
            f"仍在排队、尚未等满 {quality.answer_within_seconds} 秒的不计入；超时后才接入或始终"
            f"无人接入的都算未接通。目标 ≥ {_pct(targets.answer_rate)}。"
        ),
        "room_temperature_rate": (
            f"统计期内取得的室温读数中，不低于 {minimum}（卧室、起居室的法定最低温度）的比例。"
            "读数目前来自测温工单上记录的室温（居民报的温度，或上门实测后改记的温度，已取消的"
            "工单除外）；室温抽测结果入库后一并计入。测温工单多来自觉得冷的住户，所以这一比例"
            f"低于全体住户的实际达标率。目标 ≥ {_pct(targets.room_temperature_rate)}。"
        ),
        "satisfaction": (
            f"统计期内回访作答的评分中，评 {quality.satisfied_min_rating} 分及以上（满意、"
            "非常满意，满分 5 分）的比例；未作答的回访不计入。并列出 1–5 分的分布和发出的回访数。"
            f"目标 ≥ {_pct(targets.satisfaction)}。"
        ),
        "first_contact_resolution": (
            "统计期内受理并已办结的报修、测温、投诉工单中，一次解决的比例。办结后 "
            f"{quality.repeat_days} 天内同一户（同一户号，没有户号时同一地址或同一联系人）又为"
            f"同类问题报单的，或回访评 {low} 分及以下的，都不算一次解决。"
            f"目标 ≥ {_pct(targets.first_contact_resolution)}。"
        ),
        "deadline_compliance": (
            f"统计期内受理的工单的全部时限（{deadline_names}）中，按时完成的比例，即下面"
            f"各时限的按时数之和 ÷ 已评判数之和。目标 ≥ {_pct(targets.deadline_compliance)}。"
        ),
        "tickets": "统计期内受理的工单数（按受理时间、公司所在时区），按类型和渠道分列。",
        "deadlines": (
            "统计期内受理、带有该时限的工单，截至报表生成时的情况。按时：在承诺时间之前完成；"
            "超时完成：完成晚于承诺时间；逾期未完成：工单仍未结束且已过承诺时间；未到期的不计入"
            "按时率。首次响应以客服回复或工单转为已派单、处理中为准，上门以工人到场记录或转为"
            "处理中为准，办结以工单转为已办结为准；已取消且未完成的不评判。按时率 = 按时 ÷ "
            "（按时 + 超时完成 + 逾期未完成）。承诺时间按受理时的服务承诺，事后不改。"
        ),
        "breaches": (
            "超时次数：超时完成或逾期未完成，每张工单每个时限最多计一次，按类型和时限分列。"
        ),
        "by_day": (
            "统计期内每一天受理的工单数、这些工单的超时次数、当天取得的室温读数和其中达标的数量；"
            "没有工单的日子也列出。"
        ),
        "communities": (
            "按小区：统计期内受理的工单数、超时次数、测温工单数、室温读数、达标读数和室温达标率。"
            "工单或读数没有小区的归入“未填写小区”。"
        ),
        "slowest": (
            "统计期内受理的工单中耗时最长的十张：已办结的从受理到办结，未办结的从受理到报表生成时"
            "（仍在计时）。已取消的不列。"
        ),
        "low_ratings": (
            f"统计期内回访评 {low} 分及以下的份数，以及居民随评分写下的原话（不改一字，"
            "最新的在前）。按规定，这些回访都转人工回电跟进。"
        ),
        "conversations": (
            "来自机器人的对话记录。对话数 = 统计期内发过消息的居民数；自助解决率 = 期内既没有转"
            "人工、也没有回电工单的对话 ÷ 对话数；转人工率 = 期内转过人工的对话 ÷ 对话数；"
            "未听懂率 = 机器人没听懂、只能请居民换个说法的消息 ÷ 居民消息数；常见问题 = 居民消息"
            "最多的十类意图。"
        ),
        "handoff_wait": (
            "统计期内转人工的对话，从转人工到客服接入的等待分钟数（平均、中位、最长），只计已接入的；"
            "未接入 = 排队超时转为回电工单，或无人接入即结束的对话。"
        ),
        "complaints": "每千户投诉量 = 统计期内受理的投诉工单数 × 1000 ÷ 系统中的用户户数。",
    }


#: Every section's Chinese title, keyed like `definitions`.
TITLES: dict[str, str] = {
    **FIGURE_NAMES,
    "tickets": "工单量",
    "deadlines": "时限",
    "breaches": "超时",
    "by_day": "每日趋势",
    "communities": "各小区",
    "slowest": "耗时最长的工单",
    "low_ratings": "低分回访原话",
    "conversations": "机器人对话",
    "handoff_wait": "转人工等待",
    "complaints": "每千户投诉",
}
