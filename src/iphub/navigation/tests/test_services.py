"""Chains (seed, edit, permissions), the API, and navigation projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.conftest import make_org, make_user
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import AuditEntry, Role
from iphub.navigation import selectors, services
from iphub.navigation.models import Analysis, AnalysisStatus, IndustryChain

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_creates_the_51020_chains_once_and_keeps_staff_edits(cast: dict[str, Any]) -> None:
    assert services.chains_load() >= 10
    chains = IndustryChain.objects.all()
    clusters = {c.cluster for c in chains}
    assert {
        "光电子信息（光芯屏端网）",
        "新能源与智能网联汽车",
        "生命健康",
        "高端装备",
        "北斗",
    } <= clusters
    assert all(c.segments.count() == 3 for c in chains)
    battery = IndustryChain.objects.get(code="power-battery")
    services.chain_update(actor=cast["supervisor"], chain=battery, query="IPC=H01M*")
    assert services.chains_load() == 0
    battery.refresh_from_db()
    assert battery.query == "IPC=H01M*"


def test_edit_reruns_the_analysis(
    patents: dict[int, int], chain: IndustryChain, cast: dict[str, Any]
) -> None:
    job = services.chain_update(
        actor=cast["supervisor"],
        chain=chain,
        query="IPC=H01M*",
        segments=[{"stage": "midstream", "name": "电芯", "query": "TX=电池"}],
    )
    job = Analysis.objects.get(pk=job.pk)
    assert job.status == AnalysisStatus.DONE and job.patent_count == 4  # 1, 3, 4, 6
    assert [s["segment"] for s in job.result["segments"]] == ["电芯"]
    entry = AuditEntry.objects.filter(action="navigation.chain_update").get()
    assert entry.before is not None and entry.after is not None
    assert entry.before["query"] == "IPC=H01M* OR TX=电池" and entry.after["query"] == "IPC=H01M*"


def test_who_may_edit_and_bad_queries(chain: IndustryChain, cast: dict[str, Any]) -> None:
    for who in ("enterprise", "wuhan_clerk"):
        with pytest.raises(AccessDenied):
            services.chain_update(actor=cast[who], chain=chain, query="TX=电池")
    with pytest.raises(ApplicationError) as exc:
        services.chain_update(actor=cast["supervisor"], chain=chain, query="TI=(电池")
    assert "检索式有误" in exc.value.fields["query"]
    chain.refresh_from_db()
    assert chain.query == "IPC=H01M* OR TX=电池"


def test_api_chains_edit_and_report(
    client: Any, patents: dict[int, int], chain: IndustryChain, cast: dict[str, Any]
) -> None:
    assert client.get("/api/v1/navigation/chains").status_code == 401
    client.force_login(cast["enterprise"])
    listed = client.get("/api/v1/navigation/chains").json()
    assert [c["name"] for c in listed] == ["测试动力电池"]
    denied = client.patch(
        f"/api/v1/navigation/chains/{chain.pk}",
        {"query": "TX=电池"},
        content_type="application/json",
    )
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    client.force_login(cast["supervisor"])
    bad = client.patch(
        f"/api/v1/navigation/chains/{chain.pk}",
        {"query": "TI=(电池"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "query" in bad.json()["fields"]
    ok = client.patch(
        f"/api/v1/navigation/chains/{chain.pk}",
        {"query": "TX=电池"},
        content_type="application/json",
    )
    assert ok.status_code == 202
    analysis = client.get(f"/api/v1/navigation/analyses/{ok.json()['id']}").json()
    assert analysis["status"] == "done" and analysis["result"]["position"]["hubei"] == 4
    latest = client.get(f"/api/v1/navigation/chains/{chain.pk}/analysis").json()
    assert latest["id"] == analysis["id"]
    pdf = client.get(f"/api/v1/navigation/analyses/{analysis['id']}/report.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(f"/api/v1/navigation/analyses/{analysis['id']}/report.doc").status_code == 404


def test_pages_for_staff_and_public(
    client: Any, patents: dict[int, int], chain: IndustryChain, cast: dict[str, Any]
) -> None:
    services.analysis_request(actor=cast["supervisor"], chain=chain)
    client.force_login(cast["enterprise"])
    page = client.get("/navigation/")
    assert "测试动力电池" in page.content.decode()
    detail = client.get(f"/navigation/chains/{chain.pk}/").content.decode()
    assert "download-pdf" in detail and "edit-chain" not in detail
    assert client.get(f"/navigation/chains/{chain.pk}/edit/").status_code == 403
    client.force_login(cast["supervisor"])
    resp = client.post(
        f"/navigation/chains/{chain.pk}/edit/",
        {
            "name": "测试动力电池",
            "query": "TI=(电池",
            "segment_count": "0",
        },
    )
    assert resp.status_code == 200 and "检索式有误" in resp.content.decode()
    resp = client.post(
        f"/navigation/chains/{chain.pk}/edit/",
        {
            "name": "测试动力电池",
            "query": "IPC=H01M*",
            "segment_count": "1",
            "seg-0-stage": "upstream",
            "seg-0-name": "材料",
            "seg-0-query": 'TX="正极材料"',
        },
    )
    assert resp.status_code == 302
    assert "共 4 件专利" in client.get(f"/navigation/chains/{chain.pk}/").content.decode()


def test_projects_register_and_count_for_supervision(cast: dict[str, Any], orgs: Any) -> None:
    base = make_org("武汉测试导航服务中心", "420102", 9, kind="agency")
    agency = make_user("nav_agency", Role.AGENCY, organisation=base)
    project = services.project_create(
        actor=agency,
        data={
            "title": "洪山区产业规划类导航",
            "project_type": "industry",
            "client": orgs["wuhan_hongshan"].pk,
            "started_on": "2026-03-02",
        },
        report=SimpleUploadedFile("报告.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    assert project.service_base == base and project.region.code == "420111"
    assert str(project.report.name).endswith(".pdf")
    services.project_create(
        actor=cast["supervisor"],
        data={
            "title": "宜昌企业经营类导航",
            "project_type": "enterprise",
            "client": orgs["yichang"].pk,
            "service_base": base.pk,
            "started_on": dt.date(2026, 3, 20),
        },
    )
    with pytest.raises(ApplicationError) as exc:
        services.project_create(actor=agency, data={"title": "", "project_type": "x"})
    assert {"title", "project_type", "client", "started_on"} <= set(exc.value.fields)
    with pytest.raises(AccessDenied):
        services.project_create(actor=cast["enterprise"], data={})
    counts = selectors.project_counts(user=cast["supervisor"])
    assert [(c["region_name"], c["month"], c["count"]) for c in counts] == [
        ("洪山区", "2026-03", 1),
        ("西陵区", "2026-03", 1),
    ]
    assert [p.title for p in selectors.project_list(user=cast["yichang_clerk"])] == [
        "宜昌企业经营类导航"
    ]
    assert selectors.project_list(user=agency).count() == 2
