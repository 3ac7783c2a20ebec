"""The demo protection records of ``make run``: a campaign, workstations in several
districts, cases in several states in Wuhan and Yichang, assistance and
fast-track requests, and a finished 蓝天 run with flagged groups; loading twice
creates nothing new."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.core import demo as core_demo
from iphub.filings import demo as filings_demo
from iphub.protection import demo
from iphub.protection.models import (
    AssistanceRequest,
    AssistanceStatus,
    Campaign,
    Case,
    CaseState,
    FastTrackRequest,
    FlaggedGroup,
    RunKind,
    RunStatus,
    ScreeningRun,
    Workstation,
)
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
    assert decided.penalty_detail and decided.transitions.count() == 3
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
    # The demo enterprises' own (distinct) patents are not flagged as abnormal.
    flagged = {a for g in FlaggedGroup.objects.all() for a in g.applicants}
    assert not any("演示" in name for name in flagged)


def test_loading_twice_creates_nothing(loaded: list[str]) -> None:
    models = (Campaign, Workstation, Case, AssistanceRequest, FastTrackRequest, ScreeningRun)
    counts = [m.objects.count() for m in models]
    demo.demo_load()
    assert [m.objects.count() for m in models] == counts
