"""What the filings app announces to the apps above it (DESIGN.md: apps announce,
the apps that care subscribe; no app imports one above it).

``registered`` is called inside the approval's transaction, after the filing's
own effects, so a subscriber's writes commit or roll back with the registration.
Subscribers register in their ``AppConfig.ready`` (finance closes the financing
request a pledge was filed for). A subscriber's ``ApplicationError`` refuses the
approval, as any of the filing's own checks would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

Subscriber = Callable[..., Any]
_registered: list[Subscriber] = []


def on_registered(fn: Subscriber) -> Subscriber:
    """Subscribe ``fn(filing=, actor=, now=)`` to every approved (registered) filing."""
    if fn not in _registered:
        _registered.append(fn)
    return fn


def registered(*, filing: Any, actor: Any, now: dt.datetime) -> None:
    """Tell the subscribers that ``filing`` was just registered."""
    for fn in list(_registered):
        fn(filing=filing, actor=actor, now=now)
