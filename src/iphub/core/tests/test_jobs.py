"""The shared job-progress partial: what each state shows, that it polls only while
a job is queued or running, that a finished job reloads its page, and that a job
queued or running without progress for too long says so instead of polling on.
Also the pages that use it through ``{% job_progress %}``: an import, an analysis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from iphub.core.jobs import JobProgress, JobState, job_progress_response, job_state
from iphub.core.models import User
from iphub.patents.models import ImportJob, ImportMode, JobStatus


def _job(state: JobState, **extra: Any) -> JobProgress:
    return JobProgress(key="k", title="测试任务", state=state, poll_url="/poll/", **extra)


def _render(job: JobProgress) -> str:
    return Template('{% include "core/_job_progress.html" %}').render(Context({"job": job}))


def test_status_words_of_every_job_row_map_onto_the_shared_states() -> None:
    assert job_state("pending") == job_state("queued") == JobState.QUEUED
    assert job_state("running") == JobState.RUNNING
    assert job_state("done") == JobState.DONE
    assert job_state("failed") == job_state("rejected") == JobState.FAILED
    old = timezone.now() - dt.timedelta(minutes=11)
    assert job_state("running", last_progress_at=old) == JobState.STALLED
    assert job_state("pending", last_progress_at=old) == JobState.STALLED
    assert job_state("done", last_progress_at=old) == JobState.DONE
    assert job_state("running", last_progress_at=timezone.now()) == JobState.RUNNING


@pytest.mark.parametrize(
    ("state", "polls", "words"),
    [
        (JobState.QUEUED, True, "排队中"),
        (JobState.RUNNING, True, "进行中"),
        (JobState.DONE, False, "已完成"),
        (JobState.FAILED, False, "失败"),
        (JobState.STALLED, False, "长时间无进展"),
    ],
)
def test_the_partial_polls_only_while_there_is_something_to_wait_for(
    state: JobState, polls: bool, words: str
) -> None:
    html = _render(_job(state, last_progress_at=timezone.now()))
    assert f'data-job-state="{state}"' in html and words in html
    assert ('hx-get="/poll/"' in html) is polls
    assert ("<progress" in html) is polls


def test_a_running_job_shows_stage_counts_and_percent_a_failed_one_its_reason() -> None:
    html = _render(_job(JobState.RUNNING, percent=40, done=400, total=1000, stage="比对文本"))
    assert 'value="40"' in html and "40%" in html and "比对文本" in html
    assert "已处理 400 / 1000" in html
    html = _render(_job(JobState.FAILED, message="文件无法读取：第 3 行编码错误"))
    assert 'class="error"' in html and "文件无法读取：第 3 行编码错误" in html
    # Unknown progress: an indeterminate bar (no value), not a made-up 0 %.
    assert 'value="' not in _render(_job(JobState.RUNNING)).split("<progress")[1].split(">")[0]


def test_a_finished_job_reloads_the_page_when_polled_and_only_then() -> None:
    rf = RequestFactory()
    polled = rf.get("/poll/", headers={"HX-Request": "true"})
    assert job_progress_response(polled, _job(JobState.DONE))["HX-Refresh"] == "true"
    assert "HX-Refresh" not in job_progress_response(polled, _job(JobState.RUNNING))
    assert "HX-Refresh" not in job_progress_response(rf.get("/poll/"), _job(JobState.DONE))
    kept = _job(JobState.DONE, refresh_when_done=False)
    assert "HX-Refresh" not in job_progress_response(polled, kept)


@pytest.mark.django_db
def test_an_import_page_polls_while_it_runs_and_shows_its_report_when_done(
    client: Any, cast: dict[str, User]
) -> None:
    job = ImportJob.objects.create(
        file_name="a.csv",
        file_path="/nowhere/a.csv",
        mode=ImportMode.SKIP_BAD,
        status=JobStatus.RUNNING,
        expected_rows=200,
        processed_rows=50,
        started_by=cast["wuhan_clerk"],
    )
    client.force_login(cast["wuhan_clerk"])
    page = client.get(f"/patents/imports/{job.pk}/").content.decode()
    assert f'hx-get="/patents/imports/{job.pk}/progress/"' in page
    assert "已处理 50 / 200" in page and "25%" in page
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.REJECTED,
        message="有 1 行错误，未导入任何记录。",
        report={"bad_rows": [{"line": 3, "errors": [{"field": "申请日", "message": "日期无效"}]}]},
    )
    part = client.get(f"/patents/imports/{job.pk}/progress/").content.decode()
    assert 'data-job-state="failed"' in part and "有错误，未导入" in part
    assert "hx-get" not in part and 'data-testid="bad-rows"' in part and "日期无效" in part


@pytest.mark.django_db
def test_an_import_queued_and_never_started_is_shown_stalled(
    client: Any, cast: dict[str, User]
) -> None:
    job = ImportJob.objects.create(
        file_name="a.csv", file_path="/nowhere/a.csv", mode=ImportMode.SKIP_BAD
    )
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    client.force_login(cast["wuhan_clerk"])
    part = client.get(f"/patents/imports/{job.pk}/progress/").content.decode()
    assert 'data-job-state="stalled"' in part and "后台任务可能已中断" in part
    assert "hx-get" not in part
