from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from iphub.core.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "载入演示数据（行政区划、演示组织、各角色账号）；可重复运行，不会重复创建。"

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_load()
        if apps.is_installed("iphub.patents"):
            from iphub.patents.demo import demo_patents_load

            for job in demo_patents_load():
                self.stdout.write(f"专利数据 {job.file_name}：{job.message}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for acc in accounts:
            self.stdout.write(f"  {acc.username:<22} {acc.note}")
