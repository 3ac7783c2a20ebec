"""The plan file marks which target values are the plan's and which the
platform's; the dashboard shows the mark. The population file's sums."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iphub.core.indicators import POPULATION_FILE
from iphub.core.models import User
from iphub.supervision.models import Plan, PlanTarget, TargetBasis


def test_every_target_says_where_its_value_comes_from(plan: Plan) -> None:
    basis = dict(PlanTarget.objects.values_list("code", "basis"))
    # The three the plan's text gives as numbers (and the monthly reports it requires).
    assert {c for c, b in basis.items() if b == TargetBasis.PLAN} == {
        "1.2.a",
        "2.1.a",
        "4.1.a",
        "8.1.a",
    }
    assert basis["8.2.a"] == TargetBasis.DEFAULT and basis["3.1.a"] == TargetBasis.DEFAULT
    assert all(PlanTarget.objects.values_list("basis_note", flat=True))


def test_a_plan_file_without_a_basis_does_not_claim_the_plans_authority(
    regions: None, tmp_path: Any
) -> None:
    from iphub.supervision.services.plan import DEFAULT_PLAN, plan_load

    data = json.loads(DEFAULT_PLAN.read_text("utf-8"))
    data["code"] = "next-year"
    for task in data["tasks"]:
        for measure in task["measures"]:
            for target in measure.get("targets", []):
                target.pop("basis", None)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    plan, _ = plan_load(path=path)
    assert set(
        PlanTarget.objects.filter(measure__task__plan=plan).values_list("basis", flat=True)
    ) == {TargetBasis.DEFAULT}


@pytest.mark.usefixtures("plan")
def test_the_dashboard_marks_platform_default_targets(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["supervisor"])
    html = client.get("/supervision/", {"month": "2026-05"}).content.decode()
    progress = html[html.index('data-testid="progress"') :]
    rows = progress.split("<tr")[2:]
    marked = {r.split("<td>")[1].split("<")[0].strip() for r in rows if "default-target" in r}
    assert "质押融资登记金额持续增长（按月统计）" in marked
    assert "全省建成知识产权保护工作站200家" not in marked
    assert len(marked) == 6
    assert "平台默认" in client.get("/supervision/plan/").content.decode()


def test_population_file_names_its_source_and_the_unverified_difference() -> None:
    data = json.loads(POPULATION_FILE.read_text("utf-8"))
    pop = data["population"]
    units = sum(v for k, v in pop.items() if k != "420000")
    assert len(pop) == 18 and "人口普查" in data["source"]
    if units != pop["420000"]:
        # A mismatch is allowed only while the file says so.
        assert f"{units:,}" in data["check"] and "UNVERIFIED" in data["check"]
