from pathlib import Path

from iphub.patents.management.commands.import_patents import Command as ImportCommand
from iphub.patents.models import ImportJob
from iphub.patents.progress import ProgressBar
from iphub.patents.services.updates import legal_status_file_apply


class Command(ImportCommand):
    """``import_patents`` for legal-status change files: same modes, progress and report."""

    help = (
        "导入法律状态变更文件（申请号、事件日期、事件类型）：追加事件、重算法律状态，"
        "只刷新涉及的专利；同一文件再次导入不会重复追加。用法：iphub import_updates 文件"
    )

    def apply(self, *, path: Path, mode: str, progress: ProgressBar) -> ImportJob:
        return legal_status_file_apply(actor=None, path=path, mode=mode, progress=progress)
