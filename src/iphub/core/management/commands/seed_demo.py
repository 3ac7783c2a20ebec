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
            from iphub.patents.indexing import index_in_step, reindex_all

            if not index_in_step():  # e.g. an index emptied by a schema upgrade
                self.stdout.write(f"检索索引与数据库不一致，已重建：{reindex_all()} 条")
        if apps.is_installed("iphub.navigation"):
            from iphub.navigation.services import chains_load

            self.stdout.write(f"专利导航：新建产业链 {chains_load()} 条")
        if apps.is_installed("iphub.supervision"):
            from iphub.supervision.services.plan import plan_load

            plan, loaded = plan_load()
            self.stdout.write(f"实施方案：{plan.document_number}{'已载入' if loaded else '已存在'}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for acc in accounts:
            self.stdout.write(f"  {acc.username:<22} {acc.note}")
