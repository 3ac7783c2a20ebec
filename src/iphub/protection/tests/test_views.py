"""Pages and API as users meet them: the side-by-side evidence, confirm via the
page, and enforcement data hidden from window staff and enterprise users."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client

from iphub.core.models import AuditEntry, User
from iphub.protection import selectors
from iphub.protection.models import AssistanceRequest, FlaggedGroup, GroupKind, GroupStatus
from iphub.protection.services.assistance import (
    assistance_feedback_submit,
    assistance_request_close,
    assistance_request_submit,
    fasttrack_request_submit,
    station_activity_record,
    workstation_create,
)
from iphub.protection.services.enforcement import case_create
from iphub.protection.services.screening import screening_run_create, screening_run_execute

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(corpus: dict[int, int], cast: dict[str, User]) -> FlaggedGroup:
    screening_run_execute(screening_run_create(actor=cast["wuhan_enforcer"]).pk)
    return FlaggedGroup.objects.get(kind=GroupKind.NEAR_DUPLICATE, region__code="420111")


def test_group_page_shows_shared_passages_on_both_sides(
    client: Client, flagged: FlaggedGroup, cast: dict[str, User]
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    html = client.get(f"/protection/screening/{flagged.pk}/").content.decode()
    assert html.count('data-testid="shared"') >= 2
    assert "武汉某某专利代理事务所" in html and "同一申请人" in html


def test_confirm_through_the_page_is_audited(
    client: Client, flagged: FlaggedGroup, cast: dict[str, User]
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    response = client.post(
        f"/protection/screening/{flagged.pk}/decide/", {"decision": "confirm", "note": "属实"}
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == GroupStatus.CONFIRMED and flagged.decision_note == "属实"
    assert (
        AuditEntry.objects.filter(
            action="flagged_group_confirm", actor=cast["wuhan_enforcer"]
        ).count()
        == 1
    )


@pytest.mark.parametrize("who", ["wuhan_clerk", "enterprise", "supervisor"])
def test_enforcement_pages_and_api_refuse_non_enforcement_users(
    client: Client, flagged: FlaggedGroup, cast: dict[str, User], who: str
) -> None:
    case = case_create(
        actor=cast["wuhan_enforcer"],
        title="假冒专利标识",
        case_type="counterfeit_patent",
        region_code="420100",
    )
    client.force_login(cast[who])
    for url in (
        "/protection/screening/",
        f"/protection/screening/{flagged.pk}/",
        "/protection/cases/",
        f"/protection/cases/{case.pk}/",
        "/api/v1/protection/groups",
        "/api/v1/protection/cases",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            f"/protection/screening/{flagged.pk}/decide/", {"decision": "dismiss"}
        ).status_code
        == 302
    )
    flagged.refresh_from_db()
    assert flagged.status == GroupStatus.OPEN


def test_other_region_enforcer_gets_not_found(
    client: Client, flagged: FlaggedGroup, yichang_enforcer: User, cast: dict[str, User]
) -> None:
    case = case_create(
        actor=cast["wuhan_enforcer"],
        title="商标侵权",
        case_type="trademark_infringement",
        region_code="420100",
    )
    client.force_login(yichang_enforcer)
    assert client.get(f"/protection/screening/{flagged.pk}/").status_code == 404
    assert client.get(f"/api/v1/protection/cases/{case.pk}").status_code == 404
    response = client.post(
        f"/api/v1/protection/groups/{flagged.pk}/decision",
        json.dumps({"decision": "confirm"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert [g["region"] for g in client.get("/api/v1/protection/groups").json()] == ["420502"]


def test_api_case_workflow(client: Client, cast: dict[str, User]) -> None:
    client.force_login(cast["wuhan_enforcer"])
    created = client.post(
        "/api/v1/protection/cases",
        json.dumps(
            {
                "title": "地理标志商标违法使用",
                "case_type": "gi_misuse",
                "region": "420111",
                "parties": [{"role": "respondent", "name": "某茶叶店"}],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    case = created.json()
    assert case["state"] == "clue" and [a["target"] for a in case["actions"]] == ["filed", "closed"]
    moved = client.post(
        f"/api/v1/protection/cases/{case['id']}/transition",
        json.dumps({"target": "decided"}),
        content_type="application/json",
    )
    assert moved.status_code == 409 and moved.json()["code"] == "transition_not_allowed"
    moved = client.post(
        f"/api/v1/protection/cases/{case['id']}/transition",
        json.dumps({"target": "filed", "expected_state": "clue"}),
        content_type="application/json",
    )
    assert moved.json()["state"] == "filed"


def test_workstation_map_counts_against_the_target(
    client: Client, cast: dict[str, User], orgs: Any
) -> None:
    officer = cast["supervisor"]
    province = User.objects.create_superuser("root", password="Root@Pass2026")
    for i, (kind, code) in enumerate(
        [
            ("enterprise", "420111"),
            ("market", "420102"),
            ("park", "420502"),
            ("assistance_centre", "420100"),
        ]
    ):
        station = workstation_create(
            actor=province,
            name=f"工作站{i}",
            kind=kind,
            region_code=code,
            contact_name="王五",
            contact_phone="13912345678",
            established_on=dt.date(2025, 1, 1),
        )
    station_activity_record(
        actor=province, station=station, kind="training", title="培训", date=dt.date(2026, 3, 1)
    )
    data = client.get("/api/v1/protection/workstations/map").json()
    by_name = {c["name"]: c["value"] for c in data["by_city"]}
    assert data["target"] == 200 and data["total"] == 3  # centres are not workstations
    assert by_name["武汉市"] == 2 and by_name["宜昌市"] == 1 and len(by_name) == 17
    html = client.get("/protection/workstations/").content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert officer is not None


def test_assistance_triage_time_limit_and_feedback(cast: dict[str, User], orgs: Any) -> None:
    root = User.objects.create_superuser("root", password="Root@Pass2026")
    centre = workstation_create(
        actor=root, name="武汉维权援助中心", kind="assistance_centre", region_code="420100"
    )
    local = workstation_create(
        actor=root, name="洪山光谷工作站", kind="park", region_code="420111", fields=["H"]
    )
    requester = cast["enterprise"]
    near = assistance_request_submit(
        actor=requester,
        subject="专利被仿冒",
        description="对方销售仿冒产品",
        dispute_kind="domestic",
        field="H",
    )
    other = assistance_request_submit(
        actor=requester,
        subject="美国 337 调查应对",
        description="收到起诉",
        dispute_kind="overseas",
        field="A",
        country="美国",
    )
    assert near.station == local and other.station == centre
    assert other.due_on > near.due_on > dt.date.today()
    closed = assistance_request_close(actor=cast["wuhan_enforcer"], item=near, outcome="已调解")
    rated = assistance_feedback_submit(actor=requester, item=closed, satisfaction=5)
    assert rated.satisfaction == 5
    from iphub.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        assistance_feedback_submit(actor=requester, item=rated, satisfaction=1)


def test_fasttrack_eligibility_by_ipc_field(cast: dict[str, User]) -> None:
    from iphub.core.errors import ApplicationError

    item = fasttrack_request_submit(
        actor=cast["enterprise"], title="一种车载激光雷达", ipc_main="G01S 7/48"
    )
    assert item.eligible_field == "北斗" and item.due_on > dt.date.today()
    with pytest.raises(ApplicationError) as err:
        fasttrack_request_submit(
            actor=cast["enterprise"], title="一种茶叶炒制方法", ipc_main="A23F3/06"
        )
    assert err.value.code == "not_eligible"


def test_group_list_query_count(
    client: Client, flagged: FlaggedGroup, cast: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    with django_assert_max_num_queries(12):
        page = client.get("/protection/screening/")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "最近一次筛查" in html
        and html.count('data-testid="group-row"') == 1
    )


def test_api_registers_workstations_and_rejects_other_regions(
    client: Client, cast: dict[str, User], yichang_enforcer: User
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    created = client.post(
        "/api/v1/protection/workstations",
        json.dumps(
            {"name": "光谷园区工作站", "kind": "park", "region": "420111", "fields": ["G", "H"]}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    station_id = created.json()["id"]
    done = client.post(
        f"/api/v1/protection/workstations/{station_id}/activities",
        json.dumps({"kind": "case", "title": "调解专利纠纷", "date": "2026-03-02"}),
        content_type="application/json",
    )
    assert done.status_code == 201
    (listed,) = client.get("/api/v1/protection/workstations").json()
    assert listed["cases_handled"] == 1 and listed["trainings"] == 0
    client.force_login(yichang_enforcer)
    refused = client.post(
        "/api/v1/protection/workstations",
        json.dumps({"name": "越权工作站", "kind": "park", "region": "420111"}),
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_api_fasttrack_and_feedback_by_the_requester_only(
    client: Client, cast: dict[str, User], orgs: Any
) -> None:
    client.force_login(cast["enterprise"])
    ok = client.post(
        "/api/v1/protection/fasttrack",
        json.dumps({"title": "一种电池包", "ipc_main": "H01M10/42"}),
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["eligible_field"] == "新能源与智能网联汽车"
    bad = client.post(
        "/api/v1/protection/fasttrack",
        json.dumps({"title": "一种月饼", "ipc_main": "A21D13/00"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "not_eligible"
    item = client.post(
        "/api/v1/protection/assistance",
        json.dumps(
            {
                "subject": "海外展会侵权指控",
                "description": "德国展会",
                "dispute_kind": "overseas",
                "field": "B",
                "country": "德国",
            }
        ),
        content_type="application/json",
    ).json()
    assistance_request_close(
        actor=cast["wuhan_enforcer"],
        item=AssistanceRequest.objects.get(pk=item["id"]),
        outcome="已提供应对指引",
    )
    client.force_login(cast["wuhan_enforcer"])
    not_requester = client.post(
        f"/api/v1/protection/assistance/{item['id']}/feedback",
        json.dumps({"satisfaction": 5}),
        content_type="application/json",
    )
    assert not_requester.status_code == 403
    client.force_login(cast["enterprise"])
    rated = client.post(
        f"/api/v1/protection/assistance/{item['id']}/feedback",
        json.dumps({"satisfaction": 4}),
        content_type="application/json",
    )
    assert rated.json()["satisfaction"] == 4


def test_group_list_puts_the_highest_risk_first_on_every_page(
    client: Client, flagged: FlaggedGroup, cast: dict[str, User]
) -> None:
    # 24 more groups in the same district, made with scores out of order.
    scores = [(n * 37) % 97 for n in range(24)]
    FlaggedGroup.objects.bulk_create(
        FlaggedGroup(
            run=flagged.run,
            kind=flagged.kind,
            signature=f"test-{n}",
            score=score,
            region=flagged.region,
            summary=f"测试组 {n}",
        )
        for n, score in enumerate(scores)
    )
    officer = cast["wuhan_enforcer"]
    visible = selectors.flagged_group_list(user=officer, status=GroupStatus.OPEN).count()
    client.force_login(officer)
    seen: list[int] = []
    for page in range(1, math.ceil(visible / 20) + 1):
        response = client.get(f"/protection/screening/?page={page}")
        seen += [int(s) for s in re.findall(r'data-testid="group-score">(\d+)<', response.text)]
    assert len(seen) == visible >= 25
    assert seen == sorted(seen, reverse=True)
    assert not Counter([*scores, flagged.score]) - Counter(seen)
