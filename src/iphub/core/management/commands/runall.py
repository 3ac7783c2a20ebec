"""``manage.py runall [addrport]``: the web server and a worker in one command.

What ``make run`` starts: ``runserver`` and ``worker`` as child processes of
this one, each in a process group of its own: Ctrl-C (or SIGTERM) reaches this
process, which passes it once to each child's whole group (runserver's
autoreloader runs the server in a grandchild), so the worker finishes its task
and stops on the first Ctrl-C and at once on a second, as it does alone. When
either child ends the other is stopped too: nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "同时启动网站（runserver）和后台任务进程（worker）；Ctrl-C 一并停止。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=1, help="后台任务进程的个数（默认 1）。")

    def handle(self, *args: Any, **options: Any) -> None:
        manage = [sys.executable, sys.argv[0]]
        children = [
            subprocess.Popen([*manage, "runserver", options["addrport"]], start_new_session=True)
        ]
        for i in range(max(1, options["workers"])):
            worker_id = f"runall-{os.getpid()}-{i}"
            children.append(
                subprocess.Popen(
                    [*manage, "worker", f"--worker-id={worker_id}"], start_new_session=True
                )
            )

        def signal_all(signum: int) -> None:
            for child in children:
                if child.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(child.pid, signum)

        def stop(signum: int, _frame: Any) -> None:
            signal_all(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            signal_all(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
