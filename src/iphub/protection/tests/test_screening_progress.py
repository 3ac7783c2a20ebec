"""The 蓝天 list page follows its latest run: queued and running runs show their
stage and records processed and poll; a finished run stops polling and reloads
the list; a run whose worker died says when it last moved instead of 进行中."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from iphub.core.models import User
from iphub.protection.models import RunStage, RunStatus, ScreeningRun
from iphub.protection.services.screening import screening_run_create, screening_run_execute
from iphub.protection.tests.conftest import login

pytestmark = pytest.mark.django_db
LIST = "/protection/screening/"


def _poll(run: ScreeningRun) -> str:
    return f'hx-get="/protection/screening/runs/{run.pk}/progress/"'


def test_a_queued_run_shows_on_the_list_and_polls(cast: dict[str, User], client: Any) -> None:
    run = screening_run_create(actor=cast["wuhan_enforcer"])
    page = login(client, cast["wuhan_enforcer"]).get(LIST).content.decode()
    assert 'data-job-state="queued"' in page and "排队中" in page and _poll(run) in page


def test_a_running_run_shows_its_stage_and_records_processed(
    cast: dict[str, User], client: Any
) -> None:
    run = screening_run_create(actor=cast["wuhan_enforcer"])
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        stage=RunStage.TEXT,
        processed=2000,
        total=8000,
        progressed_at=timezone.now(),
    )
    login(client, cast["wuhan_enforcer"])
    resp = client.get(f"/protection/screening/runs/{run.pk}/progress/", headers={"HX-Request": "1"})
    part = resp.content.decode()
    assert 'data-job-state="running"' in part and "计算文本指纹" in part
    assert "已处理 2000 / 8000" in part and "21%" in part  # 10 + 45 × 1/4
    assert _poll(run) in part and "HX-Refresh" not in resp


def test_a_finished_run_stops_polling_and_reloads_the_list(
    corpus: dict[int, int], cast: dict[str, User], client: Any
) -> None:
    run = screening_run_execute(screening_run_create(actor=cast["wuhan_enforcer"]).pk)
    assert run.stage == RunStage.STORE and run.processed == run.total and run.progressed_at
    login(client, cast["wuhan_enforcer"])
    resp = client.get(f"/protection/screening/runs/{run.pk}/progress/", headers={"HX-Request": "1"})
    part = resp.content.decode()
    assert 'data-job-state="done"' in part and "hx-get" not in part and "筛查 6 件" in part
    assert resp["HX-Refresh"] == "true"
    page = client.get(LIST).content.decode()
    assert 'data-job-state="done"' in page and _poll(run) not in page


def test_a_failed_run_says_why(cast: dict[str, User], client: Any) -> None:
    run = screening_run_create(actor=cast["wuhan_enforcer"])
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, message="筛查失败：磁盘已满", finished_at=timezone.now()
    )
    page = login(client, cast["wuhan_enforcer"]).get(LIST).content.decode()
    assert 'data-job-state="failed"' in page and "筛查失败：磁盘已满" in page
    assert _poll(run) not in page


def test_a_run_whose_worker_died_is_not_shown_running_forever(
    cast: dict[str, User], client: Any
) -> None:
    run = screening_run_create(actor=cast["wuhan_enforcer"])
    last = timezone.now() - dt.timedelta(minutes=30)
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, claimed_at=last, stage=RunStage.VERIFY, progressed_at=last
    )
    page = login(client, cast["wuhan_enforcer"]).get(LIST).content.decode()
    assert 'data-job-state="stalled"' in page and "进行中" not in page
    assert timezone.localtime(last).strftime("%Y-%m-%d %H:%M") in page
    assert "后台任务可能已中断" in page and _poll(run) not in page


def test_only_enforcement_staff_follow_a_run(cast: dict[str, User], client: Any) -> None:
    run = screening_run_create(actor=cast["wuhan_enforcer"])
    login(client, cast["wuhan_clerk"])
    assert client.get(f"/protection/screening/runs/{run.pk}/progress/").status_code == 403


def test_a_new_run_records_a_stalled_one_as_failed(cast: dict[str, User], client: Any) -> None:
    dead = screening_run_create(actor=cast["wuhan_enforcer"])
    last = timezone.now() - dt.timedelta(minutes=30)
    ScreeningRun.objects.filter(pk=dead.pk).update(
        status=RunStatus.RUNNING, claimed_at=last, stage=RunStage.TEXT, progressed_at=last
    )
    fresh = screening_run_create(actor=cast["wuhan_enforcer"])  # moving: not touched
    screening_run_create(actor=cast["wuhan_enforcer"])
    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "后台任务已中断" in dead.message
    assert fresh.status == RunStatus.PENDING
