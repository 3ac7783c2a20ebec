"""Training hours per person, per region and per organisation, against counts
made independently from the attendance written here; and region scoping of
every staff page and list: another region's course, roll or registration
answers 404."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from iphub.conftest import make_user
from iphub.core.indicators import REGISTRY, Ctx
from iphub.core.models import Region, Role, User
from iphub.training import selectors, services
from iphub.training.models import Course
from iphub.training.tests.conftest import START, T0, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(cast: dict[str, Any]) -> dict[str, Any]:
    """Wuhan course (3.5 h) and a Yichang course (2 h, built below); who attended what."""
    wuhan = make_course(cast["wuhan_clerk"])
    yichang = make_course(cast["yichang_clerk"], title="宜昌培训")
    Course.objects.filter(pk=yichang.pk).update(hours=Decimal(2))
    extra = make_user("jiangan_clerk", Role.WINDOW, "420102")
    attended = [
        (cast["hongshan_clerk"], wuhan),
        (cast["hongshan_clerk"], yichang),
        (cast["enterprise"], wuhan),
        (cast["yichang_clerk"], yichang),
        (extra, wuhan),
    ]
    for user, course in attended:
        reg = services.registration_register(
            actor=user, session_id=course.sessions.get().pk, now=T0
        )
        keeper = cast["wuhan_clerk"] if course == wuhan else cast["yichang_clerk"]
        services.registration_roll_call(actor=keeper, registration_id=reg.pk, now=START)
    # Registered but absent: no hours.
    services.registration_register(
        actor=make_user("absent", Role.WINDOW, "420100"),
        session_id=wuhan.sessions.get().pk,
        now=T0,
    )
    return {"wuhan": wuhan, "yichang": yichang, "attended": attended}


def _expected(attended: list[tuple[User, Course]]) -> dict[str, Decimal]:
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for user, course in attended:
        course.refresh_from_db()
        hours[user.username] += course.hours
    return hours


def test_hours_per_person_match_the_attendance(
    cast: dict[str, Any], trained: dict[str, Any]
) -> None:
    expected = _expected(trained["attended"])
    province = {p.user_id: p.hours for p in selectors.hours_by_person(user=cast["supervisor"])}
    by_name = {User.objects.get(pk=k).username: v for k, v in province.items()}
    assert (
        by_name
        == expected
        == {
            "hongshan_clerk": Decimal("5.5"),
            "wuhan_enterprise": Decimal("3.5"),
            "yichang_clerk": Decimal("2.0"),
            "jiangan_clerk": Decimal("3.5"),
        }
    )
    # A Wuhan clerk sees the people working in Wuhan only.
    wuhan = {p.name for p in selectors.hours_by_person(user=cast["wuhan_clerk"])}
    assert wuhan == {"hongshan_clerk", "wuhan_enterprise", "jiangan_clerk"}


def test_hours_per_region_match_the_attendance(
    cast: dict[str, Any], trained: dict[str, Any]
) -> None:
    rows = {name: (h, n) for name, h, n in selectors.hours_by_region(user=cast["supervisor"])}
    assert rows == {"武汉市": (Decimal("12.5"), 3), "宜昌市": (Decimal("2.0"), 1)}
    city = {name: (h, n) for name, h, n in selectors.hours_by_region(user=cast["wuhan_clerk"])}
    assert city == {"洪山区": (Decimal("9.0"), 2), "江岸区": (Decimal("3.5"), 1)}
    # The supervision indicator sums the same hours per city for the month attended.
    ctx = Ctx(
        user=cast["supervisor"],
        regions=list(Region.objects.filter(code__in=["420100", "420500"])),
        month=dt.date(START.year, START.month, 1),
    )
    compute = REGISTRY["training_hours"].compute
    assert compute is not None
    assert dict(compute(ctx)) == {"420100": Decimal("12.5"), "420500": Decimal("2.0")}


def test_hours_by_organisation_for_the_directory(
    cast: dict[str, Any], orgs: dict[str, Any], trained: dict[str, Any]
) -> None:
    out = selectors.hours_by_organisation([orgs["wuhan_hongshan"].pk, orgs["yichang"].pk])
    assert out == {orgs["wuhan_hongshan"].pk: Decimal("3.5"), orgs["yichang"].pk: Decimal(0)}


def test_hours_page_shows_the_chart_data_and_refuses_public_users(
    cast: dict[str, Any], trained: dict[str, Any], client: Any
) -> None:
    client.force_login(cast["wuhan_clerk"])
    page = client.get("/training/hours/").content.decode()
    assert "洪山区" in page and "5.5" in page and "yichang_clerk" not in page
    client.force_login(cast["enterprise"])
    assert client.get("/training/hours/").status_code == 403


def test_staff_pages_out_of_region_answer_404(
    cast: dict[str, Any], trained: dict[str, Any], client: Any
) -> None:
    wuhan: Course = trained["wuhan"]
    session = wuhan.sessions.get()
    reg = session.registrations.first()
    assert reg is not None
    client.force_login(cast["yichang_clerk"])
    for url in (
        f"/training/keep/{wuhan.pk}/",
        f"/training/keep/{wuhan.pk}/edit/",
        f"/training/keep/sessions/{session.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/training/keep/registrations/{reg.pk}/roll_call/").status_code == 404
    assert client.post(f"/training/keep/{wuhan.pk}/", {"action": "publish"}).status_code == 404
    listed = client.get("/training/keep/").content.decode()
    assert "宜昌培训" in listed and wuhan.title not in listed
    # In region: the keeper's pages open; the province sees both courses.
    client.force_login(cast["wuhan_clerk"])
    assert client.get(f"/training/keep/sessions/{session.pk}/").status_code == 200
    assert {c.title for c in selectors.course_keep_list(user=cast["supervisor"])} == {
        wuhan.title,
        "宜昌培训",
    }
    client.force_login(cast["enterprise"])
    assert client.get("/training/keep/").status_code == 403
