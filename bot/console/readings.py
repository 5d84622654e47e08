"""The residents' own readings as staff review them in the console, each with its photo.

Two lists: meter readings residents sent (`meter_reading_submissions`: those waiting for review
first, then the newest) and the 室温抽测 households' own room readings (`room_temp_samples`
with `source` `resident`, newest first). Each says what became of its photo (`photo`):
`none` (sent without one), `waiting` (not fetched yet), `failed` (WeChat did not answer yet;
retried), `fetched` (with the console's URL of the image, by reading: never by media id),
`refused` (WeChat served no image, or one over the size cap), `expired` (WeChat's 3 days
passed before it could be kept) or `unavailable` (a media id from another channel than WeChat:
nowhere to fetch it from). Account numbers are masked for agents, as everywhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from bot.handoff import rules
from bot.handoff.rules import Actor
from bot.privacy import mask_account
from bot.store.models import Meter, MeterReadingSubmission, RoomTempSample
from bot.store.photos import PHOTO_CHANNEL, photo_states

#: Rows per list: a review page, not an archive.
LIST_LIMIT = 100

PHOTO_NAMES = {
    "none": "无照片",
    "waiting": "待获取",
    "failed": "获取失败，稍后重试",
    "fetched": "已保存",
    "refused": "不是图片或过大，未保存",
    "expired": "已过微信 3 天有效期，未能保存",
    "unavailable": "不是微信发来的照片，无法获取",
}
SUBMISSION_STATUS_NAMES = {"pending": "待审核", "accepted": "已采用", "rejected": "未采用"}


def photo_url(kind: str, reading_id: int) -> str:
    """Where the console serves the kept photo of one reading."""
    return f"/api/readings/{kind}/{reading_id}/photo"


def _photo(
    kind: str, reading_id: int, media_id: str | None, fetchable: bool, states: dict[str, str]
) -> dict[str, Any]:
    if not media_id:
        state = "none"
    elif not fetchable:
        state = "unavailable"
    else:
        state = states.get(media_id, "waiting")
    shown: dict[str, Any] = {"state": state, "state_name": PHOTO_NAMES[state]}
    if state == "fetched":
        shown["url"] = photo_url(kind, reading_id)
    return shown


def readings_for_review(session: Session, actor: Actor, limit: int = LIST_LIMIT) -> dict[str, Any]:
    """Both lists, as the console's JSON shows them to `actor`."""
    account = (lambda no: no) if rules.sees_full_numbers(actor) else mask_account
    submissions = session.execute(
        select(MeterReadingSubmission, Meter.unit)
        .join(Meter, Meter.meter_no == MeterReadingSubmission.meter_no)
        .order_by(
            case((MeterReadingSubmission.status == "pending", 0), else_=1),
            MeterReadingSubmission.submitted_at.desc(),
            MeterReadingSubmission.id.desc(),
        )
        .limit(limit)
    ).all()
    samples = (
        session.execute(
            select(RoomTempSample)
            .where(RoomTempSample.source == "resident", RoomTempSample.status == "measured")
            .order_by(RoomTempSample.measured_at.desc(), RoomTempSample.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    media = [s.photo_media_id for s, _ in submissions if s.photo_media_id]
    media += [s.photo_media_id for s in samples if s.photo_media_id]
    states = photo_states(session, media)
    return {
        "meter": [
            {
                "id": s.id,
                "account_no": account(s.account_no),
                "meter_no": s.meter_no,
                "value": str(s.value),
                "unit": unit,
                "written": s.written,
                "submitted_at": s.submitted_at.isoformat(),
                "status": s.status,
                "status_name": SUBMISSION_STATUS_NAMES.get(s.status, s.status),
                "photo": _photo(
                    "meter", s.id, s.photo_media_id, s.channel == PHOTO_CHANNEL, states
                ),
            }
            for s, unit in submissions
        ],
        "samples": [
            {
                "id": s.id,
                "campaign": s.campaign,
                "account_no": account(s.account_no),
                "temperature_c": s.temperature_c,
                "standard_c": s.standard_c,
                "meets_standard": s.meets_standard,
                "measured_at": s.measured_at.isoformat() if s.measured_at else None,
                "photo": _photo("sample", s.id, s.photo_media_id, True, states),
            }
            for s in samples
        ],
    }
