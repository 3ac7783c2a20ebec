"""Real patent records for the demo, from ../shared/data (about 5,800 patents).

Imported with the same service as any upload, in skip-bad-rows mode; records
are keyed by application number (or publication number, or source id), so a
second ``make run`` updates rather than duplicates. Fields a source lacks stay
empty.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from iphub.patents.models import ImportJob
from iphub.patents.services import import_file

DEMO_FILES = [
    "patent_export_62col_sample.sql",
    "patent_30_with_claims.xlsx",
    "ccf2022_patents.jsonl",
    "patent_titles_4800.csv",
]


def demo_patents_load(*, data_dir: Path | None = None) -> list[ImportJob]:
    """Import every demo file that exists; returns the jobs."""
    base = Path(data_dir or settings.SHARED_DATA_DIR)
    jobs = []
    for name in DEMO_FILES:
        path = base / name
        # A file already imported is skipped, so `make run` is quick the second time.
        if path.exists() and not ImportJob.objects.filter(file_name=name, status="done").exists():
            jobs.append(import_file(actor=None, path=path))
    return jobs
