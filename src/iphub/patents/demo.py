"""Real patent records for the demo, from ../shared/data (about 11,700 patents).

Imported with the same service as any upload, in skip-bad-rows mode; records
are keyed by application number (or publication number, or source id), so a
second ``make run`` updates rather than duplicates. Fields a source lacks stay
empty: ``ipc_titles_5876.csv`` brings publication numbers and IPC subclasses
(no applicants), ``patent_titles_4800.csv`` applicants and dates (no numbers).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.conf import settings

from iphub.patents.models import ImportJob, JobStatus
from iphub.patents.services import import_file

DEMO_FILES = [
    "patent_export_62col_sample.sql",
    "patent_30_with_claims.xlsx",
    "ccf2022_patents.jsonl",
    "patent_titles_4800.csv",
    "ipc_titles_5876.csv",
]

# The small demo (tests) keeps the records the other apps' demos use (Hubei
# applicants, battery subclasses) and a slice of the rest of each line file.
SMALL_KEEP = re.compile(r"武汉|宜昌|襄阳|华中|三峡|湖北|H01M")
SMALL_HEAD = 150


def _small_copy(src: Path, dest_dir: Path) -> Path:
    """A copy of a line-per-record file keeping the header, the first rows and the kept ones."""
    if src.suffix not in (".csv", ".jsonl"):
        return src
    dest = dest_dir / src.name
    with src.open(encoding="utf-8") as fin, dest.open("w", encoding="utf-8") as fout:
        for i, line in enumerate(fin):
            if i <= SMALL_HEAD or SMALL_KEEP.search(line):
                fout.write(line)
    return dest


def demo_patents_load(*, data_dir: Path | None = None, small: bool = False) -> list[ImportJob]:
    """Import every demo file that exists and is not imported yet; returns the jobs.

    ``small`` imports a subset of the two large files (see ``SMALL_KEEP``)."""
    base = Path(data_dir or settings.SHARED_DATA_DIR)
    jobs = []
    with tempfile.TemporaryDirectory(prefix="iphub-demo-") as tmp:
        for name in DEMO_FILES:
            path = base / name
            # A file already imported is skipped, so `make run` is quick the second time.
            if (
                path.exists()
                and not ImportJob.objects.filter(file_name=name, status="done").exists()
            ):
                source = _small_copy(path, Path(tmp)) if small else path
                jobs.append(import_file(actor=None, path=source))
    return jobs


def demo_load(*, small: bool = False) -> list[str]:
    """Import the demo patents and bring the search index in step; returns what happened."""
    from iphub.patents.indexing import index_in_step, reindex_all
    from iphub.patents.models import Patent

    lines = [f"{job.file_name}：{job.message}" for job in demo_patents_load(small=small)]
    if demo_saved_search():
        lines.append(f"保存的检索：{DEMO_WATCHER} 关注“数据”，法律状态变更导入后有提醒")
    change_job = demo_change_file_apply()
    if change_job is not None:
        lines.append(f"{change_job.file_name}：{change_job.message}")
    graded = demo_grades_fill()
    if graded:
        lines.append(f"价值分级：补算 {graded} 件")
    if not index_in_step():  # e.g. an index emptied by a schema upgrade
        lines.append(f"检索索引与数据库不一致，已重建：{reindex_all()} 条")
    lines.append(f"专利共 {Patent.objects.count()} 件")
    lines.append(
        "试试（价值分级）：检索页按“价值分（高→低）”排序并用“价值等级”分面，点进一件专利读"
        "“为什么是 A/B/C/D”；权重表 /patents/grade/method/（province_supervisor 可改）  "
        "/patents/?q=PA%3D%E5%8D%8E%E4%B8%AD%E7%A7%91%E6%8A%80%E5%A4%A7%E5%AD%A6&sort=grade_desc"
    )
    return lines


DEMO_WATCHER = "enterprise_user"


def demo_saved_search(username: str = DEMO_WATCHER) -> bool:
    """The demo enterprise watches a field with a saved search, made before the
    example change file is applied so that its records raise an alert (the saved
    search page would otherwise open empty). Returns whether it was made now."""
    from iphub.core.models import User
    from iphub.patents.models import SavedSearch
    from iphub.patents.services import saved_search_create

    user = User.objects.filter(username=username).first()
    if user is None or SavedSearch.objects.filter(user=user).exists():
        return False
    # The example file's new events are examinations of data-processing inventions.
    saved_search_create(user=user, name="数据处理", query="数据")
    return True


def demo_grades_fill() -> int:
    """Grade the records that have no grade yet (a database from before the value
    grade, issue 20); new imports are graded as they are written. Returns how many."""
    from iphub.patents.intelligence.grading import grades_compute
    from iphub.patents.models import Patent

    ids = list(Patent.objects.filter(grade=None).values_list("pk", flat=True))
    return grades_compute(ids)["graded"] if ids else 0


def demo_change_file_apply() -> ImportJob | None:
    """Apply the example legal-status change file once (``change_example``: the
    demo source's own dated facts), so the import page shows a finished change-file
    job with its report. ``None`` when one is applied already or there are no rows."""
    from iphub.core.exports import write_csv
    from iphub.patents.change_example import EXAMPLE_NAME, HEADERS, change_file_example_rows
    from iphub.patents.services.updates import JOB_KIND, legal_status_file_apply

    name = f"{EXAMPLE_NAME}.csv"
    done = ImportJob.objects.filter(file_name=name, status=JobStatus.DONE, report__kind=JOB_KIND)
    rows = change_file_example_rows()
    if not rows or done.exists():
        return None
    # Kept under var/imports, as an upload is, so the job's file stays readable.
    path = Path(settings.VAR_DIR) / "imports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_csv(fh, HEADERS, rows)
    return legal_status_file_apply(actor=None, path=path)
