"""Writes of the value grade's settings table (issue 20)."""

from __future__ import annotations

import itertools
from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.permissions import region_path_of, require_roles
from iphub.core.regions import HUBEI
from iphub.patents.audit_actions import Action
from iphub.patents.models import GradeWeight, GradeWeightKind

MAX_POINTS = 100


def grade_weights_can_edit(user: Any) -> bool:
    """Province supervisors (and superusers) keep the weights; everyone else reads them."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser) or (
        user.role == "supervisor" and region_path_of(user) in ("", HUBEI)
    )


@transaction.atomic
def grade_weights_update(*, actor: Any, values: dict[str, str]) -> list[GradeWeight]:
    """Set factor points and band bounds from ``values`` (key -> whole number as typed).

    Factors take 0-100 points (0 leaves a factor out); band bounds 0-100, A above
    B above C, D at 0. Either every value is valid and all are saved, or nothing
    changes. The corpus is regraded in the background afterwards.
    """
    require_roles(actor, "supervisor")
    if not grade_weights_can_edit(actor):
        raise AccessDenied("价值分级权重由省级督导人员维护。")
    from iphub.patents.intelligence.grading import grade_weight_defaults

    missing = [d for d in grade_weight_defaults() if not GradeWeight.objects.filter(key=d.key)]
    GradeWeight.objects.bulk_create(missing, ignore_conflicts=True)
    rows = {w.key: w for w in GradeWeight.objects.select_for_update()}
    errors: dict[str, str] = {}
    parsed: dict[str, int] = {}
    for key, raw in values.items():
        if key not in rows:
            continue
        text = str(raw).strip()
        if not text.isdigit() or int(text) > MAX_POINTS:
            errors[key] = f"“{rows[key].label}”应为 0 到 {MAX_POINTS} 的整数，现为“{text}”。"
            continue
        parsed[key] = int(text)
    bounds = {k: parsed.get(k, w.points) for k, w in rows.items() if w.kind == GradeWeightKind.BAND}
    ordered = [bounds.get(f"band_{b}") for b in "abcd" if f"band_{b}" in bounds]
    if not errors and any(
        a is not None and b is not None and a <= b for a, b in itertools.pairwise(ordered)
    ):
        errors["band_a"] = "档位下限应由 A 到 D 依次降低（如 70、50、30、0）。"
    if not errors and bounds.get("band_d", 0) != 0:
        errors["band_d"] = "D 档下限应为 0，使每个分数都有档位。"
    factors = [parsed.get(k, w.points) for k, w in rows.items() if w.kind == GradeWeightKind.FACTOR]
    if not errors and sum(factors) == 0:
        errors["status"] = "至少一个因素的分值应大于 0。"
    if errors:
        raise ApplicationError("权重未保存：" + next(iter(errors.values())), fields=errors)
    before = {k: w.points for k, w in rows.items()}
    changed = []
    for key, points in parsed.items():
        if rows[key].points != points:
            rows[key].points = points
            rows[key].save(update_fields=["points", "updated_at"])
            changed.append(rows[key])
    if changed:
        audit_record(
            actor=actor,
            action=Action.GRADE_WEIGHTS_UPDATE,
            obj=changed[0],
            before={w.key: before[w.key] for w in changed},
            after={w.key: w.points for w in changed},
        )

        def regrade() -> None:
            from iphub.patents.tasks import grades_recompute_all

            grades_recompute_all.enqueue()

        transaction.on_commit(regrade)
    return changed
