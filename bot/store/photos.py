"""Residents' photos kept from WeChat (table `photos`): which ones to fetch, what came of it,
and the photo of one reading for the console.

A photo is named by the reading it was sent with: `meter_reading_submissions.photo_media_id`
(a meter's dial) or `room_temp_samples.photo_media_id` (a thermometer). Only WeChat sends
photos (an image message's `MediaId`), so a sample's photo is taken as WeChat's whatever channel
invited the household; a meter reading's names its conversation, and one from another channel
is not fetched. The console reaches a photo only through its reading, never by media id, so
nobody can list media that no reading names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.store.errors import InvalidInput, NotFound
from bot.store.models import (
    PHOTO_STATUSES,
    MeterReadingSubmission,
    Photo,
    RoomTempSample,
    require_aware,
)

PHOTO_CHANNEL = "wechat"
#: What `photo_of` accepts as the kind of reading.
READING_KINDS = ("meter", "sample")
_ERROR_CHARS = 255


@dataclass(frozen=True)
class WantedPhoto:
    """A photo a reading names that is not kept yet; `attempts` already made (0: none)."""

    media_id: str
    channel: str
    sender_id: str | None
    received_at: datetime
    attempts: int = 0


@dataclass(frozen=True)
class Outcome:
    """What one round made of a wanted photo, for `record_outcome`.

    `status` is one of `PHOTO_STATUSES`; `fetched` needs `content` and `content_type`, `failed`
    a `next_attempt_at`. `attempted` is false when the photo was given up without asking WeChat
    (its 3 days were over).
    """

    status: str
    attempted: bool = True
    content: bytes | None = None
    content_type: str | None = None
    sha256: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class PhotoContent:
    """A kept photo as the console serves it."""

    content: bytes
    content_type: str
    sha256: str


def _unknown(media_id: object) -> object:
    """Rows of `photos` with this media id do not exist."""
    return ~select(Photo.id).where(Photo.media_id == media_id).exists()


def photos_to_fetch(session: Session, now: datetime, limit: int) -> list[WantedPhoto]:
    """At most `limit` photos to try now: those named by a reading and never tried (oldest
    reading first: the closest to WeChat's 3 days), then failed ones whose retry is due."""
    require_aware(now, "now")
    submissions = session.execute(
        select(
            MeterReadingSubmission.photo_media_id,
            MeterReadingSubmission.sender_id,
            MeterReadingSubmission.submitted_at,
        )
        .where(
            MeterReadingSubmission.photo_media_id.is_not(None),
            MeterReadingSubmission.channel == PHOTO_CHANNEL,
            _unknown(MeterReadingSubmission.photo_media_id),
        )
        .order_by(MeterReadingSubmission.submitted_at, MeterReadingSubmission.id)
        .limit(limit)
    ).all()
    received = func.coalesce(RoomTempSample.measured_at, RoomTempSample.created_at)
    samples = session.execute(
        select(
            RoomTempSample.photo_media_id,
            RoomTempSample.channel,
            RoomTempSample.recipient,
            received,
        )
        .where(RoomTempSample.photo_media_id.is_not(None), _unknown(RoomTempSample.photo_media_id))
        .order_by(received, RoomTempSample.id)
        .limit(limit)
    ).all()
    new: dict[str, WantedPhoto] = {}
    for media_id, sender_id, at in submissions:
        new.setdefault(media_id, WantedPhoto(media_id, PHOTO_CHANNEL, sender_id, at))
    for media_id, channel, recipient, at in samples:
        sender = recipient if channel == PHOTO_CHANNEL else None
        new.setdefault(media_id, WantedPhoto(media_id, PHOTO_CHANNEL, sender, at))
    wanted = sorted(new.values(), key=lambda w: w.received_at)[:limit]
    retries = session.execute(
        select(Photo)
        .where(Photo.status == "failed", Photo.next_attempt_at <= now)
        .order_by(Photo.next_attempt_at, Photo.id)
        .limit(limit - len(wanted))
    ).scalars()
    wanted += [
        WantedPhoto(p.media_id, p.channel, p.sender_id, p.received_at, p.attempts)
        for p in retries
    ]
    return wanted


def record_outcome(session: Session, wanted: WantedPhoto, outcome: Outcome, now: datetime) -> Photo:
    """Write what came of one attempt (or of giving up): the photo's row, created on its first
    outcome. A photo already `fetched` is never overwritten."""
    require_aware(now, "now")
    if outcome.status not in PHOTO_STATUSES:
        raise InvalidInput(f"photo status must be one of {PHOTO_STATUSES}, not {outcome.status!r}")
    if outcome.status == "fetched" and (outcome.content is None or not outcome.content_type):
        raise InvalidInput("a fetched photo needs its content and content type")
    if outcome.status == "failed" and outcome.next_attempt_at is None:
        raise InvalidInput("a failed photo needs the time of its next attempt")
    photo = session.execute(
        select(Photo).where(Photo.media_id == wanted.media_id)
    ).scalar_one_or_none()
    if photo is None:
        photo = Photo(
            media_id=wanted.media_id,
            channel=wanted.channel,
            sender_id=wanted.sender_id,
            received_at=wanted.received_at,
            attempts=0,
            created_at=now,
        )
        session.add(photo)
    elif photo.status == "fetched":
        return photo
    photo.status = outcome.status
    photo.attempts = (photo.attempts or 0) + (1 if outcome.attempted else 0)
    photo.next_attempt_at = outcome.next_attempt_at if outcome.status == "failed" else None
    photo.last_error = outcome.error[:_ERROR_CHARS] if outcome.error else None
    if outcome.status == "fetched":
        assert outcome.content is not None  # checked above
        photo.content = outcome.content
        photo.content_type = outcome.content_type
        photo.size = len(outcome.content)
        photo.sha256 = outcome.sha256
        photo.fetched_at = now
    session.flush()
    return photo


def photo_states(session: Session, media_ids: list[str]) -> dict[str, str]:
    """The status of each of `media_ids` that has a row (no row: not tried yet)."""
    if not media_ids:
        return {}
    rows = session.execute(
        select(Photo.media_id, Photo.status).where(Photo.media_id.in_(set(media_ids)))
    ).all()
    return {media_id: status for media_id, status in rows}


def photo_of(session: Session, kind: str, reading_id: int) -> PhotoContent:
    """The kept photo of one reading (`meter`: a meter reading submission, `sample`: a 室温抽测
    result); `NotFound` when the reading does not exist, has no photo, or it is not kept."""
    if kind not in READING_KINDS:
        raise NotFound(f"no reading kind {kind!r}")
    named = (
        and_(
            MeterReadingSubmission.id == reading_id,
            MeterReadingSubmission.photo_media_id == Photo.media_id,
            MeterReadingSubmission.channel == PHOTO_CHANNEL,
        )
        if kind == "meter"
        else and_(RoomTempSample.id == reading_id, RoomTempSample.photo_media_id == Photo.media_id)
    )
    table = MeterReadingSubmission if kind == "meter" else RoomTempSample
    row = session.execute(
        select(Photo.content, Photo.content_type, Photo.sha256)
        .join(table, named)
        .where(Photo.status == "fetched")
    ).first()
    if row is None:
        raise NotFound(f"no kept photo for {kind} reading {reading_id}")
    return PhotoContent(bytes(row[0]), str(row[1]), str(row[2]))
