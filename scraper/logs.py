"""Log lines for people or for machines (``scraper --log-format json``).

``text`` prints ``TIME event key=value ...``; ``json`` prints one object per line with
``ts``, ``level`` and ``event`` plus the fields, for journald, Loki or jq. The choice is
passed down explicitly (a ``LogFormat`` on the click context), never kept as a global.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")


@dataclass(frozen=True)
class LogFormat:
    kind: str = "text"

    def line(self, event: str, *, level: str = "info", message: str = "", **fields: Any) -> str:
        ts = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.kind == "json":
            record = {"ts": ts, "level": level, "event": event, **fields}
            if message:
                record["message"] = message
            return json.dumps(record, ensure_ascii=False, default=str)
        pairs = " ".join(f"{k}={v}" for k, v in fields.items())
        return " ".join(p for p in (ts, event, message, pairs) if p)

    def emitter(self, echo: Callable[[str], None]) -> Callable[..., None]:
        def emit(event: str, **fields: Any) -> None:
            echo(self.line(event, **fields))

        return emit
