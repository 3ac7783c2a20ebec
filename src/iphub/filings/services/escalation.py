"""Escalation (督办): a filing still waiting on staff after its due time is
reported to the next region up, once per deadline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.filings.audit_actions import Action
from iphub.filings.models import Filing
from iphub.filings.services.workflow_steps import record_event
from iphub.filings.workflow import WAITING_ON_STAFF


def filings_escalate_overdue(*, now: dt.datetime | None = None) -> list[Filing]:
    """Mark every overdue, not yet escalated filing as escalated to its region's
    parent (a city's filing to the province) and record it; returns those marked.

    Each filing is claimed with a conditional update, so two workers running
    this at once never escalate one filing twice.
    """
    now = now or timezone.now()
    candidates = list(
        Filing.objects.filter(
            state__in=WAITING_ON_STAFF, due_at__lt=now, escalated_at__isnull=True
        ).select_related("region", "region__parent")
    )
    done: list[Filing] = []
    for filing in candidates:
        target = filing.region.parent or filing.region
        with transaction.atomic():
            claimed = Filing.objects.filter(
                pk=filing.pk,
                version=filing.version,
                state=filing.state,
                escalated_at__isnull=True,
            ).update(escalated_at=now, escalated_to=target)
            if claimed != 1:
                continue
            filing.escalated_at, filing.escalated_to = now, target
            assert filing.due_at is not None
            due = timezone.localtime(filing.due_at)
            note = f"超过办理时限（{due:%Y-%m-%d %H:%M}），已提请{target.name}督办"
            record_event(filing, action="escalate", actor=None, at=now, note=note, frm=filing.state)
            audit_record(
                actor=None,
                action=Action.FILING_ESCALATE,
                obj=filing,
                region_path=filing.region.path,
                after={"escalated_to": target.pk, "due_at": filing.due_at},
            )
        done.append(filing)
    return done
