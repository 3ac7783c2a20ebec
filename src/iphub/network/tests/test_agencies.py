"""The agencies directory: ratings computed from the records (filings the agency
submitted, tickets its accounts answered, assistance requests at the
workstation it hosts) against counts made by hand from the fixtures; 蓝天 flags
shown to region staff only; agents validated; the staff-only export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from iphub.conftest import make_org, make_user
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import AuditEntry, Organisation, Region, Role, User
from iphub.filings.models import Filing, FilingEvent, FilingKind, FilingState
from iphub.network import services
from iphub.network.models import Agent
from iphub.network.selectors.agencies import agency_ratings
from iphub.network.tests.conftest import open_ticket
from iphub.protection.models import (
    AssistanceRequest,
    AssistanceStatus,
    FlaggedGroup,
    ScreeningRun,
    Workstation,
)

pytestmark = pytest.mark.django_db

AGENCY = "湖北测试专利代理有限公司"


@pytest.fixture
def agency(net: dict[str, Any]) -> dict[str, Any]:
    org = make_org(AGENCY, "420103", 41, kind="agency")
    other = make_org("宜昌测试商标代理有限公司", "420502", 42, kind="agency")
    user = make_user("agency_member", Role.AGENCY, organisation=org)
    return {"org": org, "other": other, "user": user}


def filing(
    org: Organisation, user: User, state: str, *, days_ago: int, returned: bool = False
) -> Filing:
    now = timezone.now()
    f = Filing.objects.create(
        kind=FilingKind.PATENT_LICENCE,
        state=state,
        region=Region.objects.get(code="420100"),
        organisation=org,
        created_by=user,
        submitted_at=now - dt.timedelta(days=days_ago),
    )
    if returned:
        for _ in range(2):  # returned twice still counts as one returned filing
            FilingEvent.objects.create(filing=f, action="return", at=now)
    return f


def test_ratings_match_counts_made_by_hand(
    net: dict[str, Any], agency: dict[str, Any], keeper: User
) -> None:
    org, user = agency["org"], agency["user"]
    # Filings: 5 submitted in the last 12 months (2 returned, one of them later registered;
    # 1 refused), 1 submitted 400 days ago (refused, not counted), 1 draft never submitted.
    filing(org, user, FilingState.REGISTERED, days_ago=10)
    filing(org, user, FilingState.REGISTERED, days_ago=20, returned=True)
    filing(org, user, FilingState.RETURNED, days_ago=30, returned=True)
    filing(org, user, FilingState.REFUSED, days_ago=40)
    filing(org, user, FilingState.SUBMITTED, days_ago=1)
    filing(org, user, FilingState.REFUSED, days_ago=400)
    Filing.objects.create(
        kind=FilingKind.PATENT_LICENCE, region=Region.objects.get(code="420100"),
        organisation=org, created_by=user,
    )  # fmt: skip
    # Another agency's filing does not count for this one.
    filing(agency["other"], user, FilingState.REFUSED, days_ago=5)

    # Tickets: the agency's account answers for the Wuhan outlet: 2 on time, 1 late.
    services.outlet_staff_add(actor=keeper, outlet_id=net["wuhan"].pk, username="agency_member")
    now = timezone.now()
    for late, rating in ((False, "5"), (False, None), (True, "3")):
        t = open_ticket(net["enterprise"], net["wuhan"], at=now - dt.timedelta(days=30))
        assert t.due_at is not None
        at = t.due_at + dt.timedelta(hours=1) if late else t.due_at - dt.timedelta(hours=1)
        services.ticket_step(
            actor=user, ticket_id=t.pk, name="close", data={"result": "已答复检索结果。"}, now=at
        )
        if rating:
            services.ticket_step(
                actor=net["enterprise"],
                ticket_id=t.pk,
                name="rate",
                data={"rating": rating},
                now=at,
            )
    # A ticket answered by the university's own staff is not the agency's.
    t = open_ticket(net["enterprise"], net["wuhan"])
    services.ticket_step(
        actor=net["wuhan_staff"], ticket_id=t.pk, name="close", data={"result": "已答复检索结果。"}
    )

    # Assistance: 3 requests at the workstation the agency hosts (2 closed, rated 4 and 5).
    station = Workstation.objects.create(
        name="测试代理机构工作站", kind="park", region=Region.objects.get(code="420103"), host=org
    )
    for status, satisfaction in (
        (AssistanceStatus.CLOSED, 4),
        (AssistanceStatus.CLOSED, 5),
        (AssistanceStatus.ASSIGNED, None),
    ):
        AssistanceRequest.objects.create(
            requester=net["enterprise"], organisation=net["enterprise"].organisation,
            region=Region.objects.get(code="420111"), dispute_kind="domestic", field="G",
            subject="侵权纠纷", description="请求援助", station=station, status=status,
            satisfaction=satisfaction, due_on=dt.date(2026, 3, 20),
        )  # fmt: skip

    r = agency_ratings([org.pk, agency["other"].pk])
    mine, theirs = r[org.pk], r[agency["other"].pk]
    assert (mine.filings_submitted, mine.filings_returned, mine.filings_refused) == (5, 2, 1)
    assert (mine.return_rate, mine.refusal_rate) == (Decimal("40.0"), Decimal("20.0"))
    assert (mine.tickets_answered, mine.tickets_on_time, mine.tickets_rated) == (3, 2, 2)
    assert (mine.ticket_on_time_rate, mine.ticket_rating) == (Decimal("66.7"), Decimal("4.0"))
    assert (mine.assistance_handled, mine.assistance_closed, mine.assistance_rating) == (
        3,
        2,
        Decimal("4.5"),
    )
    assert (theirs.filings_submitted, theirs.filings_refused, theirs.tickets_answered) == (1, 1, 0)
    basis = mine.basis()
    assert (
        basis["filings"]
        == "近 12 个月提交备案/登记 5 件，退回补正 2 件（40.0%），不予登记 1 件（20.0%）"
    )
    assert (
        basis["tickets"]
        == "近 12 个月办结服务工单 3 件，按时办结 2 件（66.7%），2 件评价平均 4.0 分"
    )

    # The page shows the basis and the workstation role to anyone.
    page = Client().get(f"/network/agencies/{org.pk}/").content.decode()
    assert "退回补正 2 件（40.0%）" in page and "测试代理机构工作站" in page
    assert 'data-testid="training-hours">0 学时' in page


def _flag(region: str, agencies: list[str], summary: str) -> FlaggedGroup:
    run = ScreeningRun.objects.get_or_create(kind="full")[0]
    return FlaggedGroup.objects.create(
        run=run, kind="bulk_filing", signature=summary, score=80,
        region=Region.objects.get(code=region), summary=summary, agencies=agencies,
    )  # fmt: skip


def test_flags_are_shown_to_region_staff_only(
    agency: dict[str, Any], cast: dict[str, User], net: dict[str, Any]
) -> None:
    _flag("420100", ["湖北测试专利代理有限公司 "], "武汉一批模板化实用新型")
    _flag("420500", [AGENCY], "宜昌拆分申请")
    _flag("420100", ["另一家代理机构"], "与本机构无关的线索")
    url = f"/network/agencies/{agency['org'].pk}/"
    for viewer in (None, net["enterprise"], agency["user"]):
        client = Client()
        if viewer is not None:
            client.force_login(viewer)
        page = client.get(url).content.decode()
        assert "蓝天行动" not in page and "模板化" not in page and "拆分申请" not in page

    def seen(user: User) -> set[str]:
        client = Client()
        client.force_login(user)
        return {g.summary for g in client.get(url).context["flags"]}

    assert seen(cast["wuhan_clerk"]) == {"武汉一批模板化实用新型"}
    assert seen(cast["yichang_clerk"]) == {"宜昌拆分申请"}
    assert seen(cast["supervisor"]) == {"武汉一批模板化实用新型", "宜昌拆分申请"}
    assert seen(cast["wuhan_enforcer"]) == {"武汉一批模板化实用新型"}


def test_agents_are_validated_and_kept_by_the_agency_or_the_province(
    agency: dict[str, Any], cast: dict[str, User], keeper: User
) -> None:
    org = agency["org"]
    for data, field in (
        ({"name": "张", "licence_number": "4201001234"}, "name"),
        ({"name": "张三", "licence_number": "42-01"}, "licence_number"),
        ({"name": "张三", "licence_number": ""}, "licence_number"),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.agent_add(actor=agency["user"], organisation_id=org.pk, data=data)
        assert field in refused.value.fields
    agent = services.agent_add(
        actor=agency["user"],
        organisation_id=org.pk,
        data={"name": "张三", "licence_number": "42010 01234"},
    )
    assert agent.licence_number == "4201001234"
    with pytest.raises(ApplicationError, match="已登记在湖北测试专利代理有限公司"):
        services.agent_add(
            actor=keeper,
            organisation_id=agency["other"].pk,
            data={"name": "李四", "licence_number": "4201001234"},
        )
    for outsider in (cast["wuhan_clerk"], cast["enterprise"]):
        with pytest.raises(AccessDenied):
            services.agent_add(
                actor=outsider,
                organisation_id=org.pk,
                data={"name": "王五", "licence_number": "4201009999"},
            )
    services.agent_deactivate(actor=keeper, organisation_id=org.pk, agent_id=agent.pk)
    assert not Agent.objects.get(pk=agent.pk).active
    audited = AuditEntry.objects.filter(object_type="network.agent")
    assert set(audited.values_list("action", flat=True)) == {
        "network.agent_add",
        "network.agent_deactivate",
    }


def test_directory_search_filter_and_staff_only_export(
    agency: dict[str, Any], cast: dict[str, User], keeper: User
) -> None:
    services.agency_profile_update(
        actor=agency["user"], organisation_id=agency["org"].pk,
        data={"services": ["patent_agency", "navigation"], "regions_served": ["420100", "420500"]},
    )  # fmt: skip
    client = Client()
    names = lambda **q: [r["org"].name for r in client.get("/network/agencies/", q).context["rows"]]  # noqa: E731
    assert names(q="湖北测试") == [AGENCY]
    assert names(service="navigation") == [AGENCY]
    assert set(names(city="420500")) == {AGENCY, "宜昌测试商标代理有限公司"}
    assert names(city="420600") == []
    with pytest.raises(ApplicationError):
        services.agency_profile_update(
            actor=agency["user"], organisation_id=agency["org"].pk,
            data={"services": ["patent_agency"], "regions_served": ["420111"]},
        )  # fmt: skip
    assert client.get("/network/agencies/", {"export": "xlsx"}).status_code == 403
    staff = Client()
    staff.force_login(cast["wuhan_clerk"])
    answer = staff.get("/network/agencies/", {"export": "xlsx", "q": "湖北测试"})
    assert answer.status_code == 200
    content = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "机构名称" and any(r[0] == AGENCY for r in rows[1:])


def test_the_directory_does_not_grow_queries_with_agencies(
    agency: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(8):
        make_org(f"湖北测试第{i}知识产权代理有限公司", "420103", 50 + i, kind="agency")
    client = Client()
    client.get("/network/agencies/")
    with django_assert_max_num_queries(15):
        page = client.get("/network/agencies/")
    assert len(page.context["rows"]) == 10
