"""The inbox shows a new notification in bold once; the service marks what it
showed as read and the audit trail says so (no silent write on a page view)."""

from __future__ import annotations

from typing import Any

from iphub.core.models import AuditEntry, Organisation, User
from iphub.transfer import services
from iphub.transfer.models import Notification


def test_the_inbox_marks_what_it_showed_read_and_audits_it(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    services.notify(
        organisations=[orgs["wuhan_hongshan"]], title="新的匹配", body="有专利匹配您的需求", link=""
    )
    client.force_login(cast["enterprise"])
    first = client.get("/transfer/inbox/").content.decode()
    assert "<strong>" in first and "新的匹配" in first
    assert not Notification.objects.filter(read=False).exists()
    entry = AuditEntry.objects.get(action="notifications_mark_read")
    assert entry.actor_name == "wuhan_enterprise"
    again = client.get("/transfer/inbox/").content.decode()
    assert "新的匹配" in again and "<strong>" not in again
    # Nothing new to mark: no further audit entry.
    assert AuditEntry.objects.filter(action="notifications_mark_read").count() == 1


def test_one_user_cannot_mark_anothers_notifications(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    services.notify(organisations=[orgs["wuhan_hongshan"]], title="新的匹配", body="", link="")
    note = Notification.objects.get()
    changed = services.notifications_mark_read(
        actor=cast["wuhan_clerk"], notification_ids=[note.pk]
    )
    assert changed == 0
    note.refresh_from_db()
    assert note.read is False
