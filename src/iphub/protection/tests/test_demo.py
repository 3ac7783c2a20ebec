"""The demo protection records of ``make run``: a campaign, workstations in several
districts, cases in several states in Wuhan and Yichang, assistance and
fast-track requests, and a finished 蓝天 run whose flagged groups land in the
cities of their (planted) applicants, one already confirmed and made a case by
the Wuhan enforcer; loading twice creates nothing new."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_user
from iphub.core import demo as core_demo
from iphub.core.models import Organisation, Role, User
from iphub.filings import demo as filings_demo
from iphub.patents.models import Patent
from iphub.protection import demo, demo_abnormal, selectors
from iphub.protection.models import (
    AssistanceRequest,
    AssistanceStatus,
    Campaign,
    Case,
    CaseState,
    CaseType,
    FastTrackRequest,
    FlaggedGroup,
    GroupKind,
    GroupStatus,
    RunKind,
    RunStatus,
    ScreeningRun,
    Workstation,
)
from iphub.protection.services import screening
from iphub.protection.tests.conftest import corpus_rows, import_rows


@pytest.fixture
def loaded(db: Any, tmp_path: Path, settings: Any) -> list[str]:
    settings.MEDIA_ROOT = tmp_path / "media"
    core_demo.demo_load()
    import_rows(tmp_path, corpus_rows())  # stands in for the imported demo patents
    filings_demo.demo_load()  # the demo enterprises' own patents
    return demo.demo_load()


def test_cases_in_several_states_in_wuhan_and_yichang(loaded: list[str]) -> None:
    wuhan = set(Case.objects.filter(region_id="420100").values_list("state", flat=True))
    assert wuhan == set(CaseState.values)
    assert Case.objects.filter(region_id="420500").values("state").distinct().count() >= 2
    decided = Case.objects.get(region_id="420100", state=CaseState.DECIDED)
    assert decided.penalty_detail and decided.events.count() == 3
    assert Campaign.objects.get().cases.count() >= 3


def test_workstations_in_several_districts_take_requests(loaded: list[str]) -> None:
    districts = set(Workstation.objects.values_list("region_id", flat=True))
    assert {"420111", "420102", "420502"} <= districts
    closed = AssistanceRequest.objects.get(status=AssistanceStatus.CLOSED)
    assert closed.station is not None and closed.satisfaction == 5
    assert AssistanceRequest.objects.filter(region__path__startswith="420000/420500").exists()
    assert FastTrackRequest.objects.values("status").distinct().count() == 3


def test_screening_finished_during_the_load_and_flagged_groups(loaded: list[str]) -> None:
    run = ScreeningRun.objects.get(kind=RunKind.FULL)
    assert run.status == RunStatus.DONE and run.groups_found > 0
    assert FlaggedGroup.objects.filter(run=run).exists()
    assert any("蓝天" in line for line in loaded)
    # The demo enterprises' own (distinct) patents, which the filings demo
    # pledges and licenses, are not flagged as abnormal.
    own = set(
        User.objects.filter(organisation__isnull=False).values_list("organisation__name", flat=True)
    )
    assert {"武汉光谷演示光电科技有限公司", "宜昌演示磷化工股份有限公司"} <= own
    flagged = {a for g in FlaggedGroup.objects.all() for a in g.applicants}
    assert not own & flagged


def _groups_of(applicant: str) -> dict[str, str]:
    """The kind of each flagged group naming ``applicant``, by its region code."""
    return {g.region_id: g.kind for g in FlaggedGroup.objects.all() if applicant in g.applicants}


def test_planted_applications_land_in_their_applicants_cities(loaded: list[str]) -> None:
    assert _groups_of(demo_abnormal.HONGSHAN.name) == {"420111": GroupKind.NEAR_DUPLICATE}
    assert _groups_of(demo_abnormal.JIANGXIA.name) == {"420115": GroupKind.SPLIT_FILING}
    assert _groups_of(demo_abnormal.XIAOTING.name) == {"420505": GroupKind.NEAR_DUPLICATE}
    assert _groups_of(demo_abnormal.FANCHENG.name) == {"420606": GroupKind.SPLIT_FILING}
    # The agency's month of templated utility models for clients in six Wuhan
    # districts: a burst and a template cluster, both the city's.
    agency = [g for g in FlaggedGroup.objects.all() if demo_abnormal.AGENCY in g.agencies]
    assert {(g.kind, g.region_id) for g in agency} == {
        (GroupKind.BULK_FILING, "420100"),
        (GroupKind.NEAR_DUPLICATE, "420100"),
    }
    burst = next(g for g in agency if g.kind == GroupKind.BULK_FILING)
    assert burst.evidence["month"] == "2026-04" and burst.members.count() == 12
    # A 夷陵区 company's month of ten templated filings against its usual one.
    yiling = [g for g in FlaggedGroup.objects.all() if demo_abnormal.YILING.name in g.applicants]
    assert {(g.kind, g.region_id) for g in yiling} == {
        (GroupKind.BULK_FILING, "420506"),
        (GroupKind.NEAR_DUPLICATE, "420506"),
    }
    # The applicants are registered demo organisations in their districts.
    assert Organisation.objects.get(name=demo_abnormal.XIAOTING.name).region_id == "420505"
    numbers = demo_abnormal.numbers_of(demo_abnormal.HONGSHAN)
    assert Patent.objects.get(application_number=numbers[0]).region_id == "420111"


def test_each_city_enforcer_sees_its_own_groups(loaded: list[str]) -> None:
    wuhan = User.objects.get(username="wuhan_enforcer")
    yichang = make_user("yichang_enforcer_demo", Role.ENFORCEMENT, "420500")
    seen = {g.region.path for g in selectors.flagged_group_list(user=wuhan)}
    assert {"420000/420100", "420000/420100/420111", "420000/420100/420115"} <= seen
    assert all(path.startswith("420000/420100") for path in seen)
    seen = {g.region.path for g in selectors.flagged_group_list(user=yichang)}
    assert {"420000/420500/420505", "420000/420500/420506"} <= seen
    assert all(path.startswith("420000/420500") for path in seen)


def test_wuhan_enforcer_has_confirmed_a_group_and_opened_a_case(loaded: list[str]) -> None:
    wuhan = User.objects.get(username="wuhan_enforcer")
    case = selectors.case_list(user=wuhan).get(case_type=CaseType.ABNORMAL_FILING)
    assert case.state == CaseState.FILED and case.region_id == "420111"
    group = case.flagged_group
    assert group is not None and group.status == GroupStatus.CONFIRMED
    assert group.decided_by == wuhan
    assert demo_abnormal.HONGSHAN.name in group.applicants
    assert {p.name for p in case.parties.all()} == {demo_abnormal.HONGSHAN.name}
    # Other groups are still open for the enforcer to review.
    assert selectors.flagged_group_list(user=wuhan, status=GroupStatus.OPEN).exists()


def test_loading_twice_creates_nothing(loaded: list[str]) -> None:
    models = (
        Campaign, Workstation, Case, AssistanceRequest, FastTrackRequest, ScreeningRun,
        FlaggedGroup, Patent, Organisation,
    )  # fmt: skip
    counts = [m.objects.count() for m in models]
    again = demo.demo_load()
    assert [m.objects.count() for m in models] == counts
    assert "新建申请人与代理机构 0 个、专利申请 0 件" in " ".join(again)


def test_planted_records_reach_a_database_screened_before_them(
    db: Any, tmp_path: Path, settings: Any
) -> None:
    """A demo database whose full run predates the planted records gets them
    screened by an incremental run, so its cities see their groups too."""
    settings.MEDIA_ROOT = tmp_path / "media"
    core_demo.demo_load()
    enforcer = User.objects.get(username="province_enforcer")
    full = screening.screening_run_create(actor=enforcer, kind=RunKind.FULL)
    screening.screening_run_execute(full.pk)
    demo.demo_load()
    run = ScreeningRun.objects.filter(kind=RunKind.INCREMENTAL).latest("id")
    assert run.status == RunStatus.DONE
    assert _groups_of(demo_abnormal.FANCHENG.name) == {"420606": GroupKind.SPLIT_FILING}


def test_the_demo_university_sees_its_service_workstation_and_log(
    loaded: list[str], client: Any
) -> None:
    from iphub.protection.models import StationService

    university = User.objects.get(username="university_user")
    station = Workstation.objects.get(kind="university")
    assert station.host_id == university.organisation_id and station.scope
    logged = StationService.objects.filter(station=station)
    assert 3 <= logged.count() <= 4 and {e.recorded_by for e in logged} == {university}
    client.force_login(university)
    register = client.get("/protection/stations/").content.decode()
    assert station.name in register
    page = client.get(f"/protection/stations/{station.pk}/").content.decode()
    assert all(e.title in page for e in logged) and 'data-testid="service-form"' in page
    # It is not a protection workstation: the map's count leaves it out.
    assert (
        selectors.workstation_map()["total"]
        == Workstation.objects.filter(kind__in=("enterprise", "market", "park")).count()
    )
