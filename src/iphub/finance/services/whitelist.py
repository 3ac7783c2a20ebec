"""The financing whitelist (融资白名单): city and province supervisors list
enterprises of their region with the criteria met, the evidence and a period;
banks see the list, and requests of listed enterprises are marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record, snapshot
from iphub.core.calendar import add_years
from iphub.core.errors import ApplicationError, NotFound, field_error
from iphub.core.models import Organisation, OrganisationKind, Role
from iphub.core.permissions import path_within, region_path_of, require_roles
from iphub.finance.audit_actions import Action
from iphub.finance.models import WhitelistCriterion, WhitelistEntry
from iphub.finance.services.products import _list

# Who curates: supervisors of a city (prefecture) or of the province.
MAX_YEARS = 3


def _curator(actor: Any) -> str:
    require_roles(actor, Role.SUPERVISOR)
    scope = region_path_of(actor)
    if scope is None or scope.count("/") > 1:
        raise ApplicationError(
            "融资白名单由市（州）和省级督导人员维护。", code="permission_denied", status=403
        )
    return scope


def _date(raw: Any, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise field_error(field, f"请按 YYYY-MM-DD 填写{label}。") from None


@transaction.atomic
def whitelist_add(*, actor: Any, data: Mapping[str, Any]) -> WhitelistEntry:
    """List an enterprise of the actor's region (criteria, evidence, period). The
    organisation row is locked, so two staff listing it at once make one entry."""
    scope = _curator(actor)
    org_id = str(data.get("organisation", "")).strip()
    org = (
        Organisation.objects.select_for_update()
        .select_related("region")
        .filter(pk=int(org_id) if org_id.isdigit() else 0)
        .first()
    )
    if org is None or not path_within(org.region.path, scope):
        raise field_error("organisation", "请选择本辖区内的企业。")
    if org.kind == OrganisationKind.BANK:
        raise field_error("organisation", "银行不能列入企业融资白名单。")
    criteria = _list(data, "criteria")
    if not criteria or any(c not in WhitelistCriterion.values for c in criteria):
        raise field_error("criteria", "请从列表中选择至少一项入选条件。")
    evidence = str(data.get("evidence", "")).strip()[:2000]
    if not evidence:
        raise field_error("evidence", "请写明依据材料（如认定文件名称和文号）。")
    start = _date(data.get("valid_from"), "valid_from", "有效期起")
    end = _date(data.get("valid_until"), "valid_until", "有效期止")
    if end < start:
        raise field_error("valid_until", "有效期止不能早于有效期起。")
    if end > add_years(start, MAX_YEARS):
        raise field_error("valid_until", f"有效期最长 {MAX_YEARS} 年。")
    today = timezone.localdate()
    current = WhitelistEntry.objects.filter(
        organisation=org, removed_at=None, valid_until__gte=today
    ).first()
    if current is not None:
        raise ApplicationError(
            f"{org.name}已在白名单中（有效期至 {current.valid_until:%Y-%m-%d}）。",
            code="duplicate",
            fields={"organisation": "已在白名单中。"},
            status=409,
        )
    entry = WhitelistEntry.objects.create(
        organisation=org,
        listed_by_region=actor.region,
        criteria=criteria,
        evidence=evidence,
        valid_from=start,
        valid_until=end,
        added_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.WHITELIST_ADD,
        obj=entry,
        region_path=org.region.path,
        after=snapshot(entry),
    )
    return entry


@transaction.atomic
def whitelist_remove(*, actor: Any, entry_id: int, reason: str) -> WhitelistEntry:
    """Take an enterprise off the list early, with the reason."""
    scope = _curator(actor)
    entry = (
        WhitelistEntry.objects.select_for_update(of=("self",))
        .select_related("organisation__region")
        .filter(pk=entry_id, removed_at=None)
        .first()
    )
    if entry is None or not path_within(entry.organisation.region.path, scope):
        raise NotFound("未找到该白名单记录。")
    reason = (reason or "").strip()[:300]
    if not reason:
        raise field_error("reason", "请写明移出原因。")
    entry.removed_at = timezone.now()
    entry.removed_reason = reason
    entry.save(update_fields=["removed_at", "removed_reason"])
    audit_record(
        actor=actor,
        action=Action.WHITELIST_REMOVE,
        obj=entry,
        region_path=entry.organisation.region.path,
        after={"removed_reason": reason},
    )
    return entry
