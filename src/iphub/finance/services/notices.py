"""The financing inbox (融资消息): who is told what, and when.

* every active user of a bank, when a request arrives for it (and when the
  enterprise sends supplementary materials back);
* every active user of the enterprise, when a bank answers;
* the bank's users and the city's supervisors, once per deadline, when a bank's
  answer is overdue (the sweep in :func:`answers_flag_overdue`, a scheduled duty).

Messages are rows written inside the step's transaction, so a step that rolls
back tells nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.core.models import Region, RegionLevel, Role, User
from iphub.finance import workflow
from iphub.finance.audit_actions import Action
from iphub.finance.models import BankAnswer, FinanceNotice


def notify_organisations(
    org_ids: Iterable[int], *, title: str, body: str, link: str, now: dt.datetime
) -> int:
    """One message to every active user of the organisations; how many were told."""
    users = User.objects.filter(organisation_id__in=set(org_ids), is_active=True)
    return _write(users, title=title, body=body, link=link, now=now)


def _write(users: Iterable[Any], *, title: str, body: str, link: str, now: dt.datetime) -> int:
    rows = [
        FinanceNotice(user=u, title=title[:200], body=body[:500], link=link[:300], created_at=now)
        for u in users
    ]
    FinanceNotice.objects.bulk_create(rows)
    return len(rows)


def request_link(request_id: int) -> str:
    return reverse("finance:request", args=[request_id])


def city_of(region: Region) -> Region:
    """The city (市/州) a region lies in: itself for a city, its parent for a county."""
    r = region
    while r.parent_id is not None and r.level == RegionLevel.COUNTY:
        parent = r.parent
        assert parent is not None
        r = parent
    return r


def city_supervisors(region: Region) -> Any:
    """The active supervisors of the city a request lies in (they follow its deadlines)."""
    return User.objects.filter(
        role=Role.SUPERVISOR, region=city_of(region), is_active=True
    ).order_by("pk")


def answers_flag_overdue(*, now: dt.datetime | None = None) -> list[BankAnswer]:
    """Flag every bank answer whose deadline has passed while the bank still owes
    it, once per deadline: the bank's users and the city's supervisors get a
    message, the history a row, the audit log an entry. Each slot is claimed
    with a conditional update, so two sweeps at once flag it once; a later
    step sets a new deadline and clears the flag."""
    now = now or timezone.now()
    candidates = list(
        BankAnswer.objects.filter(
            state__in=workflow.WAITING_ON_BANK, due_at__lt=now, overdue_flagged_at__isnull=True
        ).select_related("request__region__parent", "request__organisation", "bank")
    )
    done: list[BankAnswer] = []
    for a in candidates:
        with transaction.atomic():
            claimed = BankAnswer.objects.filter(
                pk=a.pk, version=a.version, state=a.state, overdue_flagged_at__isnull=True
            ).update(overdue_flagged_at=now)
            if claimed != 1:
                continue
            a.overdue_flagged_at = now
            assert a.due_at is not None
            due = timezone.localtime(a.due_at)
            r = a.request
            title = f"融资需求 {r.reference}：{a.bank.name} 答复已超期"
            body = (
                f"{a.bank.name} 对 {r.organisation.name} 的融资需求应于 {due:%Y-%m-%d %H:%M} "
                f"前答复（{a.get_state_display()}），现已超期。"
            )
            link = request_link(r.pk)
            notify_organisations([a.bank_id], title=title, body=body, link=link, now=now)
            _write(city_supervisors(r.region), title=title, body=body, link=link, now=now)
            audit_record(
                actor=None,
                action=Action.ANSWER_OVERDUE,
                obj=a,
                region_path=r.region.path,
                after={"bank": a.bank.name, "due_at": a.due_at},
            )
        done.append(a)
    return done


def notice_list(*, user: Any) -> Any:
    """The signed-in user's financing messages, newest first."""
    if user is None or not user.is_authenticated:
        return FinanceNotice.objects.none()
    return FinanceNotice.objects.filter(user=user)


def notices_mark_read(*, actor: Any, ids: Iterable[int]) -> int:
    """Mark the actor's own messages read (others' ids change nothing)."""
    return FinanceNotice.objects.filter(user=actor, pk__in=list(ids), read=False).update(read=True)
