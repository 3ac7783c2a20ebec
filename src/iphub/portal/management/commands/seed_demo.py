"""``manage.py seed_demo``: the living demo that ``make run`` serves.

Each app's ``demo.py`` exposes ``demo_load() -> list[str]``: it creates its demo
records through the app's services (so they are valid, audited and
region-scoped), creates nothing it already created, and returns the lines to
print. This command calls them in dependency order and prints their lines once.
It lives in portal, the top layer, because it calls every app; core imports no
app above it.

Background work runs inline. Services hand slow work (matching a need, a
navigation analysis, a 蓝天 screening run) to ``django.tasks``; the site's
durable queue would leave them for a worker, which may not be running yet, and a
step would read half-done results of the one before; switching the
``TASKS`` setting to Django's ImmediateBackend for the duration of the seed runs
every task to completion at the moment it is enqueued (after the enqueuing
transaction commits), so when a step returns its results are in the database
and when the command returns nothing is left running. The per-task log lines
(``Task id=… state=RUNNING``, at INFO, printed once by Django's console handler
and again by the root one) are silenced while seeding; failures still log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from iphub.core.demo import DEMO_PASSWORD, DemoAccount


@contextmanager
def inline_tasks() -> Iterator[None]:
    """Run every task enqueued inside the block to completion before ``enqueue`` returns."""
    logger = logging.getLogger("django.tasks")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with override_settings(
            TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
            # e5 over every imported record would take hours inline: queued after the seed.
            TRANSFER_EMBED_AFTER_IMPORT=False,
        ):
            yield
    finally:
        logger.setLevel(level)


def account_line(acc: DemoAccount) -> str:
    """One line per demo account: who it is and one thing to try, with its path."""
    return f"  {acc.username:<20} {acc.note:<16} 试试：{acc.try_this}  {acc.path}"


class Command(BaseCommand):
    help = (
        "载入演示数据（各角色账号、专利、知慧桥、备案、保护、导航、督导、金融）；"
        "可重复运行，不会重复创建。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--small",
            action="store_true",
            help="只导入少量专利记录（测试用，全部演示流程仍会运行）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from iphub.brands import demo as brands_demo
        from iphub.brokerage import demo as brokerage_demo
        from iphub.core import demo as core_demo
        from iphub.enterprises import demo as enterprises_demo
        from iphub.filings import demo as filings_demo
        from iphub.finance import demo as finance_demo
        from iphub.navigation import demo as navigation_demo
        from iphub.network import demo as network_demo
        from iphub.overseas import demo as overseas_demo
        from iphub.patents import demo as patents_demo
        from iphub.policies import demo as policies_demo
        from iphub.programmes import demo as programmes_demo
        from iphub.protection import demo as protection_demo
        from iphub.supervision import demo as supervision_demo
        from iphub.supervision.services.plan import plan_load
        from iphub.training import demo as training_demo
        from iphub.transfer import demo as transfer_demo

        def supervision_load() -> list[str]:
            plan, loaded = plan_load()
            line = f"实施方案：{plan.document_number}{'已载入' if loaded else '已存在'}"
            return [line, *supervision_demo.demo_load()]

        steps = [
            ("账号", core_demo.demo_load),
            ("专利", lambda: patents_demo.demo_load(small=options["small"])),
            ("知慧桥", transfer_demo.demo_load),
            ("备案", filings_demo.demo_load),
            ("保护", protection_demo.demo_load),
            ("导航", navigation_demo.demo_load),
            ("督导", supervision_load),
            ("金融", finance_demo.demo_load),
            ("培育", programmes_demo.demo_load),
            ("品牌", brands_demo.demo_load),
            ("海外", overseas_demo.demo_load),
            ("培训", training_demo.demo_load),
            ("政策库", policies_demo.demo_load),
            ("服务网络", network_demo.demo_load),
            ("画像", enterprises_demo.demo_load),
            # last: its firm profiles are built from every organisation and patent above
            ("专利推送与揭榜", brokerage_demo.demo_load),
        ]
        from django.core.management import call_command

        from iphub.transfer.receivers import embed_corpus_enqueue

        # The IPC suggester first: imports and needs ask it (issue 20).
        build = [
            "build_ipc_model",
            "--if-missing",
            *(["--limit", "1500"] if options["small"] else []),
        ]
        call_command(*build, stdout=self.stdout)
        with inline_tasks():
            for label, load in steps:
                for line in load():
                    self.stdout.write(f"[{label}] {line}")
        self.stdout.write(f"[知慧桥] {embed_corpus_enqueue()}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for acc in core_demo.DEMO_ACCOUNTS:
            self.stdout.write(account_line(acc))
