"""Public names imported on first use (PEP 562), for the packages' ``__init__``.

A package's ``__all__`` stays its public API, but ``import storage.urls`` no longer
imports SQLAlchemy, nor ``import scraper.parse`` the HTTP client: a crawler's parse
worker holds only what it uses (about 25 MB instead of 80).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], homes: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose names live in ``homes``
    (module -> the names it defines); a name once imported is kept in ``namespace``."""
    home_of = {name: module for module, names in homes.items() for name in names}

    def getattr_(name: str) -> Any:
        module = home_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *home_of})

    return getattr_, dir_
