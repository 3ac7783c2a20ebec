"""Writes to docking events (对接活动): create, invite the best-matched pairs,
take registrations, record each pair's outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Region
from iphub.core.permissions import ensure_region_access, require_roles
from iphub.transfer.access import STAFF_ROLES, own_organisation
from iphub.transfer.audit_actions import Action
from iphub.transfer.models import (
    DockingEvent,
    EventPair,
    EventRegistration,
    EventStatus,
    Match,
    MatchStage,
    NeedStatus,
    PairOutcome,
)
from iphub.transfer.services.matches import notify, patent_holders
from iphub.transfer.workflow import ipc_list_clean


@transaction.atomic
def event_create(*, actor: Any, data: Mapping[str, Any]) -> DockingEvent:
    """Staff announce an event for an industry chain, at a venue and/or online."""
    require_roles(actor, *STAFF_ROLES)
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    chain = str(data.get("industry_chain") or "").strip()
    if not title:
        errors["title"] = "请填写活动名称。"
    if not chain:
        errors["industry_chain"] = "请填写产业链。"
    try:
        date = dt.date.fromisoformat(str(data.get("date") or ""))
    except ValueError:
        errors["date"] = "请填写活动日期（YYYY-MM-DD）。"
    venue = str(data.get("venue") or "").strip()
    online = str(data.get("online_url") or "").strip()
    if not venue and not online:
        errors["venue"] = "请填写线下地点或线上地址。"
    if online:
        try:
            URLValidator(schemes=["http", "https"])(online)
        except ValidationError:
            errors["online_url"] = "线上地址应为以 http:// 或 https:// 开头的完整网址。"
    ipc = ipc_list_clean(data.get("ipc_prefixes"), errors)
    region_code = str(data.get("region") or (actor.region_id or ""))
    if errors:
        raise ApplicationError(f"活动信息有误：{next(iter(errors.values()))}", fields=errors)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ApplicationError("请选择主办地区。", fields={"region": "地区代码无效。"})
    ensure_region_access(actor, region)
    event = DockingEvent.objects.create(
        title=title[:200],
        industry_chain=chain[:100],
        ipc_prefixes=ipc,
        date=date,
        venue=venue[:200],
        online_url=online[:200],
        region=region,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.EVENT_CREATE,
        obj=event,
        region_path=region.path,
        after=snapshot(event),
    )
    return event


def _event(actor: Any, event_id: int) -> DockingEvent:
    event = DockingEvent.objects.select_related("region").filter(pk=event_id).first()
    if event is None:
        raise NotFound("未找到该对接活动。")
    return event


@transaction.atomic
def event_invite_best(*, actor: Any, event_id: int, limit: int = 20) -> list[EventPair]:
    """Invite the strongest open pairs of the event's region and chain: needs in the
    region whose matches fall in the event's IPC range (or mention its chain)."""
    require_roles(actor, *STAFF_ROLES)
    event = _event(actor, event_id)
    ensure_region_access(actor, event.region)
    qs = Match.objects.filter(
        Q(need__region__path=event.region.path)
        | Q(need__region__path__startswith=event.region.path + "/"),
        need__status=NeedStatus.OPEN,
        stage__in=(MatchStage.MATCHED, MatchStage.CONTACTED, MatchStage.NEGOTIATING),
    ).select_related("need__organisation", "patent", "listing__organisation")
    scope = Q(need__industry_chain__icontains=event.industry_chain)
    for prefix in event.ipc_prefixes:
        scope |= Q(need__ipc_codes__icontains=prefix[:4])
    already = set(event.pairs.values_list("match_id", flat=True))
    picked = [m for m in qs.filter(scope).order_by("-score")[: limit * 3] if m.pk not in already]
    pairs = []
    for m in picked[:limit]:
        pairs.append(EventPair.objects.create(event=event, match=m))
        link = reverse("transfer:event_detail", args=[event.pk])
        title = f"邀请参加对接活动“{event.title}”（{event.date}）"
        notify(organisations=[m.need.organisation], title=title, body=m.need.title, link=link)
        supply = [m.listing.organisation] if m.listing else patent_holders(m.patent_id)
        notify(organisations=supply, title=title, body=m.patent.title, link=link)
    audit_record(
        actor=actor,
        action=Action.EVENT_INVITE,
        obj=event,
        region_path=event.region.path,
        after={"invited": [p.match_id for p in pairs]},
    )
    return pairs


@transaction.atomic
def event_register(*, actor: Any, event_id: int, attendees: int = 1) -> EventRegistration:
    """An enterprise, university or agency registers to attend."""
    org = own_organisation(actor)
    event = _event(actor, event_id)
    if event.status != EventStatus.PLANNED:
        raise ApplicationError("该活动已结束或取消，不能报名。", status=409)
    if not 1 <= attendees <= 20:
        raise ApplicationError("参会人数应在 1 到 20 之间。", fields={"attendees": "1 到 20 人。"})
    reg, created = EventRegistration.objects.get_or_create(
        event=event, organisation=org, defaults={"registered_by": actor, "attendees": attendees}
    )
    if not created:
        raise ApplicationError("本单位已报名该活动。", code="duplicate", status=409)
    EventPair.objects.filter(
        Q(match__need__organisation=org) | Q(match__listing__organisation=org),
        event=event,
        outcome=PairOutcome.INVITED,
    ).update(outcome=PairOutcome.REGISTERED)
    audit_record(
        actor=actor,
        action=Action.EVENT_REGISTER,
        obj=reg,
        object_repr=f"{org.name} → {event.title}",
        region_path=event.region.path,
        after={"attendees": attendees},
    )
    return reg


@transaction.atomic
def event_pair_outcome(
    *, actor: Any, pair_id: int, outcome: str, note: str = "", event_id: int | None = None
) -> EventPair:
    """Staff record how a pair went; a signed pair moves its match to negotiation
    (the deal itself is recorded with its amount through ``deal_record``).
    ``event_id``, when given, is the event the clerk is looking at: a pair of
    another event is not found."""
    require_roles(actor, *STAFF_ROLES)
    pair = EventPair.objects.select_related("event__region", "match").filter(pk=pair_id).first()
    if pair is None or (event_id is not None and pair.event_id != event_id):
        raise NotFound("未找到该对接配对。")
    ensure_region_access(actor, pair.event.region)
    if outcome not in PairOutcome.values:
        choices = "、".join(str(label) for label in PairOutcome.labels)
        raise ApplicationError(
            f"请选择对接结果：{choices}。", fields={"outcome": f"可选：{choices}。"}
        )
    before = pair.outcome
    pair.outcome, pair.note = outcome, note[:300]
    pair.save(update_fields=["outcome", "note"])
    m = pair.match
    if outcome in (PairOutcome.INTENT, PairOutcome.SIGNED) and m.stage in (
        MatchStage.MATCHED,
        MatchStage.CONTACTED,
    ):
        m.stage = MatchStage.NEGOTIATING
        m.save(update_fields=["stage", "updated_at"])
    if pair.event.status == EventStatus.PLANNED:
        DockingEvent.objects.filter(pk=pair.event_id).update(status=EventStatus.HELD)
    audit_record(
        actor=actor,
        action=Action.EVENT_PAIR_OUTCOME,
        obj=pair.event,
        region_path=pair.event.region.path,
        before={"pair": pair.pk, "outcome": before},
        after={"pair": pair.pk, "outcome": outcome},
    )
    return pair
