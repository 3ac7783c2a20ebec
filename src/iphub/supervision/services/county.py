"""A city's choice that its counties send monthly reports too ("if the city asks")."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Region, RegionLevel, Role
from iphub.core.permissions import ensure_region_access, is_province, require_roles
from iphub.supervision.audit_actions import Action
from iphub.supervision.errors import SupervisionError
from iphub.supervision.models import CountyReporting


@transaction.atomic
def county_reporting_set(*, actor: Any, city: Region, enabled: bool) -> CountyReporting:
    """Turn county reports on or off for ``city`` (its own supervisors, or the province's).

    Turning it off keeps the reports already made; the counties are simply no
    longer asked, reminded or listed as missing.
    """
    require_roles(actor, Role.SUPERVISOR)
    if city.level != RegionLevel.PREFECTURE:
        raise ApplicationError(
            "只有市（州）可以设置县级报送。", code=SupervisionError.NOT_A_REPORTING_UNIT
        )
    ensure_region_access(actor, city)
    if not (is_province(actor) or actor.region_id == city.code):
        raise AccessDenied("只有本市（州）或省局督导人员可以设置县级报送。")
    setting, _ = CountyReporting.objects.select_for_update().get_or_create(city=city)
    before = {"enabled": setting.enabled}
    setting.enabled = bool(enabled)
    setting.changed_by = actor
    setting.save()
    audit_record(
        actor=actor,
        action=Action.COUNTY_REPORTING_SET,
        obj=setting,
        object_id=city.code,
        region_path=city.path,
        before=before,
        after={"enabled": setting.enabled},
    )
    return setting
