"""Writes to technology needs: post, collect on an enterprise's behalf, renew,
mark stale, close, and the sweep that expires needs past their deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Organisation
from iphub.core.permissions import ensure_region_access, require_roles
from iphub.transfer.access import STAFF_ROLES, own_organisation, side_of
from iphub.transfer.audit_actions import Action
from iphub.transfer.errors import TransferError
from iphub.transfer.models import NeedSource, NeedStatus, TechnologyNeed
from iphub.transfer.workflow import need_clean, need_edit_check, need_transition_check


def _enqueue_matching(need_id: int) -> None:
    from iphub.transfer.services.matches import need_matching_queue

    need_matching_queue(need_id=need_id)


def need_ipc_suggested(*, title: str, description: str, chosen: list[str]) -> list[dict[str, Any]]:
    """The suggester's subclasses for a need that the user did not choose, with
    confidence and title (stored apart from ``ipc_codes``, never merged into them)."""
    from iphub.patents.services.ipc_suggestions import ipc_suggest_quiet

    taken = {c[:4] for c in chosen}
    return [
        s.as_dict()
        for s in ipc_suggest_quiet(title, description)
        if s.level == "subclass" and s.code not in taken
    ]


def _with_contact_defaults(data: Mapping[str, Any], org: Organisation) -> dict[str, Any]:
    # A need collected on a visit often has no contact of its own: the
    # organisation's registered contact is the right person to call.
    out = dict(data)
    out.setdefault("contact_name", org.contact_name)
    out.setdefault("contact_phone", org.contact_phone)
    if not out["contact_name"]:
        out["contact_name"] = org.contact_name
    if not out["contact_phone"]:
        out["contact_phone"] = org.contact_phone
    return out


def need_create_for(
    *, organisation: Organisation, data: Mapping[str, Any], actor: Any, source: str
) -> TechnologyNeed:
    """Validate and save a need of ``organisation`` (the caller has checked the actor).

    Shared by posting, 大走访 collection and the Excel import; matching follows
    in the background once the transaction commits.
    """
    clean = need_clean(_with_contact_defaults(data, organisation))
    clean["ipc_suggested"] = need_ipc_suggested(
        title=clean["title"], description=clean["description"], chosen=clean["ipc_codes"]
    )
    need = TechnologyNeed.objects.create(
        organisation=organisation,
        region=organisation.region,
        source=source,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        confirmed_at=timezone.now(),
        **clean,
    )
    audit_record(
        actor=actor,
        action=Action.NEED_CREATE,
        obj=need,
        region_path=organisation.region.path,
        after=snapshot(need),
    )
    _enqueue_matching(need.pk)
    return need


@transaction.atomic
def need_create(
    *, actor: Any, data: Mapping[str, Any], organisation_id: int | None = None
) -> TechnologyNeed:
    """Post a need: an enterprise for itself, or staff on an enterprise's behalf (大走访).

    Staff name the organisation (``organisation_id``), which must lie in their region.
    """
    if organisation_id is None:
        org = own_organisation(actor)
        return need_create_for(organisation=org, data=data, actor=actor, source=NeedSource.SELF)
    require_roles(actor, *STAFF_ROLES)
    found = Organisation.objects.select_related("region").filter(pk=organisation_id).first()
    if found is None:
        raise ApplicationError("未找到该企业。", fields={"organisation": "请选择企业。"})
    ensure_region_access(actor, found.region)
    return need_create_for(organisation=found, data=data, actor=actor, source=NeedSource.VISIT)


def _locked(need_id: int) -> TechnologyNeed:
    need = (
        TechnologyNeed.objects.select_for_update()
        .select_related("region", "organisation")
        .filter(pk=need_id)
        .first()
    )
    if need is None:
        raise NotFound("未找到该技术需求。")
    return need


@transaction.atomic
def need_update(*, actor: Any, need_id: int, data: Mapping[str, Any]) -> TechnologyNeed:
    """Edit an open or stale need; editing confirms it is current. An expired need
    must be renewed first, so nobody edits a need that is no longer published."""
    need = _locked(need_id)
    side_of(actor, organisation_id=need.organisation_id, region_path=need.region.path)
    need_edit_check(need.status, need.deadline)
    before = snapshot(need)
    merged = {f: getattr(need, f) for f in ("title", "description", "industry_chain")}
    merged |= {
        "ipc_codes": need.ipc_codes,
        "budget_min": need.budget_min,
        "budget_max": need.budget_max,
        "preferred_forms": need.preferred_forms,
        "deadline": need.deadline,
        "contact_name": need.contact_name,
        "contact_phone": need.contact_phone,
    }
    merged |= dict(data)
    for name, value in need_clean(merged).items():
        setattr(need, name, value)
    need.ipc_suggested = need_ipc_suggested(
        title=need.title, description=need.description, chosen=need.ipc_codes
    )
    need.status = NeedStatus.OPEN
    need.confirmed_at = timezone.now()
    need.save()
    audit_record(
        actor=actor,
        action=Action.NEED_UPDATE,
        obj=need,
        region_path=need.region.path,
        before=before,
        after=snapshot(need),
    )
    _enqueue_matching(need.pk)
    return need


def _move(need: TechnologyNeed, *, actor: Any, target: str, who: str, action: Action) -> None:
    need_transition_check(need.status, target, who)
    before = need.status
    need.status = target
    need.save(update_fields=["status", "confirmed_at", "deadline", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=need,
        region_path=need.region.path,
        before={"status": before},
        after={"status": target, "deadline": need.deadline},
    )


@transaction.atomic
def need_renew(*, actor: Any, need_id: int, deadline: dt.date | str) -> TechnologyNeed:
    """Confirm a stale or expired need is still wanted, with a new deadline."""
    need = _locked(need_id)
    who = side_of(actor, organisation_id=need.organisation_id, region_path=need.region.path)
    current = {
        f: getattr(need, f)
        for f in (
            "title",
            "description",
            "industry_chain",
            "ipc_codes",
            "budget_min",
            "budget_max",
            "preferred_forms",
            "contact_name",
            "contact_phone",
        )
    }
    need.deadline = need_clean(current | {"deadline": deadline})["deadline"]
    need.confirmed_at = timezone.now()
    _move(need, actor=actor, target=NeedStatus.OPEN, who=who, action=Action.NEED_RENEW)
    _enqueue_matching(need.pk)
    return need


@transaction.atomic
def need_match_again(*, actor: Any, need_id: int) -> TechnologyNeed:
    """Queue an open need's matching again (after it failed or its worker stopped)."""
    need = _locked(need_id)
    side_of(actor, organisation_id=need.organisation_id, region_path=need.region.path)
    if need.status != NeedStatus.OPEN:
        raise ApplicationError(
            f"该需求已{need.get_status_display()}，不再匹配；请先续期。",
            code=TransferError.NEED_NOT_OPEN,
            status=409,
        )
    audit_record(
        actor=actor, action=Action.NEED_MATCH_AGAIN, obj=need, region_path=need.region.path
    )
    _enqueue_matching(need.pk)
    return need


