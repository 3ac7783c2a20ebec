"""The GI register as its keepers, enterprises and visitors meet it: drafts seen
only in the region, publishing, authorised users with their periods (the daily
duty ends them), applications reviewed by the area's staff, region scoping of
every staff list (out of region: 404), and the figures per city."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from iphub.brands import selectors, services
from iphub.brands.models import AuthorisedUse, UseStatus
from iphub.brands.tests.conftest import make_gi, period
from iphub.conftest import make_org, make_user
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import AuditEntry, Organisation, Role, User
from iphub.core.schedule import DUTIES
from iphub.patents.models import Trademark

pytestmark = pytest.mark.django_db


def test_a_draft_is_seen_only_by_its_region_and_published_by_its_keeper(
    cast: dict[str, User], client: Any
) -> None:
    entry = make_gi(cast["wuhan_clerk"], publish=False)
    for who in ("yichang_clerk", "enterprise"):
        with pytest.raises(NotFound):
            selectors.indication_get(user=cast[who], indication_id=entry.pk)
    assert client.get(f"/brands/gi/{entry.pk}/").status_code == 404
    client.force_login(cast["yichang_clerk"])
    assert client.get(f"/brands/gi/{entry.pk}/").status_code == 404
    assert client.post(f"/brands/gi/{entry.pk}/step/publish/").status_code == 404
    with pytest.raises(AccessDenied):
        services.indication_create(
            actor=cast["yichang_clerk"],
            data={
                "name": "x",
                "kind": "gi_product",
                "product": "x",
                "region": "420100",
                "approval_number": "1",
                "approval_date": "2020-01-01",
            },
            areas=["420111"],
        )
    # The district clerk of Hongshan does not reach a city-kept entry.
    with pytest.raises(NotFound):
        services.indication_step(
            actor=cast["hongshan_clerk"], indication_id=entry.pk, step="publish"
        )
    services.indication_step(actor=cast["wuhan_clerk"], indication_id=entry.pk, step="publish")
    client.logout()
    page = client.get(f"/brands/gi/{entry.pk}/").content.decode()
    assert "洪山菜薹" in page and "AGI00001" in page and "使用单位须在保护地域内种植" in page
    assert "洪山菜薹" in client.get("/brands/gi/").content.decode()
    # The audit trail tells the steps in words (the protected area by name).
    client.force_login(cast["supervisor"])
    trail = client.get("/audit/", {"action": "brands.indication_create"}).content.decode()
    assert "新建地理标志登记" in trail and "洪山区" in trail


def test_bad_input_names_the_field_and_changes_nothing(cast: dict[str, User]) -> None:
    base = {
        "name": "洪山菜薹",
        "kind": "gi_product",
        "product": "菜薹",
        "region": "420100",
        "approval_number": "AGI1",
        "approval_date": "2012-06-01",
    }
    for change, areas, field in (
        ({"kind": "wine"}, ["420111"], "kind"),
        ({"approval_date": "2012-13-01"}, ["420111"], "approval_date"),
        ({}, [], "areas"),
        ({}, ["420502"], "areas"),  # Yichang's Xiling is not inside Wuhan
        ({"trademark_number": "99999999"}, ["420111"], "trademark_number"),
    ):
        with pytest.raises(ApplicationError) as err:
            services.indication_create(actor=cast["wuhan_clerk"], data=base | change, areas=areas)
        assert field in err.value.fields
    assert not selectors.indication_staff_list(user=cast["wuhan_clerk"]).exists()


def test_authorised_users_have_periods_and_the_daily_duty_ends_them(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    entry = make_gi(cast["wuhan_clerk"])
    hongshan = orgs["wuhan_hongshan"]
    other = make_org("洪山第二测试农业有限公司", "420111", 9)
    outside = orgs["wuhan_jiangan"]
    ending = services.authorised_use_grant(
        actor=cast["wuhan_clerk"],
        indication_id=entry.pk,
        data={"organisation": hongshan.pk, **period(-300, 0)},
    )
    later = services.authorised_use_grant(
        actor=cast["wuhan_clerk"],
        indication_id=entry.pk,
        data={"organisation": other.pk, **period(1, 400)},
    )
    # One live authorisation per organisation; no period that has already ended.
    with pytest.raises(ApplicationError) as err:
        services.authorised_use_grant(
            actor=cast["wuhan_clerk"],
            indication_id=entry.pk,
            data={"organisation": hongshan.pk, **period(0, 10)},
        )
    assert "organisation" in err.value.fields
    with pytest.raises(ApplicationError):
        services.authorised_use_grant(
            actor=cast["wuhan_clerk"],
            indication_id=entry.pk,
            data={"organisation": outside.pk, **period(-30, -1)},
        )
    # Today: the one whose last day is today is in force; the one starting tomorrow not yet.
    current = [u.organisation.name for u in selectors.current_users(indication=entry)]
    assert current == [hongshan.name]
    page = client.get(f"/brands/gi/{entry.pk}/").content.decode()
    assert hongshan.name in page and other.name not in page

    today = services.today()
    assert services.authorised_uses_expire(on=today) == 0
    assert services.authorised_uses_expire(on=today + dt.timedelta(days=1)) == 1
    assert services.authorised_uses_expire(on=today + dt.timedelta(days=1)) == 0  # once
    ending.refresh_from_db()
    later.refresh_from_db()
    assert ending.status == UseStatus.EXPIRED and later.status == UseStatus.ACTIVE
    assert (
        AuditEntry.objects.filter(action="brands.use_expire", object_id=str(ending.pk)).count() == 1
    )
    tomorrow = [u.organisation.name for u in selectors.current_users(indication=entry)]
    assert tomorrow == []  # the expired one is gone; the other starts tomorrow, seen as of today
    assert [
        u.organisation.name
        for u in AuthorisedUse.objects.filter(
            selectors.current_uses_q(today + dt.timedelta(days=1)), indication=entry
        )
    ] == [other.name]
    # The expiry is a registered daily duty.
    duty = next(d for d in DUTIES if d.name == "brands_uses_expire")
    assert duty.every == "day" and "终止" in duty.run()


def test_an_enterprise_applies_and_the_areas_staff_decide(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    entry = make_gi(cast["wuhan_clerk"])
    enterprise = cast["enterprise"]  # of 洪山测试科技有限公司, inside the area
    data = {"products": "菜薹", "production_site": "洪山区某村", **period(0, 364)}
    app = services.use_application_submit(actor=enterprise, indication_id=entry.pk, data=data)
    with pytest.raises(ApplicationError):
        services.use_application_submit(actor=enterprise, indication_id=entry.pk, data=data)
    jiangan = make_user("jiangan_user", Role.ENTERPRISE, organisation=orgs["wuhan_jiangan"])
    with pytest.raises(ApplicationError) as err:
        services.use_application_submit(actor=jiangan, indication_id=entry.pk, data=data)
    assert "保护地域" in err.value.message
    # Out of region staff do not see it; the enterprise may not approve its own.
    for who in ("yichang_clerk", "hongshan_clerk"):
        with pytest.raises(NotFound):
            services.use_application_decide(actor=cast[who], application_id=app.pk, step="approve")
    with pytest.raises(AccessDenied):
        services.use_application_decide(actor=enterprise, application_id=app.pk, step="approve")
    with pytest.raises(ApplicationError) as err:
        services.use_application_decide(
            actor=cast["wuhan_clerk"], application_id=app.pk, step="refuse"
        )
    assert "note" in err.value.fields
    services.use_application_decide(
        actor=cast["wuhan_clerk"], application_id=app.pk, step="approve"
    )
    app.refresh_from_db()
    assert app.state == "approved" and app.grant.status == UseStatus.ACTIVE
    with pytest.raises(ApplicationError) as err:
        services.use_application_decide(
            actor=cast["wuhan_clerk"], application_id=app.pk, step="refuse", note="x"
        )
    assert err.value.status == 409
    assert [u.organisation_id for u in selectors.current_users(indication=entry)] == [
        orgs["wuhan_hongshan"].pk
    ]
    client.force_login(enterprise)
    page = client.get(f"/brands/applications/{app.pk}/").content.decode()
    assert "已核准" in page


@pytest.mark.parametrize(
    "path",
    ["/brands/gi/{entry}/", "/brands/applications/{app}/", "/brands/gi/{entry}/edit/"],
)
def test_every_staff_record_out_of_region_is_404(
    cast: dict[str, User], client: Any, path: str
) -> None:
    entry = make_gi(cast["wuhan_clerk"], publish=False)
    url = path.format(entry=entry.pk, app=0)
    if "{app}" in path:
        services.indication_step(actor=cast["wuhan_clerk"], indication_id=entry.pk, step="publish")
        app = services.use_application_submit(
            actor=cast["enterprise"],
            indication_id=entry.pk,
            data={"products": "菜薹", "production_site": "洪山", **period(0, 30)},
        )
        url = path.format(entry=entry.pk, app=app.pk)
    client.force_login(cast["yichang_clerk"])
    assert client.get(url).status_code == 404
    client.force_login(cast["wuhan_clerk"])
    assert client.get(url).status_code == 200


def test_staff_lists_are_scoped_to_the_region(cast: dict[str, User], client: Any) -> None:
    wuhan = make_gi(cast["wuhan_clerk"], publish=False)
    yichang = make_gi(
        cast["yichang_clerk"],
        region="420500",
        areas=("420527",),
        name="秭归脐橙",
        number="AGI2",
        publish=False,
    )
    assert list(selectors.indication_staff_list(user=cast["wuhan_clerk"])) == [wuhan]
    assert list(selectors.indication_staff_list(user=cast["yichang_clerk"])) == [yichang]
    assert set(selectors.indication_staff_list(user=cast["supervisor"])) == {wuhan, yichang}
    assert not selectors.indication_staff_list(user=cast["enterprise"]).exists()
    assert not selectors.indication_staff_list(user=cast["wuhan_enforcer"]).exists()
    client.force_login(cast["yichang_clerk"])
    page = client.get("/brands/register/").content.decode()
    assert "秭归脐橙" in page and "洪山菜薹" not in page
    export = client.get("/brands/register/", {"export": "xlsx"})
    assert export.status_code == 200
    client.force_login(cast["enterprise"])
    assert client.get("/brands/register/").status_code == 403


def test_cultivation_lists_with_criteria_and_members(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    clist = services.cultivation_list_create(
        actor=cast["wuhan_clerk"],
        data={
            "year": "2025",
            "title": "武汉市知名品牌培育名单",
            "region": "420100",
            "criteria": "注册商标三年以上；近两年无侵权记录。",
        },
    )
    services.cultivation_member_add(
        actor=cast["wuhan_clerk"],
        list_id=clist.pk,
        data={"organisation": orgs["wuhan_hongshan"].pk, "brand": "洪山之光"},
    )
    with pytest.raises(ApplicationError):
        services.cultivation_member_add(
            actor=cast["wuhan_clerk"],
            list_id=clist.pk,
            data={"organisation": orgs["yichang"].pk, "brand": "宜化"},
        )
    with pytest.raises(NotFound):
        services.cultivation_member_add(
            actor=cast["yichang_clerk"],
            list_id=clist.pk,
            data={"organisation": orgs["yichang"].pk, "brand": "宜化"},
        )
    page = client.get(f"/brands/cultivation/{clist.pk}/").content.decode()
    assert "注册商标三年以上" in page and "洪山之光" in page
    assert "武汉市知名品牌培育名单" in client.get("/brands/cultivation/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_figures_per_city_match_independent_counts(
    cast: dict[str, User], orgs: dict[str, Organisation], marks: None, client: Any
) -> None:
    hongshan = make_gi(cast["wuhan_clerk"])
    make_gi(cast["wuhan_clerk"], name="蔡甸莲藕", number="AGI3", areas=("420114",))
    make_gi(cast["wuhan_clerk"], name="草稿中", number="AGI4", publish=False)
    zigui = make_gi(
        cast["yichang_clerk"], region="420500", areas=("420502",), name="秭归脐橙", number="AGI2"
    )
    services.authorised_use_grant(
        actor=cast["wuhan_clerk"],
        indication_id=hongshan.pk,
        data={"organisation": orgs["wuhan_hongshan"].pk, **period(-1, 30)},
    )
    services.authorised_use_grant(
        actor=cast["yichang_clerk"],
        indication_id=zigui.pk,
        data={"organisation": orgs["yichang"].pk, **period(5, 30)},
    )
    rows = {r.code: r for r in selectors.brand_figures()}
    # Independent counts, straight from the rows.
    assert rows["420100"].indications == 2 and rows["420500"].indications == 1
    assert rows["420100"].users == 1 and rows["420500"].users == 0  # Yichang's starts later
    for code in ("420100", "420500", "429005", "422800"):
        expected: Counter[int] = Counter()
        count = 0
        for mark in Trademark.objects.select_related("region"):
            if mark.region and mark.region.path.split("/")[1:2] == [code]:
                count += 1
                expected.update(mark.nice_classes)
        assert rows[code].marks == count and rows[code].by_class == expected, code
    assert rows["420100"].by_class[9] == 2 and rows["429005"].by_class[31] == 1
    page = client.get("/brands/figures/").content.decode()
    assert 'data-city="420100"><td>武汉市</td><td>2</td><td>1</td><td>2</td>' in page
    assert client.get("/brands/figures/", {"export": "xlsx"}).status_code == 200
