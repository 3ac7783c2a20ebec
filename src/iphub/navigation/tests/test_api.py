"""Navigation projects and evidence over the API, the admin, and the query counts
of the list pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.conftest import make_org, make_user
from iphub.core.models import Role, User
from iphub.navigation import services
from iphub.navigation.models import (
    Analysis,
    ChainSegment,
    HighValueEvidence,
    IndustryChain,
    NavigationProject,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def base(orgs: Any) -> Any:
    return make_org("武汉测试导航服务中心", "420102", 9, kind="agency")


def test_projects_over_the_api(client: Any, cast: dict[str, Any], orgs: Any, base: Any) -> None:
    form = {
        "title": "洪山区产业规划类导航",
        "project_type": "industry",
        "client": orgs["wuhan_hongshan"].pk,
        "started_on": "2026-03-02",
    }
    assert client.post("/api/v1/navigation/projects", form).status_code == 401
    client.force_login(cast["enterprise"])
    denied = client.post("/api/v1/navigation/projects", form)
    assert denied.status_code == 403
    agency = make_user("nav_agency", Role.AGENCY, organisation=base)
    client.force_login(agency)
    bad = client.post("/api/v1/navigation/projects", {**form, "title": "", "started_on": "3月"})
    assert bad.status_code == 400
    assert {"title", "started_on"} <= set(bad.json()["fields"])
    report = SimpleUploadedFile("导航报告.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    made = client.post("/api/v1/navigation/projects", {**form, "report": report})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["service_base_name"], body["region_code"]) == ("武汉测试导航服务中心", "420111")
    assert body["project_type_label"] == "产业规划类" and body["report_url"].endswith(".pdf")
    client.force_login(cast["supervisor"])
    other = client.post(
        "/api/v1/navigation/projects",
        {
            "title": "宜昌企业经营类导航",
            "project_type": "enterprise",
            "client": orgs["yichang"].pk,
            "service_base": base.pk,
            "started_on": "2026-04-01",
        },
    )
    assert other.status_code == 201
    listed = client.get("/api/v1/navigation/projects").json()
    assert [p["title"] for p in listed] == ["宜昌企业经营类导航", "洪山区产业规划类导航"]
    counts = client.get("/api/v1/navigation/projects/counts").json()
    assert [(c["region_name"], c["month"], c["count"]) for c in counts] == [
        ("洪山区", "2026-03", 1),
        ("西陵区", "2026-04", 1),
    ]
    # A Yichang clerk sees Yichang's project only; Wuhan's is "not found".
    client.force_login(cast["yichang_clerk"])
    assert [p["title"] for p in client.get("/api/v1/navigation/projects").json()] == [
        "宜昌企业经营类导航"
    ]
    assert client.get(f"/api/v1/navigation/projects/{body['id']}").status_code == 404
    assert client.get(f"/api/v1/navigation/projects/{other.json()['id']}").status_code == 200


def test_evidence_over_the_api(client: Any, patents: dict[int, int], cast: dict[str, Any]) -> None:
    client.force_login(cast["wuhan_clerk"])
    url = "/api/v1/navigation/evidence"
    missing = client.post(
        url,
        {"patent_id": patents[1], "criterion": "pledge", "source_note": "Y1"},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "amount" in missing.json()["fields"]
    made = client.post(
        url,
        {"patent_id": patents[1], "criterion": "pledge", "source_note": "Y1", "amount": "500"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["amount"] == "500.00"
    client.force_login(cast["enterprise"])
    assert client.delete(f"{url}/{made.json()['id']}").status_code == 403
    client.force_login(cast["wuhan_clerk"])
    assert client.delete(f"{url}/{made.json()['id']}").status_code == 204
    assert not HighValueEvidence.objects.exists()


def test_admin_lists_navigation_records_read_only(
    client: Any, chain: IndustryChain, cast: dict[str, Any], orgs: Any, base: Any
) -> None:
    services.project_create(
        actor=cast["supervisor"],
        data={
            "title": "宜昌企业经营类导航",
            "project_type": "enterprise",
            "client": orgs["yichang"].pk,
            "service_base": base.pk,
            "started_on": "2026-04-01",
        },
    )
    admin = User.objects.create_superuser("nav_admin", "a@example.com", "x")
    client.force_login(admin)
    for model in ("industrychain", "analysis", "highvalueevidence", "navigationproject"):
        assert client.get(f"/admin/navigation/{model}/").status_code == 200, model
    page = client.get(f"/admin/navigation/industrychain/{chain.pk}/change/").content.decode()
    assert "正极材料" in page
    assert client.get("/admin/navigation/industrychain/add/").status_code == 403


def _chains(n: int) -> None:
    for i in range(n):
        c = IndustryChain.objects.create(
            code=f"c{i}", name=f"产业链{i}", cluster="高端装备", query=f"TX=机器人{i}"
        )
        for j, stage in enumerate(("upstream", "midstream", "downstream")):
            ChainSegment.objects.create(chain=c, stage=stage, name=f"环节{j}", query="TX=机床")
        Analysis.objects.create(chain=c, title=c.name, status="done", patent_count=i)


def test_chain_list_page_queries_do_not_grow_with_chains(
    client: Any, cast: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast["supervisor"])
    _chains(2)
    rerun = Analysis.objects.create(chain=IndustryChain.objects.get(code="c1"), title="产业链1")
    # 12: the menu asks each offered service's own access check once per page (a fixed
    # cost, not per chain), and the province supervisor's session names its two-factor
    # device; what this guards is the second block: no growth with chains.
    with django_assert_max_num_queries(12) as few:
        page = client.get("/navigation/")
    assert page.status_code == 200
    rows = {r.split("</a>")[0].split(">")[-1]: r for r in page.content.decode().split("<tr>")[2:]}
    # Each chain shows its newest run: c1's re-run is queued, c0's finished one stands.
    assert rerun.get_status_display() in rows["产业链1"]
    assert "已完成" in rows["产业链0"]
    for i in range(2, 14):
        IndustryChain.objects.create(code=f"d{i}", name=f"更多{i}", cluster="北斗", query="TX=北斗")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/navigation/")
    assert "更多13" in page.content.decode()


def test_project_list_page_and_api_queries_are_bounded(
    client: Any, cast: dict[str, Any], orgs: Any, base: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(15):
        services.project_create(
            actor=cast["supervisor"],
            data={
                "title": f"导航项目{i}",
                "project_type": "region",
                "client": orgs["yichang"].pk,
                "service_base": base.pk,
                "started_on": "2026-04-01",
            },
        )
    assert NavigationProject.objects.count() == 15
    client.force_login(cast["supervisor"])
    with django_assert_max_num_queries(10):
        assert "导航项目14" in client.get("/navigation/projects/").content.decode()
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/navigation/projects").json()) == 15
