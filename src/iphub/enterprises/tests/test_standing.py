"""The profile's programmes and policies as people meet them: the policies the
firm meets (and only those) with every condition explained and a link to the
policy's page, in the full form only; its current cultivation programmes with
their periods and, separately and in the full form only, the ended ones; the
same on the page, in the PDF brief and in the workbook."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from pypdf import PdfReader

from iphub.core.calendar import add_years
from iphub.core.models import OrganisationTag, User
from iphub.enterprises.selectors import profile_build
from iphub.enterprises.tests.conftest import HONGSHAN, PATENTS
from iphub.policies.tests.conftest import add_policy
from iphub.programmes import services as programme_services
from iphub.programmes.models import Membership
from iphub.programmes.selectors import today
from iphub.programmes.tests.conftest import SCORES, make_programme, recommended

pytestmark = pytest.mark.django_db

MET = "企业专利奖励（测试，符合）"
UNMET = "企业专利奖励（测试，差一件）"
ENDED = "2023年度知识产权优势企业（测试）"
CURRENT = "2026年度知识产权示范企业（测试）"


def in_force_inventions() -> int:
    """The fixture's in-force invention patents under the firm's own name, counted
    from the fixture's rows: granted, in force, within the 20-year term."""
    year = today().year
    return sum(
        1
        for ptype, apps, app_year, granted, status, _ipc in PATENTS
        if ptype == "invention"
        and HONGSHAN in apps
        and granted
        and status.startswith("有权")
        and app_year > year - 20
    )


@pytest.fixture
def policies(world: dict[str, Any], cast: dict[str, User]) -> dict[str, Any]:
    """A subsidy policy the firm meets (enterprise, tagged 专精特新, enough in-force
    inventions) and one asking one invention more than it has."""
    n = in_force_inventions()

    def support(title: str, min_inventions: int) -> Any:
        return add_policy(
            cast["supervisor"],
            title=title,
            document_number="",
            is_support=True,
            conditions=[
                {"kind": "org_kind", "values": ["enterprise"]},
                {"kind": "tag_any", "values": ["zhuanjingtexin"]},
                {"kind": "valid_inventions", "min": min_inventions},
            ],
        )

    return {"met": support(MET, n), "unmet": support(UNMET, n + 1), "n": n}


@pytest.fixture
def memberships(world: dict[str, Any], cast: dict[str, User]) -> dict[str, Membership]:
    """One membership that ran out (ended by the daily duty the day after its
    period) and one in force, both granted through the programmes' services."""
    first = make_programme(cast["supervisor"], kind="advantage", name=ENDED, confers_tag="")
    app = recommended(cast, first)
    programme_services.application_approve(
        actor=cast["supervisor"], application_id=app.pk, scores=SCORES
    )
    ended = Membership.objects.get(programme=first)
    after = dt.datetime.combine(ended.valid_until + dt.timedelta(days=1), dt.time(2), tzinfo=dt.UTC)
    assert programme_services.memberships_expire(now=after) == [ended]
    second = make_programme(cast["supervisor"], kind="demonstration", name=CURRENT)
    app = recommended(cast, second)
    programme_services.application_approve(
        actor=cast["supervisor"], application_id=app.pk, scores=SCORES
    )
    ended.refresh_from_db()
    return {"ended": ended, "current": Membership.objects.get(programme=second)}


def full_url(org: Any) -> str:
    return f"/enterprises/{org.uscc}/"


def public_url(org: Any) -> str:
    return f"/enterprises/{org.uscc}/public/"


def section(page: str, testid: str) -> str:
    """The HTML of the element marked ``data-testid=testid`` up to its section's end."""
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)]


def table_html(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</table>", start)]


def pdf_text(response: Any) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response)))
    return "".join(p.extract_text() for p in reader.pages)


def workbook(response: Any) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response)))


def cells(ws: Any) -> str:
    return " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


