"""Watches on the platform's records and the early warnings they raise.

A watch looks at records newer than its watermarks (the highest patent and
trademark ids it has already looked at): a competitor watch matches patents
whose applicant, and trademarks whose owner, has the competitor's normalised
name; a country watch matches patents claiming a priority from that country
(``US62/…``, ``JP2019-…``) or whose applicant's address is there (trademark
records carry no country). Each match becomes one ``EarlyWarning`` (unique per
watch and record) and one ``WarningNotice`` per subscribed organisation.

Running is idempotent and safe to repeat or race: the watch row is locked
(``select_for_update``) while its new records are looked at and its watermarks
advanced in the same transaction, so a second run waits and then finds nothing
new; the unique constraints catch anything else. ``watches_run`` is an hourly
duty and also follows every patent import (``patents.events``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Organisation
from iphub.core.permissions import has_role, require_login
from iphub.overseas import workflow
from iphub.overseas.audit_actions import Action
from iphub.overseas.countries import country_name
from iphub.overseas.models import (
    EarlyWarning,
    RecordKind,
    WarningNotice,
    Watch,
    WatchKind,
    WatchSubscription,
)
from iphub.overseas.services import _input
from iphub.patents.models import PartyRole, Patent, Trademark
from iphub.patents.names import applicant_key

POOL_PATH = "420000"


def _top_ids() -> tuple[int, int]:
    return (
        Patent.objects.aggregate(m=Max("id"))["m"] or 0,
        Trademark.objects.aggregate(m=Max("id"))["m"] or 0,
    )


@transaction.atomic
def watch_create(*, actor: Any, data: dict[str, Any]) -> Watch:
    """Province staff set up a watch. It warns of records that arrive from now on:
    its watermarks start at the newest records there are."""
    workflow.ensure_keeps_pool(actor)
    kind = str(data.get("kind") or "")
    if kind not in WatchKind.values:
        raise field_error("kind", "请选择监测类型：按国家/地区或按竞争对手。")
    country, competitor, key = "", "", ""
    if kind == WatchKind.COUNTRY:
        country = _input.country(data.get("country"))
        if Watch.objects.filter(kind=kind, country=country, active=True).exists():
            raise field_error("country", f"已有对{country_name(country)}的监测。")
    else:
        competitor = _input.text(data, "competitor", "竞争对手名称", limit=200)
        key = applicant_key(competitor)[:200]
        if Watch.objects.filter(kind=kind, competitor_key=key, active=True).exists():
            raise field_error("competitor", f"已有对“{competitor}”的监测。")
    top_patent, top_mark = _top_ids()
    watch = Watch.objects.create(
        kind=kind,
        country=country,
        competitor=competitor,
        competitor_key=key,
        note=_input.text(data, "note", "说明", limit=300, required=False),
        patent_watermark=top_patent,
        trademark_watermark=top_mark,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.WATCH_CREATE,
        obj=watch,
        region_path=POOL_PATH,
        after=snapshot(watch),
    )
    return watch


def _subscriber(actor: Any) -> Organisation:
    require_login(actor)
    if not has_role(actor, *workflow.APPLICANT_ROLES) or actor.organisation_id is None:
        raise AccessDenied("预警由企业账号为本单位订阅。")
    return actor.organisation


@transaction.atomic
def watch_subscribe(*, actor: Any, watch_id: int) -> WatchSubscription:
    """An enterprise subscribes its organisation to a watch's warnings."""
    org = _subscriber(actor)
    watch = Watch.objects.filter(pk=watch_id, active=True).first()
    if watch is None:
        raise NotFound("未找到该监测。")
    sub, created = WatchSubscription.objects.get_or_create(watch=watch, organisation=org)
    if not created:
        raise ApplicationError("本单位已订阅该监测。", code="duplicate", status=409)
    audit_record(
        actor=actor,
        action=Action.WATCH_SUBSCRIBE,
        obj=sub,
        region_path=org.region.path,
        after=snapshot(sub),
    )
    return sub


@transaction.atomic
def watch_unsubscribe(*, actor: Any, watch_id: int) -> None:
    """An enterprise stops a watch's warnings for its organisation."""
    org = _subscriber(actor)
    deleted, _ = WatchSubscription.objects.filter(watch_id=watch_id, organisation=org).delete()
    if not deleted:
        raise NotFound("本单位未订阅该监测。")
    audit_record(
        actor=actor,
        action=Action.WATCH_UNSUBSCRIBE,
        object_type="overseas.watch",
        object_id=str(watch_id),
        region_path=org.region.path,
    )


@dataclass(frozen=True)
class Match:
    kind: str
    record_id: int
    number: str
    title: str
    party: str
    reason: str


