"""Saving a scoring scheme: validated by ``scoring.scheme_validate``, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Role
from iphub.core.permissions import is_province, require_roles
from iphub.supervision.audit_actions import Action
from iphub.supervision.errors import SupervisionError
from iphub.supervision.models import ScoringScheme
from iphub.supervision.scoring import scheme_validate


@transaction.atomic
def scheme_save(
    *,
    actor: Any,
    scheme_id: int | None = None,
    name: str,
    year: int,
    active: bool,
    config: dict[str, Any],
) -> ScoringScheme:
    """Create or change a scheme (province supervisors only: it scores every city)."""
    require_roles(actor, Role.SUPERVISOR)
    if not is_province(actor):
        raise AccessDenied("只有省局督导人员可以修改评分方案。")
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            "请填写方案名称。",
            code=SupervisionError.SCHEME_INVALID,
            fields={"name": "请填写名称。"},
        )
    config = scheme_validate(config)
    if scheme_id is None:
        scheme, before = ScoringScheme(), None
    else:
        found = ScoringScheme.objects.select_for_update().filter(pk=scheme_id).first()
        if found is None:
            raise NotFound("未找到该评分方案。")
        scheme, before = found, snapshot(found)
    scheme.name, scheme.year, scheme.active, scheme.config = name[:100], int(year), active, config
    scheme.save()
    audit_record(
        actor=actor,
        action=Action.SCHEME_SAVE,
        obj=scheme,
        before=before,
        after=snapshot(scheme),
    )
    return scheme
