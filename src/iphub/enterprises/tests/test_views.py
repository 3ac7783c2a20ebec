"""The profile pages as people meet them: who gets which form, what the public
form never shows (page, PDF and workbook), the downloads, and the links to the
profile from the organisation list and a patent record."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from pypdf import PdfReader

from iphub.conftest import make_user
from iphub.core.models import Role, User
from iphub.enterprises.tests.conftest import CONTACT, HONGSHAN, JIANGAN, PHONE
from iphub.patents.models import Patent

pytestmark = pytest.mark.django_db


def full_url(org: Any) -> str:
    return f"/enterprises/{org.uscc}/"


def public_url(org: Any) -> str:
    return f"/enterprises/{org.uscc}/public/"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("enterprise", 200),  # its own user
        ("hongshan_clerk", 200),  # the county
        ("wuhan_clerk", 200),  # the city
        ("wuhan_enforcer", 200),
        ("supervisor", 200),  # the province
        ("yichang_clerk", 404),  # another city
        ("yichang_supervisor", 404),
    ],
)
def test_full_profile_opens_for_the_organisation_and_its_region_only(
    world: dict[str, Any], cast: dict[str, User], client: Client, who: str, status: int
) -> None:
    client.force_login(cast[who])
    assert client.get(full_url(world["org"])).status_code == status
    assert client.get(full_url(world["org"]) + "brief.pdf").status_code == status
    # Everyone may read the public form.
    assert client.get(public_url(world["org"])).status_code == 200


def test_another_enterprise_and_a_visitor_get_only_the_public_form(
    world: dict[str, Any], orgs: dict[str, Any], client: Client
) -> None:
    other = make_user("jiangan_user", Role.ENTERPRISE, organisation=orgs["wuhan_jiangan"])
    client.force_login(other)
    assert client.get(full_url(world["org"])).status_code == 404
    client.logout()
    assert client.get(full_url(world["org"])).status_code == 302  # to the login
    page = client.get(public_url(world["org"]))
    assert page.status_code == 200 and HONGSHAN in page.content.decode()
    assert client.get("/enterprises/91420100MA4KXXXX0X/public/").status_code == 404


# What the public form must never show: contact details, amounts (in 万元 as the
# full form prints them), case titles, the states it hides, the peer comparison.
MASKED = (
    CONTACT,
    PHONE,
    "138****5678",
    "300.00",
    "400.00",
    "45.68",
    "9.88",
    "500.00",
    "金额（万元）",
    "测试案由",
    "线索",
    "办理中",
    "已撤回",
    "与同类企业的差距",
)


def test_public_form_shows_no_masked_field_on_the_page_pdf_or_workbook(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = world["org"]
    client.force_login(cast["enterprise"])
    full = client.get(full_url(org)).content.decode()
    assert CONTACT in full and "300.00" in full and "与同类企业的差距" in full
    client.logout()
    page = client.get(public_url(org)).content.decode()
    pdf = client.get(public_url(org) + "brief.pdf")
    xlsx = client.get(public_url(org) + "profile.xlsx")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue()))
    cells = " ".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )
    for text in (page, pdf_text, cells):
        assert HONGSHAN in text
        shown = [m for m in MASKED if m in text]
        assert shown == []


def test_downloads_open_and_carry_the_organisation(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = world["org"]
    client.force_login(cast["wuhan_clerk"])
    pdf = client.get(full_url(org) + "brief.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.getvalue()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert f"{HONGSHAN} 知识产权画像" in text and "专利类型与法律状态" in text
    xlsx = client.get(full_url(org) + "profile.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue()))
    assert wb.sheetnames[0] == "概况" and "同类比较" in wb.sheetnames
    cover = dict(wb["概况"].iter_rows(values_only=True))
    assert cover["单位名称"] == HONGSHAN and cover["专利总数"] == 10
    assert "attachment" in xlsx["Content-Disposition"]


def test_profile_page_draws_the_chart_data_in_few_queries(
    world: dict[str, Any], cast: dict[str, User], client: Client, django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast["enterprise"])
    with django_assert_max_num_queries(40):
        page = client.get(full_url(world["org"])).content.decode()
    assert 'id="profile-trend"' in page and "&quot;years&quot;: [2010, 2011" in page


def test_organisation_list_and_patent_record_link_to_the_profile(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = world["org"]
    client.force_login(cast["wuhan_clerk"])
    page = client.get("/organisations/").content.decode()
    assert f'href="{full_url(org)}"' in page
    patent = next(p for p in Patent.objects.all() if p.applicants == [HONGSHAN, JIANGAN])
    detail = client.get(f"/patents/{patent.pk}/").content.decode()
    assert f'href="{full_url(org)}"' in detail  # HONGSHAN co-applies; the clerk sees full
    client.force_login(cast["yichang_clerk"])
    detail = client.get(f"/patents/{patent.pk}/").content.decode()
    assert f'href="{public_url(org)}"' in detail and f'href="{full_url(org)}"' not in detail


def test_my_profile_card_opens_the_own_profile_for_enterprise_users_only(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    client.force_login(cast["enterprise"])
    assert "我的知识产权画像" in client.get("/workspace/").content.decode()
    response = client.get("/enterprises/mine/")
    assert response.status_code == 200
    page = response.content.decode()
    assert world["org"].name in page and full_url(world["org"]) + "brief.pdf" in page
    client.force_login(cast["wuhan_clerk"])
    assert "我的知识产权画像" not in client.get("/workspace/").content.decode()
    assert client.get("/enterprises/mine/").status_code == 404


def test_a_firm_whose_patents_carry_no_type_still_gets_its_brief(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    """Demo universities' records have filing years but no type: the trend counts
    them as their own series, and the PDF brief draws it (it answered 500)."""
    Patent.objects.filter(title__contains="江岸测试制造有限公司").update(patent_type="")
    jiangan = world["org"].__class__.objects.get(name="江岸测试制造有限公司")
    user = make_user("jiangan_user", Role.ENTERPRISE, organisation=jiangan)
    client.force_login(user)
    page = client.get(full_url(jiangan)).content.decode()
    assert "类型不明" in page
    pdf = client.get(full_url(jiangan) + "brief.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf))).pages)
    assert "类型不明" in text
