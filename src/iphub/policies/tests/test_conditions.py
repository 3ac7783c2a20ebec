"""Qualification rules: each condition checked against the organisation's own
records (kind, region, tags, in-force invention patents, this year's registered
pledge, its people's training hours), met or unmet, each explained."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from iphub.core import services as core_services
from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import Organisation
from iphub.filings import services as filing_services
from iphub.filings.tests.conftest import file_pledge
from iphub.patents.importers import PatentIn
from iphub.patents.services import patents_upsert
from iphub.patents.tests.conftest import app_no
from iphub.policies import selectors
from iphub.policies.conditions import OrganisationFacts
from iphub.policies.tests.conftest import add_policy

pytestmark = pytest.mark.django_db

OWNER = "洪山测试科技有限公司"


def _support(actor: Any, title: str, conditions: list[dict[str, Any]], **over: Any) -> Any:
    return add_policy(
        actor, title=title, document_number="", is_support=True, conditions=conditions, **over
    )


def _inventions(n_alive: int, n_dead: int) -> None:
    rows = []
    for i in range(n_alive + n_dead):
        dead = i >= n_alive
        rows.append(
            PatentIn(
                application_number=app_no(2020, 1, 900 + i),
                title=f"一种测试装置{i}",
                applicants=[OWNER],
                app_date=dt.date(2020, 5, 1),
                grant_date=dt.date(2022, 5, 1),
                legal_status="专利权终止" if dead else "有效",
                type="invention",
            )
        )
    # A utility model is not an invention patent: never counted.
    rows.append(
        PatentIn(
            application_number=app_no(2020, 2, 950),
            title="一种实用新型",
            applicants=[OWNER],
            app_date=dt.date(2020, 5, 1),
            grant_date=dt.date(2020, 12, 1),
            legal_status="有效",
            type="utility",
        )
    )
    patents_upsert(rows)


def test_each_rule_met_and_unmet_is_explained(
    cast: dict[str, Any], orgs: dict[str, Organisation]
) -> None:
    org = orgs["wuhan_hongshan"]
    core_services.organisation_update(
        actor=cast["wuhan_clerk"], organisation_id=org.pk, data={"tags": ["zhuanjingtexin"]}
    )
    org.refresh_from_db()
    _inventions(n_alive=3, n_dead=2)
    policy = _support(
        cast["supervisor"],
        "专精特新高价值专利奖励",
        [
            {"kind": "org_kind", "values": ["enterprise"]},
            {"kind": "region_within", "region": "420100"},
            {"kind": "tag_any", "values": ["zhuanjingtexin", "high_tech"]},
            {"kind": "valid_inventions", "min": 3},
            {"kind": "pledge_this_year"},
            {"kind": "training_hours", "min": 2},
        ],
    )
    check = selectors.policy_check(policy, org)
    words = {c.kind: (c.met, c.explanation) for c in check.checks}
    assert words["org_kind"] == (True, "本单位为企业；要求：企业。")
    assert words["region_within"] == (True, "本单位位于洪山区，在武汉市范围内。")
    assert words["tag_any"] == (
        True,
        "本单位标签：专精特新；要求具备其一：专精特新、高新技术企业。",
    )
    assert words["valid_inventions"] == (True, "有效发明专利 3 件；要求不少于 3 件。")
    year = timezone.localdate(timezone.now(), LOCAL_TZ).year
    assert words["pledge_this_year"] == (
        False,
        f"{year} 年尚未办理专利权质押登记；要求当年至少 1 件。",
    )
    assert words["training_hours"] == (False, "本单位人员培训学时 0；要求不少于 2。")
    assert not check.qualifies and check.met == 4
    assert selectors.qualifying_policies(org) == []

    yichang = orgs["yichang"]
    checks = {c.kind: c for c in selectors.policy_check(policy, yichang).checks}
    assert (
        not checks["region_within"].met
        and "不在武汉市范围内" in checks["region_within"].explanation
    )
    assert not checks["tag_any"].met and "本单位标签：无" in checks["tag_any"].explanation


def test_facts_come_from_the_records(cast: dict[str, Any], orgs: dict[str, Organisation]) -> None:
    org = orgs["wuhan_hongshan"]
    _inventions(n_alive=2, n_dead=1)
    facts = OrganisationFacts(org)
    assert facts.valid_inventions == 2
    assert facts.pledges_this_year == 0
    assert facts.training_hours == Decimal(0)


def test_a_registered_pledge_this_year_and_training_hours_qualify(
    cast: dict[str, Any], orgs: dict[str, Organisation], patents: dict[str, str]
) -> None:
    from iphub.training import services as training

    org = orgs["wuhan_hongshan"]
    now = timezone.now()
    f = file_pledge(cast["enterprise"], patents["granted"])
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=now)
    filing_services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=now)
    course = training.course_create(
        actor=cast["wuhan_clerk"],
        data={"title": "培训", "audience": ["enterprise"], "hours": "2.5", "pass_mark": 60},
    )
    start = now + dt.timedelta(days=3)
    session = training.session_create(
        actor=cast["wuhan_clerk"],
        course_id=course.pk,
        data={
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
            "registration_deadline": start - dt.timedelta(days=1),
            "place": "武汉",
            "capacity": 5,
        },
    )
    training.course_publish(actor=cast["wuhan_clerk"], course_id=course.pk)
    reg = training.registration_register(actor=cast["enterprise"], session_id=session.pk)
    training.registration_roll_call(actor=cast["wuhan_clerk"], registration_id=reg.pk)
    policy = _support(
        cast["wuhan_clerk"],
        "武汉市质押融资贴息",
        [{"kind": "pledge_this_year"}, {"kind": "training_hours", "min": 2}],
        region="420100",
    )
    found = selectors.qualifying_policies(org)
    assert [q.policy.pk for q in found] == [policy.pk]
    assert [c.explanation for c in found[0].checks] == [
        f"{now.astimezone(LOCAL_TZ).year} 年已办理专利权质押登记 1 件。",
        "本单位人员培训学时 2.5；要求不少于 2。",
    ]
    # Another city's organisation is not offered a Wuhan policy at all.
    assert selectors.support_policy_checks(orgs["yichang"]) == []


def test_repealed_policies_are_not_offered_and_the_page_explains(
    cast: dict[str, Any], orgs: dict[str, Organisation], client: Any
) -> None:
    _support(
        cast["supervisor"],
        "已废止的奖励办法",
        [{"kind": "org_kind", "values": ["enterprise"]}],
        validity="repealed",
        expires_on="2023-01-01",
    )
    live = _support(
        cast["supervisor"],
        "企业知识产权奖励",
        [{"kind": "org_kind", "values": ["enterprise"]}, {"kind": "valid_inventions", "min": 1}],
    )
    client.force_login(cast["enterprise"])
    page = client.get("/policies/mine/").content.decode()
    assert "已废止的奖励办法" not in page and "企业知识产权奖励" in page
    assert "✘ 不符合" in page and "有效发明专利 0 件；要求不少于 1 件。" in page
    assert "✔ 符合" in page and "本单位为企业；要求：企业。" in page
    detail = client.get(f"/policies/{live.pk}/").content.decode()
    assert "尚不符合全部条件" in detail
    api = client.get("/api/v1/policies/qualifying").json()
    assert api == []
    client.force_login(cast["wuhan_clerk"])
    assert client.get("/policies/mine/").status_code == 403