@transaction.atomic
def need_mark_stale(*, actor: Any, need_id: int) -> TechnologyNeed:
    """Staff flag an open need whose owner could not confirm it (e.g. on a follow-up call)."""
    need = _locked(need_id)
    who = side_of(actor, organisation_id=need.organisation_id, region_path=need.region.path)
    _move(need, actor=actor, target=NeedStatus.STALE, who=who, action=Action.NEED_MARK_STALE)
    return need


@transaction.atomic
def need_close(*, actor: Any, need_id: int) -> TechnologyNeed:
    """Withdraw a need (solved, or no longer wanted)."""
    need = _locked(need_id)
    who = side_of(actor, organisation_id=need.organisation_id, region_path=need.region.path)
    _move(need, actor=actor, target=NeedStatus.CLOSED, who=who, action=Action.NEED_CLOSE)
    return need


def needs_expire_due(*, today: dt.date | None = None) -> dict[str, int]:
    """The sweep that keeps the database current (the 'dynamic' 需求库).

    Needs past their deadline expire; open needs not confirmed for
    ``TRANSFER_NEED_STALE_DAYS`` become stale. Each need is claimed with a
    conditional update, so two workers running the sweep never both move it.
    """
    today = today or timezone.localdate()
    stale_days = int(getattr(settings, "TRANSFER_NEED_STALE_DAYS", 90))
    stale_before = timezone.now() - dt.timedelta(days=stale_days)
    counts = {"expired": 0, "stale": 0}
    due = TechnologyNeed.objects.filter(
        status__in=(NeedStatus.OPEN, NeedStatus.STALE), deadline__lt=today
    ).select_related("region")
    for need in due.iterator():
        with transaction.atomic():
            moved = TechnologyNeed.objects.filter(pk=need.pk, status=need.status).update(
                status=NeedStatus.EXPIRED, updated_at=timezone.now()
            )
            if moved:
                counts["expired"] += 1
                audit_record(
                    actor=None,
                    action=Action.NEED_EXPIRE,
                    obj=need,
                    region_path=need.region.path,
                    before={"status": need.status},
                    after={"status": NeedStatus.EXPIRED, "deadline": need.deadline},
                )
    old = TechnologyNeed.objects.filter(
        status=NeedStatus.OPEN, confirmed_at__lt=stale_before
    ).select_related("region")
    for need in old.iterator():
        with transaction.atomic():
            moved = TechnologyNeed.objects.filter(pk=need.pk, status=NeedStatus.OPEN).update(
                status=NeedStatus.STALE, updated_at=timezone.now()
            )
            if moved:
                counts["stale"] += 1
                audit_record(
                    actor=None,
                    action=Action.NEED_MARK_STALE,
                    obj=need,
                    region_path=need.region.path,
                    before={"status": NeedStatus.OPEN},
                    after={"status": NeedStatus.STALE},
                )
    return counts
