"""The schedule (core.schedule): each periodic duty is enqueued by itself once per
period, also with two schedulers racing (a real race on PostgreSQL), runs, and
administrators read its last run, result and next run on /system/background/."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.tasks import task
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from iphub.conftest import at_once
from iphub.core.models import ScheduledRun, User
from iphub.core.schedule import DUTIES, Duty, duty_by_name, schedule_tick

pytestmark = pytest.mark.django_db(transaction=True)

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BEIJING = ZoneInfo("Asia/Shanghai")


def _at(hour: int, minute: int = 0, day: int = 5) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, 30, tzinfo=BEIJING)


def test_every_periodic_duty_of_the_platform_is_on_the_schedule() -> None:
    names = {d.name for d in DUTIES}
    assert {
        "escalate_filings",
        "expire_needs",
        "supervision_remind",
        "navigation_snapshot",
        "embed_patents",
        "audit_seal",
    } <= names


def test_periods_and_next_runs_in_beijing_time() -> None:
    daily = duty_by_name("supervision_remind")  # 08:00
    assert daily.period(_at(7, 59)) is None
    assert daily.period(_at(8, 0)) == "2026-12-05"
    assert daily.next_run(_at(7), ran_this_period=False) == _at(8).replace(second=0)
    assert daily.next_run(_at(9), ran_this_period=True) == _at(8, day=6).replace(second=0)
    minute = duty_by_name("audit_seal")
    assert minute.period(_at(13, 7)) == "2026-12-05T13:07"
    assert duty_by_name("escalate_filings").period(_at(13, 7)) == "2026-12-05T13"


@override_settings(TASKS=DB_QUEUE)
def test_a_due_duty_is_enqueued_once_per_period() -> None:
    hourly = [duty_by_name("escalate_filings")]
    first = schedule_tick(now=_at(10, 1), claimed_by="w1", duties=hourly)
    again = schedule_tick(now=_at(10, 59), claimed_by="w2", duties=hourly)
    later = schedule_tick(now=_at(11, 0), claimed_by="w2", duties=hourly)

    assert [r.period for r in first] == ["2026-12-05T10"] and again == []
    assert [r.period for r in later] == ["2026-12-05T11"]
    tasks = DBTaskResult.objects.filter(task_path="iphub.core.tasks.run_scheduled_duty")
    assert sorted(t.args_kwargs["args"][1] for t in tasks) == ["2026-12-05T10", "2026-12-05T11"]
    # The unique pair is what makes it once: a second row for a period is refused.
    with pytest.raises(IntegrityError):
        ScheduledRun.objects.create(duty="escalate_filings", period="2026-12-05T10")


@override_settings(TASKS=DB_QUEUE)
def test_two_schedulers_racing_enqueue_each_duty_once_per_period() -> None:
    for minute in range(3):
        now = _at(9, minute)
        results = at_once(
            lambda now=now: schedule_tick(now=now, claimed_by="a"),  # type: ignore[misc]
            lambda now=now: schedule_tick(now=now, claimed_by="b"),  # type: ignore[misc]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
    runs = list(ScheduledRun.objects.values_list("duty", "period"))
    assert len(runs) == len(set(runs))
    assert sorted(p for d, p in runs if d == "audit_seal") == [
        "2026-12-05T09:00",
        "2026-12-05T09:01",
        "2026-12-05T09:02",
    ]
    due_daily = [d.name for d in DUTIES if d.every == "day" and d.period(_at(9)) is not None]
    assert sorted(d for d, _ in runs if d in due_daily) == sorted(due_daily)
    # One task per claimed run, no more.
    assert DBTaskResult.objects.count() == len(runs)


@override_settings(TASKS=DB_QUEUE)
def test_a_scheduled_duty_runs_and_its_result_shows_to_administrators(client: Client) -> None:
    """A worker runs what the tick enqueued; the page lists every duty with its
    last run and result, and is for administrators only."""
    from iphub.core.tests.test_queue import _worker

    runs = schedule_tick(now=_at(9), claimed_by="w", duties=[duty_by_name("audit_seal")])
    assert len(runs) == 1
    _worker().run()
    admin = User.objects.create_user("sysop", password="x", is_staff=True)
    client.force_login(admin)
    page = client.get("/system/background/").content.decode()
    assert "定时任务" in page and "审计日志链入哈希链" in page and "月报到期提醒" in page
    assert "已完成" in page and "链入审计记录 0 条" in page  # the duty's result
    assert "尚未运行" in page  # duties that have not run yet say so
    assert "运行中" not in page and "已停止或失联" in page  # the test worker has stopped
    someone = User.objects.create_user("plain", password="x")
    client.force_login(someone)
    assert client.get("/system/background/").status_code == 403


def test_a_duty_that_fails_is_shown_failed_with_the_reason(client: Client) -> None:
    def broken() -> str:
        raise RuntimeError("数据库维护中")

    duty = Duty("audit_seal", "审计日志链入哈希链", "minute", broken)
    with override_settings(TASKS=DB_QUEUE):
        schedule_tick(now=_at(9), duties=[duty])
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="FAILED", traceback="Traceback...\nRuntimeError: 数据库维护中"
    )
    client.force_login(User.objects.create_user("sysop", password="x", is_staff=True))
    page = client.get("/system/background/").content.decode()
    assert "失败" in page and "RuntimeError: 数据库维护中" in page


@task()
def clerk_work(text: str) -> str:
    """Stands for a clerk's import or export: work a user waits for."""
    return text


@override_settings(TASKS=DB_QUEUE)
def test_a_clerks_task_is_run_before_the_duties_queued_ahead_of_it() -> None:
    from iphub.core.worker import IphubWorker

    duties = schedule_tick(now=_at(10, 1), claimed_by="w1")
    assert len(duties) >= 2
    mine = clerk_work.enqueue("导入")

    IphubWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=1, worker_id="w-prio", excluded_queue_names=[],
        schedule=False,
        follow_index=False,
    ).run()  # fmt: skip

    assert DBTaskResult.objects.get(pk=mine.id).status == "SUCCESSFUL"
    waiting = DBTaskResult.objects.filter(pk__in=[r.task_id for r in duties])
    assert {r.status for r in waiting} == {"READY"}
