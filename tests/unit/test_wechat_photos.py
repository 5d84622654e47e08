"""Keeping residents' WeChat photos: the `photos` table, the scheduler's job that fetches the
photos readings name (retries, WeChat's 3 days), on SQLite and PostgreSQL, against the WeChat
stand-in."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from alembic import command
from service_helpers import beijing, fakes, sessions_on
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.media import MediaDownloader
from bot.channels.wechat.photos import (
    MEDIA_LIFETIME,
    PER_ROUND,
    ROUND_BUDGET,
    PhotoFetcher,
    has_expired,
    photo_fetcher,
    retry_delay,
)
from bot.config import ConfigError
from bot.scheduler import Scheduler
from bot.standins.wechat_api import MEDIA_PATH, WeChatApiStandIn
from bot.store.db import alembic_config, dispose_engines, ensure_schema, get_engine, session_scope
from bot.store.errors import NotFound
from bot.store.meters import SubmissionDraft, submit_reading
from bot.store.models import Account, Meter, Photo, RoomTempSample
from bot.store.photos import Outcome, WantedPhoto, photo_of, photos_to_fetch, record_outcome

APP_ID, SECRET = "wxphototest", "photo-secret"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"dial" * 300
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"thermo" * 200
RESIDENT = "wechat:oResident000000000000001"
HOUSEHOLD = "wechat:oHousehold00000000000001"
MINUTE = timedelta(minutes=1)


def _fetcher(
    wechat: WeChatApiStandIn, per_round: int = PER_ROUND, budget: float = ROUND_BUDGET
) -> PhotoFetcher:
    """A fetcher of the stand-in's media, with the round's limits."""
    config = WeChatConfig(token="t", app_id=APP_ID, app_secret=SECRET, api_base=wechat.base_url)
    return PhotoFetcher(MediaDownloader(WeChatApi(config), timeout=5.0), per_round, budget)


@pytest.fixture
def fetcher(wechat: WeChatApiStandIn) -> PhotoFetcher:
    return _fetcher(wechat)


@pytest.fixture
def households(session: Session, add_account: Callable[..., Account], now: datetime) -> None:
    add_account("0502345670", community="翠湖苑", billing_kind="metered")
    add_account("0502345671", community="翠湖苑", billing_kind="metered")
    session.add(Meter(meter_no="RB00000001", account_no="0502345670", unit="kWh", created_at=now))
    session.flush()


def _reading(
    session: Session,
    media_id: str | None,
    at: datetime,
    channel: str = "wechat",
    key: str | None = None,
) -> int:
    """A resident's meter reading with its photo's media id, committed; its id."""
    submission = submit_reading(
        session,
        SubmissionDraft(
            meter_no="RB00000001",
            account_no="0502345670",
            channel=channel,
            sender_id=RESIDENT if channel == "wechat" else f"{channel}:someone",
            value=Decimal("17120"),
            written="17120",
            photo_media_id=media_id,
            dedup_key=key or f"m-{media_id}",
        ),
        at,
    )
    session.commit()
    return int(submission.id)


def _sample(session: Session, media_id: str, at: datetime) -> int:
    """A 室温抽测 household's own reading with a thermometer photo, committed; its id."""
    sample = RoomTempSample(
        campaign="2026-12 抽测",
        account_no="0502345671",
        visit_start=at + timedelta(days=3),
        visit_end=at + timedelta(days=3, hours=2),
        status="measured",
        channel="wechat",
        recipient=HOUSEHOLD,
        measured_at=at,
        temperature_c=18.5,
        standard_c=18.0,
        meets_standard=True,
        source="resident",
        photo_media_id=media_id,
        created_at=at - timedelta(days=1),
    )
    session.add(sample)
    session.commit()
    return int(sample.id)


def _three_readings(session: Session, wechat: WeChatApiStandIn, now: datetime) -> None:
    """Three readings with a photo each, the oldest first, their media on the stand-in."""
    for n in range(3):
        _reading(session, f"MEDIA_{n}", now - timedelta(hours=3 - n))
        wechat.add_media(f"MEDIA_{n}", JPEG)


def _photos(url: str) -> dict[str, Photo]:
    with session_scope(url) as session:
        rows = session.execute(select(Photo)).scalars().all()
        for row in rows:
            session.expunge(row)
    return {row.media_id: row for row in rows}


# ---- the rules ----------------------------------------------------------------------------------


