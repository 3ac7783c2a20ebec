import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iphub.supervision.selectors import today_local
from iphub.supervision.services.reminders import reminders_send


class Command(BaseCommand):
    help = "向未报送当月工作月报的市（州）督导人员发送提醒（截止日前3个工作日起；逾期另行通知）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["today"]) if options["today"] else today_local()
        sent = reminders_send(today=today)
        self.stdout.write(f"{today}：新发送提醒 {len(sent)} 条")
