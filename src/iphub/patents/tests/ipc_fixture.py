"""The IPC suggester for tests: trained once per session on a slice of the shared
CSV (the first ``ROWS`` rows, plus the IPC titles), into the test var dir. Import
``ipc_model`` into a test module to use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from iphub.patents.intelligence import ipc_suggest as ips

ROWS = 1200


@pytest.fixture(scope="session")
def ipc_model() -> Iterator[ips.IPCModel]:
    directory = Path(settings.IPC_MODEL_DIR)
    model = ips.get_model()
    if model is None or (model.info or {}).get("csv_rows") != ROWS:
        csv_path = Path(settings.SHARED_DATA_DIR) / "ipc_titles_5876.csv"
        model = ips.build(csv_path=csv_path, directory=directory, limit=ROWS)
    yield model
