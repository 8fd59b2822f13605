"""The services: the only writers. One operation = one transaction; permissions live here.

Build them with `open_services(url, clock)` and hand them to the CLI or the app.

The package imports lazily: `frontdesk.services.errors` or `.clock` do not pull in SQLAlchemy and
every service (0.5 s), so the app can paint its first screen before the services are built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import Clock
from .errors import BadInput, FrontdeskError, Refused

if TYPE_CHECKING:
    from .registry import Services, build, open_services

_LAZY = ("Services", "build", "open_services")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BadInput", "Clock", "FrontdeskError", "Refused", "Services", "build", "open_services"]
