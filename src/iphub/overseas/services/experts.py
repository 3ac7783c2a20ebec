"""The expert pool: experts and the conflicts they declare (province staff)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import NotFound, field_error
from iphub.overseas import workflow
from iphub.overseas.audit_actions import Action
from iphub.overseas.models import Expert, ExpertConflict
from iphub.overseas.services import _input
from iphub.patents.names import applicant_key

POOL_PATH = "420000"


@transaction.atomic
def expert_create(
    *,
    actor: Any,
    data: dict[str, Any],
    countries: Iterable[Any],
    languages: Iterable[Any],
    conflicts: Iterable[str] = (),
) -> Expert:
    """Province staff add an expert to the pool, with the parties they declared."""
    workflow.ensure_keeps_pool(actor)
    expert = Expert.objects.create(
        name=_input.text(data, "name", "姓名", limit=50),
        affiliation=_input.text(data, "affiliation", "工作单位", limit=200, required=False),
        field=_input.text(data, "field", "专业领域", limit=200),
        countries=_input.countries(countries),
        languages=_input.languages(languages),
    )
    audit_record(
        actor=actor,
        action=Action.EXPERT_CREATE,
        obj=expert,
        region_path=POOL_PATH,
        after=snapshot(expert),
    )
    for party in conflicts:
        if party.strip():
            _declare(actor, expert, party, "")
    return expert


def _declare(actor: Any, expert: Expert, party: str, note: str) -> ExpertConflict:
    name = party.strip()[:200]
    key = applicant_key(name)[:200]
    if not key:
        raise field_error("party_name", "请填写利益冲突方的名称。")
    conflict, created = ExpertConflict.objects.get_or_create(
        expert=expert, party_key=key, defaults={"party_name": name, "note": note[:300]}
    )
    if not created:
        raise field_error("party_name", f"已声明过与“{conflict.party_name}”的利益冲突。")
    audit_record(
        actor=actor,
        action=Action.CONFLICT_DECLARE,
        obj=conflict,
        region_path=POOL_PATH,
        after={"party_name": name, "note": note[:300]},
    )
    return conflict


@transaction.atomic
def expert_conflict_declare(
    *, actor: Any, expert_id: int, party_name: str, note: str = ""
) -> ExpertConflict:
    """Record a party the expert may not advise on or against. The expert row is
    locked, so a declaration and an assignment of the same expert are serialised:
    an assignment that commits first stands, one after sees the conflict."""
    workflow.ensure_keeps_pool(actor)
    expert = Expert.objects.select_for_update().filter(pk=expert_id).first()
    if expert is None:
        raise NotFound("未找到该专家。")
    return _declare(actor, expert, party_name, note)
