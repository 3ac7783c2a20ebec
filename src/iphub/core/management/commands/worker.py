"""``manage.py worker``: run background tasks from the durable queue.

django-tasks-db's ``db_worker`` loop with iphub's heartbeat, retries by policy,
dead-worker reaper, schedule and index follower (``iphub.core.worker``). Run one
or more per machine; Ctrl-C (SIGINT/SIGTERM) lets the running task finish, a
second one stops at once (the task is then failed or re-queued by the reaper).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string


class Command(BaseCommand):
    help = (
        "运行后台任务进程：从数据库队列领取并执行任务，同时发送心跳、回收失联任务、"
        "按时排定定时任务、同步检索索引。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue-name", default="default", help="要处理的队列，逗号分隔；* 表示全部。"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时两次查询的间隔（秒）。"
        )
        parser.add_argument("--batch", action="store_true", help="处理完当前排队的任务后退出。")
        parser.add_argument("--max-tasks", type=int, default=None, help="执行这么多个任务后退出。")
        parser.add_argument(
            "--worker-id", default="", help="进程编号（须在所有进程中唯一；默认随机）。"
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="不排定定时任务（由其他进程负责）。"
        )
        parser.add_argument("--no-index", action="store_true", help="不同步本机的检索索引。")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.tasks import task_backends
        from django_tasks_db import DatabaseBackend

        from iphub.core.worker import IphubWorker

        if not isinstance(task_backends["default"], DatabaseBackend):
            raise CommandError(
                "默认任务后端不是数据库队列（IPHUB_TASK_BACKEND），后台任务进程无事可做。"
            )
        if options["max_tasks"] is not None and options["max_tasks"] <= 0:
            raise CommandError("--max-tasks 必须是正整数。")
        level = logging.WARNING if options["verbosity"] == 0 else logging.INFO
        for name in ("django_tasks_db", "iphub.core"):
            log = logging.getLogger(name)
            log.setLevel(level)
            if not log.hasHandlers():
                log.addHandler(logging.StreamHandler(self.stdout))
        worker_id = options["worker_id"] or get_random_string(32)
        if len(worker_id) > 64:
            raise CommandError("--worker-id 不能超过 64 个字符。")
        worker = IphubWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
            schedule=not options["no_schedule"],
            follow_index=not options["no_index"],
        )
        worker.configure_signals()
        worker.run()