def test_full_profile_lists_exactly_the_policies_met_each_condition_explained(
    policies: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = cast["enterprise"].organisation
    client.force_login(cast["enterprise"])
    page = client.get(full_url(org)).content.decode()
    shown = section(page, "qualifying-policies")
    assert MET in shown and UNMET not in shown
    assert f'href="/policies/{policies["met"].pk}/"' in shown
    # Every condition of the policy is there, met, with what was read.
    assert shown.count('data-testid="check"') == 3 and 'data-testid="unmet"' not in shown
    tag = str(OrganisationTag("zhuanjingtexin").label)
    assert tag in shown and f"有效发明专利 {policies['n']} 件" in shown
    # The firm's own user is led to the policies it meets in part; staff are not.
    assert 'href="/policies/mine/"' in shown
    client.force_login(cast["wuhan_clerk"])
    page = client.get(full_url(org)).content.decode()
    shown = section(page, "qualifying-policies")
    assert MET in shown and UNMET not in shown and "/policies/mine/" not in shown


def test_policies_are_in_the_full_brief_and_workbook_and_nowhere_in_the_public_form(
    policies: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = cast["enterprise"].organisation
    client.force_login(cast["hongshan_clerk"])
    text = pdf_text(client.get(full_url(org) + "brief.pdf"))
    assert "可能符合的奖补政策" in text and MET in text and UNMET not in text
    assert f"有效发明专利 {policies['n']} 件" in text
    wb = workbook(client.get(full_url(org) + "profile.xlsx"))
    rows = list(wb["可能符合的奖补政策"].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {MET} and len(rows) == 1 + 3
    assert all(r[5] == "符合" for r in rows[1:])
    client.logout()
    page = client.get(public_url(org)).content.decode()
    public_pdf = pdf_text(client.get(public_url(org) + "brief.pdf"))
    public_wb = workbook(client.get(public_url(org) + "profile.xlsx"))
    everything = " ".join(cells(ws) for ws in public_wb.worksheets)
    assert "可能符合的奖补政策" not in public_wb.sheetnames
    for text in (page, public_pdf, everything):
        assert HONGSHAN in text and MET not in text and "可能符合的奖补政策" not in text


def test_current_and_past_programmes_with_their_periods(
    memberships: dict[str, Membership], cast: dict[str, User], client: Client
) -> None:
    org = cast["enterprise"].organisation
    day = today()
    # The periods as the programme's terms (3 years) give them, from the approval day.
    until = add_years(day, 3) - dt.timedelta(days=1)
    ended_on = until + dt.timedelta(days=1)
    current_period = f"{day.isoformat()} — {until.isoformat()}"
    client.force_login(cast["enterprise"])
    page = client.get(full_url(org)).content.decode()
    current = table_html(page, "programmes-current")
    past = table_html(page, "programmes-past")
    assert CURRENT in current and current_period in current and ENDED not in current
    assert "知识产权示范企业" in current and "有效" in current
    assert ENDED in past and CURRENT not in past and f"已于 {ended_on.isoformat()} 结束" in past
    assert f'href="/programmes/{memberships["current"].programme_id}/"' in current

    text = pdf_text(client.get(full_url(org) + "brief.pdf"))
    assert "往期培育项目" in text and CURRENT in text and ENDED in text
    assert ended_on.isoformat() in text
    wb = workbook(client.get(full_url(org) + "profile.xlsx"))
    rows = {r[1]: r for r in list(wb["培育项目"].iter_rows(values_only=True))[1:]}
    assert set(rows) == {CURRENT, ENDED}
    assert rows[CURRENT][2] == current_period and rows[CURRENT][4] == "有效"
    assert rows[ENDED][4] == f"已于 {ended_on.isoformat()} 结束"


def test_public_form_shows_current_programmes_but_no_ended_one(
    memberships: dict[str, Membership], cast: dict[str, User], client: Client
) -> None:
    org = cast["enterprise"].organisation
    page = client.get(public_url(org)).content.decode()
    assert CURRENT in table_html(page, "programmes-current")
    assert 'data-testid="programmes-past"' not in page
    text = pdf_text(client.get(public_url(org) + "brief.pdf"))
    wb = workbook(client.get(public_url(org) + "profile.xlsx"))
    sheet = list(wb["培育项目"].iter_rows(values_only=True))
    assert [r[1] for r in sheet[1:]] == [CURRENT]
    ended_on = memberships["ended"].ended_on
    assert ended_on is not None
    for shown in (page, text, " ".join(cells(ws) for ws in wb.worksheets)):
        assert CURRENT in shown and ENDED not in shown and ended_on.isoformat() not in shown


def test_a_membership_past_its_period_is_past_before_the_duty_ends_it(
    memberships: dict[str, Membership],
) -> None:
    org = memberships["current"].organisation
    later = memberships["current"].valid_until + dt.timedelta(days=1)
    profile = profile_build(org, public=False, today=later)
    assert profile.memberships == []
    assert [m.programme for m in profile.past_memberships] == [CURRENT, ENDED]
    assert profile.past_memberships[0].ended_on == later
    assert profile_build(org, public=True, today=later).past_memberships == []


def test_profile_with_programmes_and_policies_in_few_queries(
    policies: dict[str, Any],
    memberships: dict[str, Membership],
    cast: dict[str, User],
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(cast["enterprise"])
    # 45 before the peer figures were stored; their stamp reads two database
    # counters (a trigger check and a read each) and the first view stores the rows.
    with django_assert_max_num_queries(52):
        page = client.get(full_url(cast["enterprise"].organisation)).content.decode()
    assert MET in page and CURRENT in page