def test_retries_back_off_from_a_minute_to_at_most_an_hour() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE]
    assert retry_delay(7) == timedelta(hours=1) and retry_delay(30) == timedelta(hours=1)


def test_a_photo_expires_three_days_after_it_was_sent(now: datetime) -> None:
    assert timedelta(days=3) == MEDIA_LIFETIME
    assert not has_expired(now, now + timedelta(days=3) - MINUTE)
    assert has_expired(now, now + timedelta(days=3))


# ---- the job ------------------------------------------------------------------------------------


async def test_the_photos_of_a_reading_and_a_sample_are_fetched_once(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    fetcher: PhotoFetcher,
    store_url: str,
    now: datetime,
) -> None:
    reading = _reading(session, "MEDIA_dial", now - timedelta(hours=2))
    sample = _sample(session, "MEDIA_thermo", now - timedelta(hours=1))
    _reading(session, None, now - timedelta(hours=3), key="no-photo")
    wechat.add_media("MEDIA_dial", JPEG, "image/jpeg")
    wechat.add_media("MEDIA_thermo", PNG, "image/png")

    done = await fetcher.run(sessions_on(store_url), now)

    assert done.counts == {"fetched": 2} and done.summary() == "fetched 2"
    photos = _photos(store_url)
    dial, thermo = photos["MEDIA_dial"], photos["MEDIA_thermo"]
    assert (dial.status, dial.content, dial.content_type) == ("fetched", JPEG, "image/jpeg")
    assert dial.sha256 == hashlib.sha256(JPEG).hexdigest() and dial.size == len(JPEG)
    assert (dial.sender_id, dial.channel, dial.attempts) == (RESIDENT, "wechat", 1)
    assert dial.received_at == now - timedelta(hours=2) and dial.fetched_at == now
    assert (thermo.content, thermo.content_type, thermo.sender_id) == (PNG, "image/png", HOUSEHOLD)
    with session_scope(store_url) as check:
        assert photo_of(check, "meter", reading).content == JPEG
        assert photo_of(check, "sample", sample).content_type == "image/png"

    again = await fetcher.run(sessions_on(store_url), now + MINUTE)

    assert not again.busy
    assert len(wechat.received(MEDIA_PATH)) == 2


async def test_a_failed_download_is_retried_with_backoff(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    fetcher: PhotoFetcher,
    store_url: str,
    now: datetime,
) -> None:
    _reading(session, "MEDIA_dial", now - timedelta(hours=1))
    wechat.add_media("MEDIA_dial", JPEG)
    wechat.fail_next(MEDIA_PATH, -1, times=2)  # 系统繁忙

    assert (await fetcher.run(sessions_on(store_url), now)).counts == {"failed": 1}
    failed = _photos(store_url)["MEDIA_dial"]
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("failed", 1, now + MINUTE)
    assert failed.content is None and "-1" in (failed.last_error or "")

    assert not (await fetcher.run(sessions_on(store_url), now + 30 * timedelta(seconds=1))).busy
    assert len(wechat.received(MEDIA_PATH)) == 1  # not due yet

    await fetcher.run(sessions_on(store_url), now + MINUTE)
    twice = _photos(store_url)["MEDIA_dial"]
    assert (twice.attempts, twice.next_attempt_at) == (2, now + 3 * MINUTE)

    done = await fetcher.run(sessions_on(store_url), now + 3 * MINUTE)
    assert done.counts == {"fetched": 1}
    kept = _photos(store_url)["MEDIA_dial"]
    assert (kept.status, kept.attempts, kept.next_attempt_at) == ("fetched", 3, None)
    assert kept.content == JPEG and kept.last_error is None


async def test_photos_past_wechats_three_days_expire(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    fetcher: PhotoFetcher,
    store_url: str,
    now: datetime,
) -> None:
    """Too old: given up without asking WeChat. Gone at WeChat (40007): expired after one ask.
    A failure whose next try would come after the 3 days: expired too."""
    _reading(session, "MEDIA_old", now - timedelta(days=3, minutes=1))
    _reading(session, "MEDIA_gone", now - timedelta(days=1))
    _reading(session, "MEDIA_late", now - timedelta(days=3) + timedelta(seconds=30))
    wechat.add_media("MEDIA_old", JPEG)
    wechat.add_media("MEDIA_late", JPEG)
    wechat.fail_next(MEDIA_PATH, 45009)  # the first request is MEDIA_late's: the oldest left

    done = await fetcher.run(sessions_on(store_url), now)

    assert done.counts == {"expired": 3}
    photos = _photos(store_url)
    assert {m: (p.status, p.attempts) for m, p in photos.items()} == {
        "MEDIA_old": ("expired", 0),
        "MEDIA_gone": ("expired", 1),
        "MEDIA_late": ("expired", 1),
    }
    assert "40007" in (photos["MEDIA_gone"].last_error or "")
    assert [r.query["media_id"] for r in wechat.received(MEDIA_PATH)] == [
        "MEDIA_late",
        "MEDIA_gone",
    ]
    assert not (await fetcher.run(sessions_on(store_url), now + timedelta(hours=2))).busy


