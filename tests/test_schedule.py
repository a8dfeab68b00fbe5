"""The revisit schedule: bounds, monotone backoff, reset on change, retirement, jitter."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import scraper.crawl
import scraper.crawl.schedule as schedule
from scraper.crawl import RevisitPolicy, next_visit
from scraper.crawl.schedule import FEED_FLOOR, base_interval, feed_interval

START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))])
MINUTES = st.integers(min_value=1, max_value=24 * 60)


@st.composite
def policies(draw: st.DrawFn, jitter: st.SearchStrategy[float] | None = None) -> RevisitPolicy:
    low = timedelta(minutes=draw(MINUTES))
    high = low + timedelta(minutes=draw(st.integers(min_value=0, max_value=7 * 24 * 60)))
    return RevisitPolicy(
        min_interval=low,
        max_interval=high,
        backoff=draw(st.floats(min_value=1.0, max_value=4.0)),
        stop_after=timedelta(hours=draw(st.integers(min_value=1, max_value=24 * 90))),
        jitter=draw(jitter if jitter is not None else st.floats(min_value=0.0, max_value=0.9)),
    )


def offset(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


AGES = st.integers(min_value=0, max_value=120 * 24 * 60)  # minutes, up to 120 days


@given(
    policy=policies(),
    seen=AGES,
    since_change=AGES,
    published_delta=st.none() | st.integers(min_value=-10 * 24 * 60, max_value=10 * 24 * 60),
    changed=st.booleans(),
    seed=st.integers(),
    zone=ZONES,
)
def test_next_visit_is_within_jittered_bounds_or_none(
    policy: RevisitPolicy,
    seen: int,
    since_change: int,
    published_delta: int | None,
    changed: bool,
    seed: int,
    zone: timezone,
) -> None:
    now = START.astimezone(zone)
    first_seen = now - offset(seen)
    published = None if published_delta is None else first_seen + offset(published_delta)
    visit = next_visit(
        now=now,
        first_seen=first_seen,
        published=published,
        last_change=now - offset(min(since_change, seen)),
        changed=changed,
        policy=policy,
        rng=random.Random(seed),
    )
    born = first_seen if published is None else min(first_seen, published)
    if visit is None:
        # None only for a retired article, or one whose next visit would be past retirement
        assert now + policy.max_interval * (1 + policy.jitter) >= born + policy.stop_after
        return
    assert now + policy.min_interval * (1 - policy.jitter) <= visit
    assert visit <= now + policy.max_interval * (1 + policy.jitter)
    assert visit - born < policy.stop_after


def unchanged_intervals(policy: RevisitPolicy) -> list[timedelta]:
    rng = random.Random(0)
    now: datetime | None = START
    intervals: list[timedelta] = []
    while now is not None:
        later = next_visit(
            now=now,
            first_seen=START,
            published=None,
            last_change=START,
            changed=now == START,
            policy=policy,
            rng=rng,
        )
        if later is not None:
            intervals.append(later - now)
        now = later
    return intervals


@given(policy=policies(st.just(0.0)))
def test_intervals_never_shrink_while_the_article_is_unchanged(policy: RevisitPolicy) -> None:
    assume(policy.stop_after / policy.min_interval < 2000)  # bounded walk
    intervals = unchanged_intervals(policy)
    assert intervals == sorted(intervals)
    assert all(policy.min_interval <= i <= policy.max_interval for i in intervals)


@given(policy=policies(), age=AGES, seed=st.integers())
def test_a_change_resets_the_cadence_to_min_interval(
    policy: RevisitPolicy, age: int, seed: int
) -> None:
    now = START + offset(age)
    assume(now - START + policy.min_interval * 2 < policy.stop_after)
    visit = next_visit(
        now=now,
        first_seen=START,
        published=START,
        last_change=START,  # a stale last_change: `changed` wins
        changed=True,
        policy=policy,
        rng=random.Random(seed),
    )
    expected = random.Random(seed).uniform(-policy.jitter, policy.jitter)
    assert visit is not None
    assert abs((visit - now) - policy.min_interval * (1 + expected)) <= timedelta(microseconds=1)


@given(policy=policies(), extra=AGES, changed=st.booleans(), use_published=st.booleans())
def test_past_stop_after_there_is_no_next_visit(
    policy: RevisitPolicy, extra: int, changed: bool, use_published: bool
) -> None:
    born = START
    first_seen = START + (timedelta(days=3) if use_published else timedelta(0))
    now = born + policy.stop_after + offset(extra)
    visit = next_visit(
        now=now,
        first_seen=first_seen,
        published=born if use_published else None,
        last_change=now,
        changed=changed,
        policy=policy,
        rng=random.Random(1),
    )
    assert visit is None


@given(policy=policies(), seed=st.integers(), age=AGES)
def test_jitter_is_deterministic_for_a_seeded_rng(
    policy: RevisitPolicy, seed: int, age: int
) -> None:
    def visit() -> datetime | None:
        return next_visit(
            now=START + offset(age),
            first_seen=START,
            published=None,
            last_change=None,
            changed=False,
            policy=policy,
            rng=random.Random(seed),
        )

    assert visit() == visit()


def test_jitter_spreads_a_burst() -> None:
    policy = RevisitPolicy(jitter=0.2)
    rng = random.Random(7)
    visits = {
        next_visit(
            now=START,
            first_seen=START,
            published=START,
            last_change=None,
            changed=False,
            policy=policy,
            rng=rng,
        )
        for _ in range(50)
    }
    assert len(visits) == 50


@pytest.mark.parametrize("field", ["now", "first_seen", "published", "last_change"])
def test_naive_datetimes_are_rejected(field: str) -> None:
    values: dict[str, datetime] = {
        "now": START,
        "first_seen": START,
        "published": START,
        "last_change": START,
    }
    values[field] = values[field].replace(tzinfo=None)
    with pytest.raises(ValueError, match=field):
        next_visit(**values, changed=False, policy=RevisitPolicy(), rng=random.Random(0))


@pytest.mark.parametrize(
    "change",
    [
        {"min_interval": timedelta(0)},
        {"max_interval": timedelta(minutes=1)},
        {"backoff": 0.5},
        {"backoff": float("nan")},
        {"stop_after": timedelta(0)},
        {"jitter": 1.0},
        {"jitter": -0.1},
    ],
)
def test_nonsense_policies_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        replace(RevisitPolicy(), **change)


@given(age=st.integers(min_value=-1000, max_value=10**7), policy=policies(st.just(0.0)))
def test_base_interval_is_clamped_age_times_backoff_minus_one(
    age: int, policy: RevisitPolicy
) -> None:
    got = base_interval(timedelta(seconds=age), policy)
    assert policy.min_interval <= got <= policy.max_interval
    if policy.min_interval < got < policy.max_interval:
        assert abs(got - timedelta(seconds=age) * (policy.backoff - 1)) <= timedelta(microseconds=1)


@given(policy=policies(), declared=st.none() | MINUTES.map(offset))
def test_feed_interval_is_bounded(policy: RevisitPolicy, declared: timedelta | None) -> None:
    got = feed_interval(policy, declared=declared)
    assert got >= FEED_FLOOR
    assert got >= min(policy.min_interval, max(policy.max_interval, FEED_FLOOR))
    assert got <= max(policy.max_interval, FEED_FLOOR)
    if declared is not None:
        assert got >= min(declared, max(policy.max_interval, FEED_FLOOR))


def _fmt(delta: timedelta) -> str:
    return str(timedelta(seconds=round(delta.total_seconds())))


def test_the_docstring_schedule_is_what_the_code_does() -> None:
    offsets = schedule._unchanged_offsets(RevisitPolicy())
    doc = " ".join((schedule.__doc__ or "").split())
    head = " ".join(_fmt(o) for o in offsets[:15])
    assert " ".join(head.split()) in doc
    assert f"{len(offsets)} visits in all, the last at {_fmt(offsets[-1])}." in doc
    gaps = [b - a for a, b in itertools.pairwise(offsets[14:])]
    assert set(gaps) == {RevisitPolicy().max_interval}  # "then daily"
    assert re.search(r"every 15 minutes for the first 45 minutes", doc)
    assert offsets[3] == timedelta(minutes=45) and offsets[4] - offsets[3] > offset(15)


def test_package_exports_only_the_schedule_entry_points() -> None:
    assert sorted(scraper.crawl.__all__) == ["RevisitPolicy", "next_visit"]
