"""Dispute cases: opened by an enterprise or staff, seen only in their region
(else 404), guided by staff, experts assigned but never one who declared a
conflict with either party; at most three, even when staff assign at once."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Organisation, User
from iphub.overseas import selectors, services, workflow
from iphub.overseas.models import CaseExpert, DisputeCase, Expert

RIVAL = "Northwind Photonics Inc."


def expert(province: User, name: str, conflicts: tuple[str, ...] = ()) -> Expert:
    return services.expert_create(
        actor=province,
        data={"name": name, "field": "337 调查"},
        countries=["US"],
        languages=["en"],
        conflicts=list(conflicts),
    )


def open_case(actor: User, orgs: dict[str, Organisation], **over: str) -> DisputeCase:
    data = {
        "organisation": orgs["wuhan_hongshan"].pk,
        "country": "US",
        "kind": "s337",
        "opposing_party": RIVAL,
        "summary": "对方申请 337 调查。",
    } | over
    return services.case_open(actor=actor, data=data)


@pytest.mark.django_db
def test_an_expert_with_a_declared_conflict_is_never_assigned(
    cast: dict[str, User], orgs: dict[str, Organisation], province: User, client: Any
) -> None:
    case = open_case(cast["enterprise"], orgs)
    # Conflicts are compared by normalised name: case and legal form do not matter.
    against_rival = expert(province, "甲", ("NORTHWIND PHOTONICS, INC",))
    against_client = expert(province, "乙", (orgs["wuhan_hongshan"].name,))
    free = expert(province, "丙")
    for barred, party in (
        (against_rival, "NORTHWIND PHOTONICS, INC"),
        (against_client, orgs["wuhan_hongshan"].name),
    ):
        with pytest.raises(ApplicationError) as err:
            services.case_expert_assign(
                actor=cast["wuhan_enforcer"], case_id=case.pk, expert_id=barred.pk
            )
        assert err.value.code == "expert_conflict" and party in err.value.message
    services.case_expert_assign(actor=cast["wuhan_enforcer"], case_id=case.pk, expert_id=free.pk)
    # A conflict declared later bars the next assignment on another case.
    services.expert_conflict_declare(actor=province, expert_id=free.pk, party_name=RIVAL)
    second = open_case(cast["enterprise"], orgs, summary="另一起。")
    with pytest.raises(ApplicationError):
        services.case_expert_assign(
            actor=cast["wuhan_enforcer"], case_id=second.pk, expert_id=free.pk
        )
    assert list(CaseExpert.objects.values_list("expert__name", flat=True)) == ["丙"]
    # The page shows the conflict beside the name and the refusal as a message.
    client.force_login(cast["wuhan_enforcer"])
    page = client.get(f"/overseas/cases/{second.pk}/").content.decode()
    assert "有利益冲突" in page
    answer = client.post(
        f"/overseas/cases/{second.pk}/experts/", {"expert": against_rival.pk}, follow=True
    )
    assert "已声明与" in answer.content.decode()
    assert not CaseExpert.objects.filter(case=second).exists()
    # The audit trail names the expert assigned, in words.
    client.force_login(cast["supervisor"])
    trail = client.get("/audit/", {"action": "overseas.expert_assign"})
    assert trail.status_code == 200 and "指派海外维权专家" in trail.content.decode()
    assert "丙" in trail.content.decode()


@pytest.mark.django_db
def test_cases_are_scoped_to_the_region_and_the_enterprise(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    wuhan = open_case(cast["enterprise"], orgs)
    yichang = open_case(
        cast["yichang_supervisor"],
        orgs,
        organisation=str(orgs["yichang"].pk),
        country="DE",
        kind="exhibition",
    )
    with pytest.raises(AccessDenied):
        open_case(cast["yichang_supervisor"], orgs)  # a Wuhan enterprise: not theirs
    assert list(selectors.case_list(user=cast["wuhan_enforcer"])) == [wuhan]
    assert list(selectors.case_list(user=cast["yichang_supervisor"])) == [yichang]
    assert set(selectors.case_list(user=cast["supervisor"])) == {wuhan, yichang}
    assert list(selectors.case_list(user=cast["enterprise"])) == [wuhan]
    assert not selectors.case_list(user=cast["wuhan_clerk"]).exists()
    for who, case in (
        ("yichang_supervisor", wuhan),
        ("wuhan_enforcer", yichang),
        ("enterprise", yichang),
    ):
        client.force_login(cast[who])
        assert client.get(f"/overseas/cases/{case.pk}/").status_code == 404
        with pytest.raises(NotFound):
            services.case_step(actor=cast[who], case_id=case.pk, step="accept")
    client.force_login(cast["wuhan_enforcer"])
    assert client.get(f"/overseas/cases/{wuhan.pk}/").status_code == 200
    page = client.get("/overseas/").content.decode()
    assert "洪山测试科技有限公司" in page and "宜昌测试化工有限公司" not in page


@pytest.mark.django_db
def test_the_case_workflow_and_guidance(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    case = open_case(cast["enterprise"], orgs)
    assert [s.name for s in workflow.case_actions(cast["enterprise"], case)] == ["withdraw"]
    assert [s.name for s in workflow.case_actions(cast["wuhan_enforcer"], case)] == ["accept"]
    with pytest.raises(AccessDenied):
        services.case_step(actor=cast["enterprise"], case_id=case.pk, step="accept")
    services.case_step(actor=cast["wuhan_enforcer"], case_id=case.pk, step="accept")
    services.case_guidance_add(
        actor=cast["wuhan_enforcer"],
        case_id=case.pk,
        data={"title": "应诉指导", "body": "在期限内委托律师。"},
    )
    with pytest.raises(AccessDenied):
        services.case_guidance_add(
            actor=cast["enterprise"], case_id=case.pk, data={"title": "x", "body": "y"}
        )
    with pytest.raises(ApplicationError) as err:
        services.case_step(actor=cast["wuhan_enforcer"], case_id=case.pk, step="close")
    assert "text" in err.value.fields
    services.case_step(
        actor=cast["wuhan_enforcer"], case_id=case.pk, step="close", text="双方和解。"
    )
    with pytest.raises(ApplicationError) as err:
        services.case_guidance_add(
            actor=cast["wuhan_enforcer"], case_id=case.pk, data={"title": "x", "body": "y"}
        )
    assert err.value.status == 409
    client.force_login(cast["enterprise"])
    page = client.get(f"/overseas/cases/{case.pk}/").content.decode()
    assert "应诉指导" in page and "在期限内委托律师" in page and "双方和解" in page


@pytest.mark.django_db
def test_figures_per_country_match_independent_counts(
    cast: dict[str, User], orgs: dict[str, Organisation], province: User, client: Any
) -> None:
    open_case(cast["enterprise"], orgs)
    open_case(cast["enterprise"], orgs, kind="litigation")
    open_case(cast["enterprise"], orgs, country="VN", kind="squatting")
    open_case(cast["yichang_supervisor"], orgs, organisation=str(orgs["yichang"].pk), country="US")
    expert(province, "甲")
    rows = {r.code: r for r in selectors.country_figures(user=cast["supervisor"])}
    cases = list(DisputeCase.objects.values_list("country", "kind"))
    assert rows["US"].cases == sum(1 for c, _k in cases if c == "US") == 3
    assert rows["US"].by_kind["s337"] == 2 and rows["US"].by_kind["litigation"] == 1
    assert rows["VN"].cases == 1 and rows["US"].experts == 1
    wuhan = {r.code: r for r in selectors.country_figures(user=cast["wuhan_enforcer"])}
    assert wuhan["US"].cases == 2  # Yichang's case is outside Wuhan's region
    client.force_login(cast["wuhan_enforcer"])
    assert client.get("/overseas/figures/", {"export": "xlsx"}).status_code == 200


@pytest.mark.django_db
def test_the_expert_pool_opens_for_its_keepers_and_is_not_offered_to_enterprises(
    cast: dict[str, User], province: User, client: Any
) -> None:
    expert(province, "王海外")
    client.force_login(province)
    page = client.get("/overseas/experts/")
    assert page.status_code == 200
    html = page.content.decode()
    # The form for a new expert offers every working language by name.
    assert "王海外" in html and 'name="languages" value="en"' in html and "英语" in html
    client.force_login(cast["enterprise"])
    assert 'href="/overseas/experts/"' not in client.get("/overseas/").content.decode()
    assert client.get("/overseas/experts/").status_code == 403
