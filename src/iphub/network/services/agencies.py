"""The agencies directory's own records: an agency's profile (services,
regions served, introduction) and its registered agents. Kept by the agency's
own accounts and by the province's staff; every write is audited."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Organisation, OrganisationKind, Region, RegionLevel, Role
from iphub.core.permissions import has_role, is_province, require_login
from iphub.network.audit_actions import Action
from iphub.network.models import AgencyProfile, AgencyService, Agent

# The certificate number's format is *unverified* (CNIPA's 专利代理师资格证 numbers
# seen in public lists are digit strings); configurable through
# NETWORK_AGENT_LICENCE_PATTERN until the authority's rule is confirmed.
DEFAULT_LICENCE_PATTERN = r"^[0-9A-Z]{6,20}$"
NAME = re.compile(r"^[\u3400-\u9fffA-Za-z·• ]{2,40}$")


def licence_pattern() -> re.Pattern[str]:
    return re.compile(getattr(settings, "NETWORK_AGENT_LICENCE_PATTERN", DEFAULT_LICENCE_PATTERN))


def may_edit_agency(user: Any, organisation: Organisation) -> bool:
    """The agency's own accounts, and the province's window staff and supervisors."""
    if has_role(user, Role.AGENCY) and user.organisation_id == organisation.pk:
        return True
    return has_role(user, Role.WINDOW, Role.SUPERVISOR) and is_province(user)


def _agency(actor: Any, organisation_id: int) -> Organisation:
    require_login(actor)
    org = Organisation.objects.filter(pk=organisation_id, kind=OrganisationKind.AGENCY).first()
    if org is None:
        raise NotFound("未找到该服务机构。")
    if not may_edit_agency(actor, org):
        raise AccessDenied("服务机构名录信息由机构本身或省级工作人员维护。")
    return org


@transaction.atomic
def agency_profile_update(
    *, actor: Any, organisation_id: int, data: Mapping[str, Any]
) -> AgencyProfile:
    """Set an agency's services, the cities it serves and its introduction."""
    org = _agency(actor, organisation_id)

    def many(key: str) -> list[str]:
        raw = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
        return [str(v) for v in (raw or [])]

    services = [s for s in AgencyService.values if s in set(many("services"))]
    if not services:
        raise field_error("services", "请至少勾选一项服务内容。")
    wanted = set(many("regions_served"))
    cities = set(
        Region.objects.filter(code__in=wanted, level=RegionLevel.PREFECTURE).values_list(
            "code", flat=True
        )
    )
    if wanted - cities:
        raise field_error("regions_served", "服务地区只能从湖北省的市（州）中选择。")
    introduction = str(data.get("introduction") or "").strip()
    if len(introduction) > 2000:
        raise field_error("introduction", "机构简介不能超过 2000 个字。")
    profile, _created = AgencyProfile.objects.select_for_update().get_or_create(organisation=org)
    before = snapshot(profile, exclude=("updated_at",))
    profile.services = services
    profile.regions_served = sorted(cities)
    profile.introduction = introduction
    profile.save()
    audit_record(
        actor=actor,
        action=Action.AGENCY_PROFILE_UPDATE,
        obj=profile,
        region_path=org.region.path,
        before=before,
        after=snapshot(profile, exclude=("updated_at",)),
    )
    return profile


@transaction.atomic
def agent_add(*, actor: Any, organisation_id: int, data: Mapping[str, Any]) -> Agent:
    """Register an agent with an agency: name and certificate number, checked."""
    org = _agency(actor, organisation_id)
    name = str(data.get("name") or "").strip()
    if not NAME.match(name):
        raise field_error("name", "请填写代理师姓名（2～40 个汉字或字母）。")
    number = re.sub(r"\s+", "", str(data.get("licence_number") or "")).upper()
    if not licence_pattern().match(number):
        raise field_error(
            "licence_number", "代理师资格证号应为 6～20 位数字或大写字母，请按证书填写。"
        )
    try:
        with transaction.atomic():
            agent = Agent.objects.create(organisation=org, name=name, licence_number=number)
    except IntegrityError:
        holder = Agent.objects.filter(licence_number=number).select_related("organisation").first()
        where = holder.organisation.name if holder else "其他机构"
        raise ApplicationError(
            f"资格证号 {number} 已登记在{where}，同一代理师只能在一家机构执业。",
            code="duplicate",
            status=409,
            fields={"licence_number": f"资格证号 {number} 已登记在{where}。"},
        ) from None
    audit_record(
        actor=actor,
        action=Action.AGENT_ADD,
        obj=agent,
        region_path=org.region.path,
        after=snapshot(agent, exclude=("created_at",)),
    )
    return agent


@transaction.atomic
def agent_deactivate(*, actor: Any, organisation_id: int, agent_id: int) -> Agent:
    """Mark an agent as no longer practising at the agency (the row stays)."""
    org = _agency(actor, organisation_id)
    agent = Agent.objects.select_for_update().filter(pk=agent_id, organisation=org).first()
    if agent is None:
        raise NotFound("未找到该代理师。")
    agent.active = False
    agent.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action=Action.AGENT_DEACTIVATE,
        obj=agent,
        region_path=org.region.path,
        before={"active": True},
        after={"active": False},
    )
    return agent
