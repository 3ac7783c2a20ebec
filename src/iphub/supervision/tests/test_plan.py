from __future__ import annotations

from decimal import Decimal

import pytest

from iphub.core.errors import AccessDenied
from iphub.core.models import User
from iphub.supervision.models import Plan, PlanTarget, PlanTask, TaskKind
from iphub.supervision.services.plan import plan_load, target_update


def test_plan_loads_ten_tasks_three_measures_and_the_texts_targets(plan: Plan) -> None:
    assert plan.document_number == "鄂知发〔2022〕3号"
    assert PlanTask.objects.filter(plan=plan, kind=TaskKind.MAIN).count() == 10
    assert PlanTask.objects.filter(plan=plan, kind=TaskKind.ORGANISATIONAL).count() == 3
    targets = {t.indicator: t for t in PlanTarget.objects.filter(measure__task__plan=plan)}
    assert targets["chains_covered"].value == 10
    assert targets["workstations"].value == 200
    assert targets["high_value_per_10k"].value == 12
    due = targets["high_value_per_10k"].due
    assert due is not None and due.year == 2025
    assert "1个工作日" in targets["filing_on_time_rate"].description
    assert all(m.responsible_level for t in plan.tasks.all() for m in t.measures.all())


def test_loading_again_keeps_the_supervisors_edits_unless_replaced(
    plan: Plan, cast: dict[str, User]
) -> None:
    target = PlanTarget.objects.get(indicator="workstations")
    target_update(actor=cast["supervisor"], target_id=target.pk, data={"value": "250"})
    again, loaded = plan_load()
    assert again.pk == plan.pk and loaded is False
    target.refresh_from_db()
    assert target.value == Decimal(250)
    plan_load(replace=True)
    target.refresh_from_db()
    assert target.value == Decimal(200)
    assert PlanTask.objects.count() == 13


def test_only_the_province_edits_the_plan(plan: Plan, cast: dict[str, User]) -> None:
    target = PlanTarget.objects.get(indicator="workstations")
    with pytest.raises(AccessDenied):
        target_update(actor=cast["yichang_supervisor"], target_id=target.pk, data={"value": "1"})
    with pytest.raises(AccessDenied):
        target_update(actor=cast["wuhan_clerk"], target_id=target.pk, data={"value": "1"})


def test_management_commands_load_the_plan_and_send_reminders(regions: None) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("plan_load", stdout=out)
    call_command("plan_load", stdout=out)
    call_command("supervision_remind", "--today", "2026-05-15", stdout=out)
    assert "已载入" in out.getvalue() and "已存在，未覆盖" in out.getvalue()
    assert "新发送提醒 0 条" in out.getvalue()  # no city supervisor accounts yet
