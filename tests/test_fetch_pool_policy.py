"""``OnePassPool`` decides exactly as httpcore's own pool, on any pool state.

Both pools run their assignment step on the same generated state: connections to a
few origins in every state (idle, busy, busy but multiplexing, new, closed, expired),
queued and active requests, and any pair of limits. They must drop, close, create and
assign the same connections in the same order. The connections and requests are
stand-ins for httpcore's, which the step only asks questions of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpcore
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.fetch.pool import OnePassPool

ORIGINS = ("a", "b", "c")


@dataclass
class Conn:
    label: str
    origin: str
    state: str  # idle, busy, new, closed
    expired: bool = False
    multiplexing: bool = False  # an HTTP/2 connection takes more requests while busy

    def is_closed(self) -> bool:
        return self.state == "closed"

    def has_expired(self) -> bool:
        return self.expired

    def is_idle(self) -> bool:
        return self.state == "idle"

    def is_available(self) -> bool:
        return self.state == "idle" or (self.state == "busy" and self.multiplexing)

    def can_handle_request(self, origin: str) -> bool:
        return origin == self.origin


@dataclass
class URL:
    origin: str


@dataclass
class Req:
    url: URL


@dataclass
class PoolRequest:
    request: Req
    queued: bool
    assigned: list[str] = field(default_factory=list)

    def is_queued(self) -> bool:
        return self.queued

    def assign_to_connection(self, conn: Conn) -> None:
        self.assigned.append(conn.label)


class Stand:
    """What both pools get: stand-in connections on creation."""

    created = 0

    def create_connection(self, origin: str) -> Conn:
        self.created += 1
        return Conn(f"new{self.created}", origin, "new")


class DefaultPool(Stand, httpcore.AsyncConnectionPool):
    pass


class OursPool(Stand, OnePassPool):
    pass


conns = st.lists(
    st.builds(
        lambda o, s, e, m: (o, s, e, m),
        st.sampled_from(ORIGINS),
        st.sampled_from(["idle", "busy", "new", "closed"]),
        st.booleans(),
        st.booleans(),
    ),
    max_size=8,
)
requests = st.lists(st.tuples(st.sampled_from(ORIGINS), st.booleans()), max_size=8)


def run(cls: type[Any], spec: list[Any], reqs: list[Any], limits: tuple[int, int]) -> Any:
    pool = object.__new__(cls)
    pool._connections = [Conn(f"c{i}", *c) for i, c in enumerate(spec)]
    pool._requests = [PoolRequest(Req(URL(o)), q) for o, q in reqs]
    pool._max_connections, pool._max_keepalive_connections = limits
    pool._network_backend = None
    closing = pool._assign_requests_to_connections()
    return (
        [c.label for c in pool._connections],
        [c.label for c in closing],
        [r.assigned for r in pool._requests],
    )


@settings(max_examples=400, deadline=None)
@given(conns, requests, st.integers(1, 6), st.integers(0, 6))
def test_same_decisions_as_httpcore(
    spec: list[Any], reqs: list[Any], max_conn: int, max_keep: int
) -> None:
    limits = (max_conn, max_keep)
    assert run(OursPool, spec, reqs, limits) == run(DefaultPool, spec, reqs, limits)
