"""The pages as each person meets them: the public list and detail, the apply
form pre-filled from the records, the city's and the province's review with
scores, the applicant's page with its messages, the export, and 404 outside
one's region."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from iphub.core.models import Organisation, User
from iphub.programmes.models import ApplicationState, ProgrammeApplication
from iphub.programmes.tests.conftest import SCORES, apply, apply_data, evidence, recommended

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_public_list_and_detail(client: Client, programme: Any) -> None:
    page = client.get("/programmes/").content.decode()
    assert programme.name in page and "申报中" in page
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "知识产权管理体系" in page and "贯标认证证书" in page
    assert "百千万计划·千" in page and "登录后可在线申报" in page
    assert "/protection/workstations/" in page
    assert client.get("/programmes/999999/").status_code == 404


def test_apply_form_is_prefilled_from_the_records_and_submits(
    cast: dict[str, User], programme: Any, owned_patents: None
) -> None:
    c = _client(cast["enterprise"])
    page = c.get(f"/programmes/{programme.pk}/").content.decode()
    assert 'data-testid="apply"' in page
    form = c.get(f"/programmes/{programme.pk}/apply/").content.decode()
    assert 'name="declared_patents" value="3"' in form
    assert 'name="declared_inventions_in_force" value="1"' in form
    data: dict[str, Any] = apply_data(declared_inventions_in_force="5")
    data.update(evidence())
    r = c.post(f"/programmes/{programme.pk}/apply/", data)
    app = ProgrammeApplication.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/programmes/applications/{app.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "待市级审核" in page and "高于平台记录，请核实" in page


def test_a_refused_form_shows_the_field_and_saves_nothing(
    cast: dict[str, User], programme: Any
) -> None:
    c = _client(cast["enterprise"])
    r = c.post(f"/programmes/{programme.pk}/apply/", apply_data(statement=""))
    page = r.content.decode()
    assert r.status_code == 200 and 'data-testid="error-statement"' in page
    assert 'data-testid="error-evidence_c1"' in page
    assert not ProgrammeApplication.objects.exists()


def test_city_returns_then_recommends_and_province_approves(
    cast: dict[str, User], programme: Any, orgs: dict[str, Organisation]
) -> None:
    app = apply(cast["enterprise"], programme)
    clerk = _client(cast["wuhan_clerk"])
    assert app.reference in clerk.get("/programmes/queue/").content.decode()
    page = clerk.get(f"/programmes/applications/{app.pk}/").content.decode()
    assert 'data-testid="recommend"' in page and 'data-testid="approve"' not in page
    r = clerk.post(
        f"/programmes/applications/{app.pk}/return/", {"reason": "缺少年检页", "version": "0"}
    )
    assert r.status_code == 302
    ent = _client(cast["enterprise"])
    mine = ent.get("/programmes/mine/").content.decode()
    assert "退回补正" in mine and "缺少年检页" in mine
    r = ent.post(f"/programmes/applications/{app.pk}/resubmit/", apply_data(statement="已补充。"))
    assert r.status_code == 302
    r = clerk.post(
        f"/programmes/applications/{app.pk}/recommend/", {**SCORES, "version": "2"}, follow=True
    )
    assert "已评分并推荐至省级" in r.content.decode()
    province = _client(cast["supervisor"])
    assert app.reference in province.get("/programmes/queue/").content.decode()
    r = province.post(
        f"/programmes/applications/{app.pk}/approve/", {**SCORES, "version": "3"}, follow=True
    )
    assert "已评分并批准" in r.content.decode()
    app.refresh_from_db()
    assert app.state == ApplicationState.APPROVED
    orgs["wuhan_hongshan"].refresh_from_db()
    assert "bqw_1000" in orgs["wuhan_hongshan"].tags
    mine = ent.get("/programmes/mine/").content.decode()
    assert "已批准" in mine and 'data-testid="membership"' in mine


def test_a_refused_step_is_a_message_and_changes_nothing(
    cast: dict[str, User], programme: Any
) -> None:
    app = apply(cast["enterprise"], programme)
    clerk = _client(cast["wuhan_clerk"])
    r = clerk.post(f"/programmes/applications/{app.pk}/recommend/", {"score_c1": "99"}, follow=True)
    assert "评分有误" in r.content.decode()
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED and app.version == 0


def test_out_of_region_is_404(cast: dict[str, User], programme: Any) -> None:
    app = apply(cast["enterprise"], programme)
    yc = _client(cast["yichang_clerk"])
    assert yc.get(f"/programmes/applications/{app.pk}/").status_code == 404
    r = yc.post(f"/programmes/applications/{app.pk}/return/", {"reason": "x"})
    assert r.status_code in (403, 404)
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED
    evidence_id = app.evidence.first().pk  # type: ignore[union-attr]
    assert yc.get(f"/programmes/applications/{app.pk}/evidence/{evidence_id}/").status_code == 404
    ent = _client(cast["enterprise"])
    assert ent.get(f"/programmes/applications/{app.pk}/evidence/{evidence_id}/").status_code == 200


def test_rejection_reason_is_shown_to_the_applicant(cast: dict[str, User], programme: Any) -> None:
    app = recommended(cast, programme)
    province = _client(cast["supervisor"])
    province.post(f"/programmes/applications/{app.pk}/reject/", {"reason": "运用成效不足。"})
    page = _client(cast["enterprise"]).get(f"/programmes/applications/{app.pk}/").content.decode()
    assert 'data-testid="reject-reason"' in page and "运用成效不足。" in page


def _sheet(response: Any) -> list[Any]:
    data = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].values)


def test_export_has_the_scores_in_the_users_region(cast: dict[str, User], programme: Any) -> None:
    recommended(cast, programme)
    r = _client(cast["supervisor"]).get(f"/programmes/{programme.pk}/export/")
    assert r.status_code == 200
    rows = _sheet(r)
    assert "知识产权管理体系（市级）" in rows[0] and "市级得分" in rows[0]
    assert rows[1][1] == "洪山测试科技有限公司" and 80.5 in rows[1]
    yc = _sheet(_client(cast["yichang_clerk"]).get(f"/programmes/{programme.pk}/export/"))
    assert len(yc) == 1  # headers only: no Wuhan application in Yichang's export
    assert _client(cast["enterprise"]).get(f"/programmes/{programme.pk}/export/").status_code == 403


def test_province_defines_a_programme_through_the_form(cast: dict[str, User]) -> None:
    assert _client(cast["wuhan_clerk"]).get("/programmes/new/").status_code == 403
    c = _client(cast["supervisor"])
    r = c.post(
        "/programmes/new/",
        {
            "kind": "advantage",
            "name": "优势企业（测试）",
            "year": "2026",
            "criteria": "管理|50|制度文件\n创造|50|",
            "eligible_kinds": ["enterprise"],
            "quota": "10",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "confers_tag": "",
            "term_years": "2",
        },
    )
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "优势企业（测试）" in page and "制度文件" in page


def test_list_pages_do_not_grow_with_rows(
    cast: dict[str, User], programme: Any, django_assert_max_num_queries: Any
) -> None:
    apply(cast["enterprise"], programme)
    c = _client(cast["supervisor"])
    with django_assert_max_num_queries(20):
        assert c.get("/programmes/").status_code == 200
    with django_assert_max_num_queries(25):
        assert c.get(f"/programmes/{programme.pk}/").status_code == 200
