"""What an approval leaves behind: the membership with its period and renewals,
the organisation's tag, the members' yearly figures, the lapse of a period (a
daily duty) and the messages to the applicant's users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iphub.core.audit import audit_record, snapshot
from iphub.core.calendar import LOCAL_TZ, add_years
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Organisation, User
from iphub.programmes.audit_actions import Action
from iphub.programmes.errors import ProgrammeErrorCode
from iphub.programmes.models import (
    IndicatorReport,
    Membership,
    ProgrammeApplication,
    ProgrammeNotice,
)
from iphub.programmes.selectors import membership_get


def notify_organisation(
    organisation_id: int, *, title: str, body: str, link: str, now: dt.datetime
) -> int:
    """One message to every active user of the organisation; how many were told."""
    users: Iterable[Any] = User.objects.filter(organisation_id=organisation_id, is_active=True)
    rows = [
        ProgrammeNotice(user=u, title=title[:200], body=body[:500], link=link[:300], created_at=now)
        for u in users
    ]
    ProgrammeNotice.objects.bulk_create(rows)
    return len(rows)


def organisation_tag_add(*, actor: Any, organisation_id: int, tag: str) -> bool:
    """Put ``tag`` on the organisation (row-locked, audited); False if it had it."""
    org = Organisation.objects.select_for_update().select_related("region").get(pk=organisation_id)
    if not tag or tag in org.tags:
        return False
    before = list(org.tags)
    org.tags = [*org.tags, tag]
    org.save(update_fields=["tags", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.PROGRAMME_TAG_ADD,
        obj=org,
        region_path=org.region.path,
        before={"tags": before},
        after={"tags": org.tags},
    )
    return True


def organisation_tag_remove(*, actor: Any, organisation_id: int, tag: str) -> bool:
    """Take ``tag`` off the organisation unless another active membership still
    confers it; False if nothing changed."""
    org = Organisation.objects.select_for_update().select_related("region").get(pk=organisation_id)
    still = Membership.objects.filter(organisation_id=organisation_id, tag=tag, active=True)
    if not tag or tag not in org.tags or still.exists():
        return False
    before = list(org.tags)
    org.tags = [t for t in org.tags if t != tag]
    org.save(update_fields=["tags", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.PROGRAMME_TAG_REMOVE,
        obj=org,
        region_path=org.region.path,
        before={"tags": before},
        after={"tags": org.tags},
    )
    return True


def membership_grant(*, actor: Any, application: ProgrammeApplication, on: dt.date) -> Membership:
    """The membership an approved application confers. A member of the same kind
    renews: its period runs on from where it ended; otherwise a new period starts
    ``on`` the approval day. The programme's tag goes on the organisation."""
    programme = application.programme
    current = (
        Membership.objects.select_for_update()
        .filter(organisation_id=application.organisation_id, kind=programme.kind, active=True)
        .first()
    )
    if current is not None:
        before = snapshot(current)
        current.valid_until = add_years(current.valid_until, programme.term_years)
        current.renewals += 1
        current.programme = programme
        current.application = application
        current.tag = programme.confers_tag
        current.save()
        membership, action = current, Action.PROGRAMME_MEMBERSHIP_RENEW
    else:
        before = None
        membership = Membership.objects.create(
            organisation_id=application.organisation_id,
            region=application.region,
            kind=programme.kind,
            programme=programme,
            application=application,
            tag=programme.confers_tag,
            valid_from=on,
            valid_until=add_years(on, programme.term_years) - dt.timedelta(days=1),
        )
        action = Action.PROGRAMME_MEMBERSHIP_GRANT
    audit_record(
        actor=actor,
        action=action,
        obj=membership,
        region_path=application.region.path,
        before=before,
        after=snapshot(membership),
    )
    organisation_tag_add(
        actor=actor, organisation_id=application.organisation_id, tag=programme.confers_tag
    )
    return membership


def memberships_expire(*, now: dt.datetime | None = None) -> list[Membership]:
    """End every active membership whose period is over (the daily duty): the
    membership lapses, the tag comes off (unless another active membership
    confers it) and the organisation's users are told. Each membership is
    claimed with a conditional update, so two sweeps at once end it once."""
    now = now or timezone.now()
    day = now.astimezone(LOCAL_TZ).date()
    ended = []
    due = Membership.objects.filter(active=True, valid_until__lt=day).select_related(
        "programme", "region"
    )
    for m in list(due):
        with transaction.atomic():
            if not Membership.objects.filter(pk=m.pk, active=True).update(
                active=False, ended_on=day
            ):
                continue
            m.active, m.ended_on = False, day
            audit_record(
                actor=None,
                action=Action.PROGRAMME_MEMBERSHIP_EXPIRE,
                obj=m,
                region_path=m.region.path,
                before={"active": True},
                after={"active": False, "ended_on": day},
            )
            organisation_tag_remove(actor=None, organisation_id=m.organisation_id, tag=m.tag)
            notify_organisation(
                m.organisation_id,
                title=f"培育项目成员资格已到期：{m.get_kind_display()}",
                body=f"有效期至 {m.valid_until:%Y-%m-%d}，已到期；如需继续，请申报新一年度的项目。",
                link=reverse("programmes:mine"),
                now=now,
            )
            ended.append(m)
    return ended


@transaction.atomic
def indicator_report_submit(
    *, actor: Any, membership_id: int, year: Any, figures: Any, now: dt.datetime | None = None
) -> IndicatorReport:
    """A member's figures for one year, one number per tracked indicator of its
    programme; a second report for the same year replaces the first."""
    membership = membership_get(user=actor, membership_id=membership_id)
    if actor.organisation_id != membership.organisation_id:
        raise AccessDenied("年度指标由成员单位本身填报。")
    now = now or timezone.now()
    errors: dict[str, str] = {}
    try:
        year_n = int(str(year).strip())
    except ValueError:
        year_n = 0
    if not membership.valid_from.year <= year_n <= now.astimezone(LOCAL_TZ).year:
        errors["year"] = f"年度应在 {membership.valid_from.year} 至今之间。"
    values: dict[str, float] = {}
    for ind in membership.programme.indicators:
        field = f"figure_{ind['key']}"
        raw = str(figures.get(field, "") or "").strip()
        try:
            value = float(raw)
        except ValueError:
            errors[field] = f"请填写“{ind['name']}”（{ind['unit']}），数字。"
            continue
        if value < 0 or value != value or value > 1e12:
            errors[field] = f"“{ind['name']}”应为不小于 0 的数字。"
            continue
        values[ind["key"]] = value
    if errors:
        raise ApplicationError(
            "年度指标未保存，请按提示修改。", code=ProgrammeErrorCode.INVALID, fields=errors
        )
    report, created = IndicatorReport.objects.update_or_create(
        membership=membership,
        year=year_n,
        defaults={"figures": values, "reported_by": actor, "reported_at": now},
    )
    audit_record(
        actor=actor,
        action=Action.PROGRAMME_INDICATOR_REPORT,
        obj=report,
        region_path=membership.region.path,
        after={"year": year_n, "figures": values, "created": created},
    )
    return report