async def test_what_is_no_image_is_refused_and_not_tried_again(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    fetcher: PhotoFetcher,
    store_url: str,
    now: datetime,
) -> None:
    reading = _reading(session, "MEDIA_video", now - timedelta(hours=1))
    wechat.add_media("MEDIA_video", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "video/mp4")

    assert (await fetcher.run(sessions_on(store_url), now)).counts == {"refused": 1}
    assert not (await fetcher.run(sessions_on(store_url), now + timedelta(hours=2))).busy

    refused = _photos(store_url)["MEDIA_video"]
    assert (refused.status, refused.content, refused.next_attempt_at) == ("refused", None, None)
    with session_scope(store_url) as check, pytest.raises(NotFound):
        photo_of(check, "meter", reading)


async def test_a_photo_id_from_another_channel_is_not_fetched(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    fetcher: PhotoFetcher,
    store_url: str,
    now: datetime,
) -> None:
    """Only WeChat sends photos: a media id a web client put in its metadata is never asked for."""
    _reading(session, "MEDIA_injected", now - timedelta(hours=1), channel="rest")

    assert not (await fetcher.run(sessions_on(store_url), now)).busy
    assert wechat.received(MEDIA_PATH) == [] and _photos(store_url) == {}


async def test_a_round_tries_a_few_photos_and_the_next_round_the_rest(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    store_url: str,
    now: datetime,
) -> None:
    _three_readings(session, wechat, now)
    fetcher = _fetcher(wechat, per_round=2)

    assert (await fetcher.run(sessions_on(store_url), now)).counts == {"fetched": 2}
    assert set(_photos(store_url)) == {"MEDIA_0", "MEDIA_1"}  # the oldest first
    assert (await fetcher.run(sessions_on(store_url), now)).counts == {"fetched": 1}


async def test_no_download_starts_once_the_rounds_time_is_spent(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    store_url: str,
    now: datetime,
) -> None:
    _three_readings(session, wechat, now)
    fetcher = _fetcher(wechat, budget=0.0)

    assert (await fetcher.run(sessions_on(store_url), now)).counts == {"fetched": 1}
    assert len(wechat.received(MEDIA_PATH)) == 1


# ---- in the scheduler ---------------------------------------------------------------------------


class _Leader:
    """A leader lock this scheduler holds or not, as the test says."""

    def __init__(self, held: bool) -> None:
        self.leading = held

    def held(self) -> bool:
        return self.leading


async def test_the_scheduler_runs_the_job_in_full_rounds_only_while_leading(
    session: Session,
    households: None,
    wechat: WeChatApiStandIn,
    fetcher: PhotoFetcher,
    store_url: str,
    now: datetime,
) -> None:
    _reading(session, "MEDIA_dial", now - timedelta(hours=1))
    wechat.add_media("MEDIA_dial", JPEG)
    leader = _Leader(held=False)
    scheduler = Scheduler(
        beijing(), fakes(), sessions_on(store_url), lambda: now, leader=leader, photos=fetcher
    )

    standby = await scheduler.tick()
    assert standby.lines == [] and wechat.received(MEDIA_PATH) == []

    leader.leading = True
    assert (await scheduler.sweep()).lines == []  # a hand-off round: not the photos
    assert wechat.received(MEDIA_PATH) == []
    report = await scheduler.tick()
    assert report.failed == [] and "photos: fetched 1" in report.lines
    assert _photos(store_url)["MEDIA_dial"].status == "fetched"