def _priority_pattern(code: str) -> re.Pattern[str]:
    # A priority number starts with its office's code: "US62/123,456", "JP 2019-1".
    return re.compile(rf"(?<![A-Z]){code}\s*\d")


def _patent_matches(watch: Watch, low: int, high: int) -> list[Match]:
    qs = Patent.objects.filter(pk__gt=low, pk__lte=high)
    if watch.kind == WatchKind.COMPETITOR:
        qs = qs.filter(
            parties__role=PartyRole.APPLICANT, parties__key=watch.competitor_key
        ).distinct()
        reason = f"申请人为监测的竞争对手“{watch.competitor}”"
        return [
            Match(RecordKind.PATENT, pk, an, title, "；".join(apps or []), reason)
            for pk, an, title, apps in qs.values_list(
                "pk", "application_number", "title", "applicants"
            )
        ]
    with translation.override("zh-hans"):
        place = country_name(watch.country)
    pattern = _priority_pattern(watch.country)
    candidates = qs.filter(Q(priority__contains=watch.country) | Q(address__startswith=place))
    out = []
    for pk, an, title, apps, priority, address in candidates.values_list(
        "pk", "application_number", "title", "applicants", "priority", "address"
    ):
        if pattern.search(priority or ""):
            reason = f"要求{place}优先权（{priority[:60]}）"
        elif (address or "").startswith(place):
            reason = f"申请人地址在{place}"
        else:
            continue
        out.append(Match(RecordKind.PATENT, pk, an, title, "；".join(apps or []), reason))
    return out


def _trademark_matches(watch: Watch, low: int, high: int) -> list[Match]:
    if watch.kind != WatchKind.COMPETITOR:
        return []
    reason = f"注册人为监测的竞争对手“{watch.competitor}”"
    rows = Trademark.objects.filter(
        pk__gt=low, pk__lte=high, owner_key=watch.competitor_key
    ).values_list("pk", "registration_number", "name", "owner")
    return [
        Match(RecordKind.TRADEMARK, pk, rn, name, owner, reason) for pk, rn, name, owner in rows
    ]


def _run_one(watch_id: int, top_patent: int, top_mark: int) -> int:
    """Look at one watch's new records; the number of warnings raised."""
    with transaction.atomic():
        watch = Watch.objects.select_for_update().filter(pk=watch_id, active=True).first()
        if watch is None:
            return 0
        matches = []
        if top_patent > watch.patent_watermark:
            matches += _patent_matches(watch, watch.patent_watermark, top_patent)
        if top_mark > watch.trademark_watermark:
            matches += _trademark_matches(watch, watch.trademark_watermark, top_mark)
        subscribers = list(watch.subscriptions.values_list("organisation_id", flat=True))
        raised = 0
        for m in matches:
            warning, created = EarlyWarning.objects.get_or_create(
                watch=watch,
                record_kind=m.kind,
                record_id=m.record_id,
                defaults={
                    "number": m.number[:40],
                    "title": m.title[:300],
                    "party": m.party[:300],
                    "reason": m.reason[:300],
                },
            )
            if not created:
                continue
            raised += 1
            WarningNotice.objects.bulk_create(
                [WarningNotice(warning=warning, organisation_id=o) for o in subscribers],
                ignore_conflicts=True,
            )
        watch.patent_watermark = max(watch.patent_watermark, top_patent)
        watch.trademark_watermark = max(watch.trademark_watermark, top_mark)
        watch.last_run_at = timezone.now()
        watch.save(update_fields=["patent_watermark", "trademark_watermark", "last_run_at"])
        if raised:
            audit_record(
                actor=None,
                action=Action.WATCH_RUN,
                obj=watch,
                region_path=POOL_PATH,
                after={"warnings_raised": raised, "subscribers": len(subscribers)},
            )
        return raised


def watches_run(*, watch_ids: Iterable[int] | None = None) -> int:
    """Look at the records that arrived since each active watch last looked;
    the number of warnings raised (0 when run again with nothing new)."""
    top_patent, top_mark = _top_ids()
    ids = (
        list(watch_ids)
        if watch_ids is not None
        else list(Watch.objects.filter(active=True).values_list("pk", flat=True))
    )
    return sum(_run_one(pk, top_patent, top_mark) for pk in ids)


@transaction.atomic
def warnings_mark_read(*, actor: Any, notice_ids: Iterable[int]) -> int:
    """Mark the organisation's warning notices read; how many changed."""
    org = _subscriber(actor)
    return WarningNotice.objects.filter(
        pk__in=list(notice_ids), organisation=org, read=False
    ).update(read=True)
