"""When to look at an article again: a stateless, age-based revisit schedule.

Articles change most in their first hours (typos, updated casualty figures, a new
headline), then settle. The interval before the next visit therefore grows with the
time since the article last *changed*::

    interval = clamp(min_interval, max_interval, (backoff - 1) * (now - last_change))

Why age-proportional rather than a counter of unchanged visits: when visits land on
schedule, each one happens at ``backoff`` times the age (since the change) of the one
before, so the gaps grow geometrically by ``backoff`` -- geometric backoff -- yet nothing
but timestamps the archive already keeps is needed. A crawler that was down for a day, a
visit that ran late, or a second process that never saw the counter all get the interval
the article's real age calls for, instead of resuming a stale count.

- ``changed=True`` resets to ``min_interval``: the article is moving again.
- An article older than ``stop_after`` (age measured from the earliest of ``published``
  and ``first_seen``: a page seen before its claimed publication date is at least as old
  as the sighting) is never fetched: :func:`next_visit` returns None when the next visit
  would fall at or past that age, so no visit is wasted on a retired article.
- Jitter multiplies the interval by a factor drawn uniformly from
  ``[1 - jitter, 1 + jitter]`` with the caller's :class:`random.Random`, so that articles
  published in one burst spread out instead of hitting the site in one burst again, and
  a seeded rng gives the same schedule twice.

The default policy (15 min, 1 day, backoff 1.5, stop after 30 days), without jitter,
visits an article that never changes again at these offsets after it was first seen
(from ``_unchanged_offsets``; ``tests/test_schedule.py`` checks this text)::

    0:00:00  0:15:00  0:30:00  0:45:00  1:07:30  1:41:15  2:31:52  3:47:49  5:41:43
    8:32:35  12:48:52  19:13:18  1 day, 4:49:57  1 day, 19:14:56  2 days, 16:52:23
    ... then daily: 42 visits in all, the last at 29 days, 16:52:23.

That is: every 15 minutes for the first 45 minutes, twice in the second hour, roughly
every 1-4 hours in the first half day, then daily. Feeds and sitemaps are polled on
:func:`feed_interval`, not on this schedule: they change whenever anything is published.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

# Defaults, chosen (not measured on a corpus yet) from how newsrooms edit: corrections
# cluster in the first hour (a 15 min cadence catches them while they matter), few come
# after the first day (daily is enough), almost none after a month (later changes are
# mostly template churn the archive does not want as new versions).
DEFAULT_MIN_INTERVAL = timedelta(minutes=15)
DEFAULT_MAX_INTERVAL = timedelta(days=1)
# 1.5 rather than 2: with 2 the cadence halves after the first 15 min and the article is
# seen only 4 times in its first two hours; 1.5 keeps 6 visits there.
DEFAULT_BACKOFF = 1.5
DEFAULT_STOP_AFTER = timedelta(days=30)
DEFAULT_JITTER = 0.1  # +-10 %: spreads a 50-article burst over ~3 min at the 15 min cadence
# Never poll a feed faster than this, whatever the policy says: feeds are cheap for us
# but every poll costs the publisher; 5 min is the smallest RSS <ttl> seen in practice.
FEED_FLOOR = timedelta(minutes=5)


@dataclass(frozen=True)
class RevisitPolicy:
    """How often to revisit one source's articles (one per source, from its TOML config)."""

    min_interval: timedelta = DEFAULT_MIN_INTERVAL
    max_interval: timedelta = DEFAULT_MAX_INTERVAL
    backoff: float = DEFAULT_BACKOFF
    stop_after: timedelta = DEFAULT_STOP_AFTER
    jitter: float = DEFAULT_JITTER

    def __post_init__(self) -> None:
        if self.min_interval <= timedelta(0):
            raise ValueError(f"min_interval must be positive, got {self.min_interval}")
        if self.max_interval < self.min_interval:
            raise ValueError(
                f"max_interval {self.max_interval} is below min_interval {self.min_interval}"
            )
        if not self.backoff >= 1.0:  # also rejects NaN
            raise ValueError(f"backoff must be >= 1, got {self.backoff}")
        if self.stop_after <= timedelta(0):
            raise ValueError(f"stop_after must be positive, got {self.stop_after}")
        if not 0.0 <= self.jitter < 1.0:
            raise ValueError(f"jitter must be in [0, 1), got {self.jitter}")


def _require_aware(**values: datetime | None) -> None:
    for name, value in values.items():
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def base_interval(age_since_change: timedelta, policy: RevisitPolicy) -> timedelta:
    """The interval before jitter: ``(backoff - 1) * age``, clamped to the policy's bounds."""
    if age_since_change <= timedelta(0):
        return policy.min_interval
    grown = age_since_change * (policy.backoff - 1.0)
    return max(policy.min_interval, min(policy.max_interval, grown))


def next_visit(
    *,
    now: datetime,
    first_seen: datetime,
    published: datetime | None,
    last_change: datetime | None,
    changed: bool,
    policy: RevisitPolicy,
    rng: random.Random,
) -> datetime | None:
    """When to fetch the article again after a visit at ``now``, or None for never.

    ``last_change`` is when its content last changed (None: not since ``first_seen``);
    ``changed`` says whether this very visit found a change, which resets the cadence to
    ``min_interval`` whatever ``last_change`` says. All datetimes must be timezone-aware.
    One number is drawn from ``rng`` per call that returns a datetime.
    """
    _require_aware(now=now, first_seen=first_seen, published=published, last_change=last_change)
    born = first_seen if published is None else min(published, first_seen)
    if now - born >= policy.stop_after:
        return None  # also checked below; this one spares the rng draw
    since = first_seen if last_change is None else last_change
    interval = base_interval(timedelta(0) if changed else now - since, policy)
    spread = policy.jitter
    factor = 1.0 + rng.uniform(-spread, spread)
    factor = max(1.0 - spread, min(1.0 + spread, factor))  # uniform() may overshoot by an ulp
    visit = now + interval * factor
    return None if visit - born >= policy.stop_after else visit


def feed_interval(policy: RevisitPolicy, *, declared: timedelta | None = None) -> timedelta:
    """How often to poll a source's feeds and sitemaps.

    A feed lists every new article, so it is polled at the freshest cadence the policy
    allows (``min_interval``), but never faster than ``FEED_FLOOR`` nor than the feed
    asks (``declared``: its RSS ``<ttl>`` or ``Cache-Control: max-age``), and never
    slower than ``max_interval`` even if the feed declares a week-long ttl.
    """
    wanted = max(policy.min_interval, FEED_FLOOR)
    if declared is not None:
        wanted = max(wanted, declared)
    return min(wanted, max(policy.max_interval, FEED_FLOOR))


def _unchanged_offsets(policy: RevisitPolicy) -> list[timedelta]:
    """Visit offsets from first sighting for an article that never changes (no jitter)."""
    start = datetime(2000, 1, 1, tzinfo=UTC)
    quiet = replace(policy, jitter=0.0)
    rng = random.Random(0)
    offsets: list[timedelta] = []
    when: datetime | None = start
    while when is not None:
        offsets.append(when - start)
        when = next_visit(
            now=when,
            first_seen=start,
            published=None,
            last_change=None,
            changed=False,
            policy=quiet,
            rng=rng,
        )
    return offsets
