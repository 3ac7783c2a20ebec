"""Reminders before the deadline and notices of missing reports.

Run daily (``manage.py supervision_remind``). From the reminder date (3 working
days before the due date) up to the due date, each prefecture-level unit whose
report for the month has not been submitted gets one ``due_soon`` reminder per
supervisor account of that unit; after the due date, one ``overdue`` notice.
Counties are reminded too when their city asked them to report. The
unique constraint (user, month, kind) makes a second run, or two workers running
at once, create nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from iphub.core.models import Role, User
from iphub.core.selectors import prefecture_list
from iphub.supervision import deadlines
from iphub.supervision.models import MonthlyReport, ReminderKind, ReportReminder
from iphub.supervision.selectors import reporting_counties


def reminders_send(*, today: dt.date) -> list[ReportReminder]:
    """Create the reminders due on ``today``; returns the ones created."""
    month = deadlines.month_start(today)
    due = deadlines.due_date(month)
    if today < deadlines.reminder_date(month):
        return []
    kind = ReminderKind.DUE_SOON if today <= due else ReminderKind.OVERDUE
    submitted = set(
        MonthlyReport.objects.filter(month=month, first_submitted_at__isnull=False).values_list(
            "region_id", flat=True
        )
    )
    created = []
    units = list(prefecture_list()) + reporting_counties()
    for region in units:
        if region.code in submitted:
            continue
        if kind == ReminderKind.DUE_SOON:
            message = f"{region.name}{month:%Y年%m月}工作月报须于 {due:%m月%d日} 前报送，尚未报送。"
        else:
            message = (
                f"{region.name}{month:%Y年%m月}工作月报已逾期（截止 {due:%m月%d日}），请尽快报送。"
            )
        for user in User.objects.filter(role=Role.SUPERVISOR, region=region, is_active=True):
            try:
                with transaction.atomic():
                    created.append(
                        ReportReminder.objects.create(
                            user=user, region=region, month=month, kind=kind, message=message
                        )
                    )
            except IntegrityError:
                continue
    return created
