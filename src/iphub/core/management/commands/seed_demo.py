from typing import Any

from django.core.management.base import BaseCommand

from iphub.core.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "载入演示数据（行政区划、演示组织、各角色账号）；可重复运行，不会重复创建。"

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_load()
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for acc in accounts:
            self.stdout.write(f"  {acc.username:<22} {acc.note}")