async def test_without_wechat_the_job_does_nothing_and_says_so_once(
    session: Session,
    households: None,
    store_url: str,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _reading(session, "MEDIA_dial", now - timedelta(hours=1))
    for name in ("WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    photos = photo_fetcher()
    assert photos.download is None
    scheduler = Scheduler(beijing(), fakes(), sessions_on(store_url), lambda: now, photos=photos)
    caplog.set_level(logging.INFO)

    for _ in range(3):
        report = await scheduler.tick()
        assert report.failed == [] and not any(line.startswith("photos") for line in report.lines)

    assert caplog.text.count("photo job off: WeChat is not configured") == 1
    assert _photos(store_url) == {}


def test_a_bad_size_cap_stops_the_start_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECHAT_TOKEN", "t")
    monkeypatch.setenv("WECHAT_APP_ID", APP_ID)
    monkeypatch.setenv("WECHAT_APP_SECRET", SECRET)
    monkeypatch.setenv("WECHAT_MEDIA_MAX_BYTES", "lots")
    with pytest.raises(ConfigError, match="WECHAT_MEDIA_MAX_BYTES"):
        photo_fetcher()
    monkeypatch.setenv("WECHAT_MEDIA_MAX_BYTES", "1048576")
    download = photo_fetcher().download
    assert isinstance(download, MediaDownloader) and download.max_bytes == 1024 * 1024


# ---- the store ----------------------------------------------------------------------------------


def test_a_kept_photo_is_never_overwritten_and_outcomes_are_checked(
    session: Session, households: None, now: datetime
) -> None:
    wanted = WantedPhoto("MEDIA_dial", "wechat", RESIDENT, now - timedelta(hours=1))
    record_outcome(
        session,
        wanted,
        Outcome("fetched", content=JPEG, content_type="image/jpeg", sha256="ab" * 32),
        now,
    )
    later = Outcome("failed", error="late", next_attempt_at=now + MINUTE)
    kept = record_outcome(session, wanted, later, now + MINUTE)

    assert (kept.status, kept.content, kept.attempts) == ("fetched", JPEG, 1)
    with pytest.raises(ValueError, match="next attempt"):
        record_outcome(session, wanted, Outcome("failed"), now)
    with pytest.raises(ValueError, match="content"):
        record_outcome(session, wanted, Outcome("fetched"), now)
    with pytest.raises(ValueError, match="status"):
        record_outcome(session, wanted, Outcome("lost"), now)


def test_the_database_refuses_a_fetched_photo_without_its_content(
    session: Session, now: datetime
) -> None:
    session.add(
        Photo(
            media_id="MEDIA_x",
            channel="wechat",
            received_at=now,
            status="fetched",
            attempts=1,
            created_at=now,
        )
    )
    with pytest.raises(Exception, match=r"(?i)check|constraint"):
        session.flush()
    session.rollback()


def test_a_photo_is_reached_only_through_a_reading_that_names_it(
    session: Session, households: None, now: datetime
) -> None:
    reading = _reading(session, "MEDIA_dial", now - timedelta(hours=1))
    other = _reading(session, None, now, key="other")
    for media_id in ("MEDIA_dial", "MEDIA_unlinked"):
        record_outcome(
            session,
            WantedPhoto(media_id, "wechat", RESIDENT, now),
            Outcome("fetched", content=JPEG, content_type="image/jpeg", sha256="ab" * 32),
            now,
        )

    assert photo_of(session, "meter", reading).content == JPEG
    for kind, reading_id in (("meter", other), ("sample", reading), ("meter", 999), ("x", 1)):
        with pytest.raises(NotFound):
            photo_of(session, kind, reading_id)
    assert photos_to_fetch(session, now, 10) == []


def test_the_photos_migration_upgrades_and_downgrades(db_url: str) -> None:
    engine = get_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0016_sampling_visits")
    assert "photos" not in inspect(engine).get_table_names()

    ensure_schema(db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO photos (media_id, channel, received_at, status, attempts, content, "
                "content_type, sha256, size, fetched_at, created_at) VALUES ('MEDIA_a', 'wechat', "
                "'2026-12-01 00:00:00+00:00', 'fetched', 1, :content, 'image/jpeg', 'ab', 4, "
                "'2026-12-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00')"
            ),
            {"content": b"\xff\xd8\xff\x00"},
        )
        stored = connection.execute(text("SELECT content FROM photos")).scalar_one()
    assert bytes(stored) == b"\xff\xd8\xff\x00"
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0016_sampling_visits")
    assert "photos" not in inspect(get_engine(db_url)).get_table_names()
    dispose_engines()
