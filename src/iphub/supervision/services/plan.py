"""Loading a plan from its data file, and the supervisor's edits of targets."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from iphub.core.amounts import NumberRange, parse_required
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Role
from iphub.core.permissions import is_province, require_roles
from iphub.supervision.audit_actions import Action
from iphub.supervision.errors import SupervisionError
from iphub.supervision.models import (
    Comparator,
    Plan,
    PlanMeasure,
    PlanTarget,
    PlanTask,
    ResponsibleLevel,
    TargetBasis,
    TaskKind,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_PLAN = DATA_DIR / "plan_2022.json"


def _bad(message: str) -> ApplicationError:
    return ApplicationError(f"方案文件有误：{message}", code=SupervisionError.PLAN_FILE_INVALID)


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _bad(f"日期“{value}”格式应为 YYYY-MM-DD。") from None


# A plan target (件, 万元, %, 个): not negative, within PlanTarget.value's digits.
TARGET_RANGE = NumberRange("目标值", unit="", maximum=Decimal("999999999999.99"))


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return parse_required(value, TARGET_RANGE, field="value")
    except ApplicationError as exc:
        raise _bad(f"目标 {where}：{exc.message}") from None


def _basis(target: dict[str, Any]) -> str:
    # A target claims the plan's authority only when the file says so.
    basis = target.get("basis", TargetBasis.DEFAULT)
    if basis not in TargetBasis.values:
        raise _bad(f"目标 {target.get('code')} 的来源应为 {TargetBasis.values}。")
    return str(basis)


@transaction.atomic
def plan_load(*, path: Path | None = None, replace: bool = False) -> tuple[Plan, bool]:
    """Load a plan from its JSON file; returns (plan, loaded).

    Idempotent: a plan already in the database is left alone (the supervisor
    may have edited it) unless ``replace`` is given, in which case tasks,
    measures and targets are updated in place and those no longer in the file
    removed.
    """
    path = path or DEFAULT_PLAN
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise _bad(str(exc)) from None
    for key in ("code", "title", "year", "tasks"):
        if key not in data:
            raise _bad(f"缺少“{key}”。")
    plan = Plan.objects.filter(code=data["code"]).first()
    if plan is not None and not replace:
        return plan, False
    plan, _ = Plan.objects.update_or_create(
        code=data["code"],
        defaults={
            "title": data["title"],
            "document_number": data.get("document_number", ""),
            "issued_on": _date(data.get("issued_on")),
            "year": int(data["year"]),
            "source": str(data.get("source", ""))[:200],
        },
    )
    task_keep = []
    for tpos, t in enumerate(data["tasks"]):
        if t.get("kind") not in TaskKind.values:
            raise _bad(f"任务“{t.get('number')}”的类别应为 {TaskKind.values}。")
        task, _ = PlanTask.objects.update_or_create(
            plan=plan,
            number=t["number"],
            defaults={"kind": t["kind"], "title": t["title"], "position": tpos},
        )
        task_keep.append(task.pk)
        measure_keep = []
        for mpos, m in enumerate(t.get("measures", [])):
            if m.get("level") not in ResponsibleLevel.values:
                raise _bad(f"措施 {m.get('code')} 的责任层级应为 {ResponsibleLevel.values}。")
            measure, _ = PlanMeasure.objects.update_or_create(
                task=task,
                code=m["code"],
                defaults={
                    "text": m["text"],
                    "responsible_level": m["level"],
                    "lead_units": m.get("lead", ""),
                    "position": mpos,
                },
            )
            measure_keep.append(measure.pk)
            target_keep = []
            for g in m.get("targets", []):
                if g.get("comparator", "ge") not in Comparator.values:
                    raise _bad(f"目标 {g.get('code')} 的比较方式应为 ge 或 le。")
                target, _ = PlanTarget.objects.update_or_create(
                    measure=measure,
                    code=g["code"],
                    defaults={
                        "description": g["description"],
                        "indicator": g.get("indicator", ""),
                        "value": _decimal(g["value"], g["code"]),
                        "unit": g.get("unit", ""),
                        "comparator": g.get("comparator", "ge"),
                        "due": _date(g.get("due")),
                        "cumulative": bool(g.get("cumulative", True)),
                        "basis": _basis(g),
                        "basis_note": str(g.get("basis_note", ""))[:300],
                    },
                )
                target_keep.append(target.pk)
            measure.targets.exclude(pk__in=target_keep).delete()
        task.measures.exclude(pk__in=measure_keep).delete()
    plan.tasks.exclude(pk__in=task_keep).delete()
    audit_record(actor=None, action=Action.PLAN_LOAD, obj=plan, after={"file": str(path)})
    return plan, True


def _province_supervisor(actor: Any) -> None:
    require_roles(actor, Role.SUPERVISOR)
    if not is_province(actor):
        raise AccessDenied("只有省局督导人员可以修改方案。")


def plan_editable_by(actor: Any) -> bool:
    """May ``actor`` edit the plan's targets (the province's supervisors)?"""
    try:
        _province_supervisor(actor)
    except ApplicationError:
        return False
    return True


@transaction.atomic
def target_update(*, actor: Any, target_id: int, data: dict[str, Any]) -> PlanTarget:
    """The province supervisor edits a target's text, value, unit or due date."""
    _province_supervisor(actor)
    target = PlanTarget.objects.select_for_update().filter(pk=target_id).first()
    if target is None:
        raise NotFound("未找到该目标。")
    before = snapshot(target)
    if "description" in data:
        text = str(data["description"]).strip()
        if not text:
            raise ApplicationError("目标不能为空。", fields={"description": "目标不能为空。"})
        target.description = text[:300]
    if "value" in data:
        target.value = parse_required(data["value"], TARGET_RANGE, field="value")
    if "unit" in data:
        target.unit = str(data["unit"])[:20]
    if data.get("due"):
        try:
            target.due = dt.date.fromisoformat(str(data["due"]))
        except ValueError:
            raise ApplicationError(
                "日期格式应为 YYYY-MM-DD。", fields={"due": "日期格式应为 YYYY-MM-DD。"}
            ) from None
    target.save()
    audit_record(
        actor=actor,
        action=Action.TARGET_UPDATE,
        obj=target,
        before=before,
        after=snapshot(target),
    )
    return target
