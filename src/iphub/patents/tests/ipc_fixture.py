"""The IPC suggester for tests: trained once per session on a slice of the shared
CSV (the first ``ROWS`` rows, plus the IPC titles), into the test var dir. Import
``ipc_model`` into a test module to use it."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from iphub.patents.intelligence import ipc_suggest as ips

ROWS = 1200


# A trained model is kept between runs and shared by the two suites `make test` runs
# side by side, keyed by the code and data it was trained from: training is ~25 s of
# one core. The first suite to need it trains it under a lock; the other waits and
# copies it. A change to the suggester or the CSV makes a new key, so never a stale model.
CACHE = Path(__file__).resolve().parents[4] / "var" / "test-cache"


def _key(csv_path: Path) -> str:
    digest = hashlib.sha256(f"{ROWS}:{csv_path.stat().st_size}".encode())
    for source in sorted(Path(ips.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def ipc_model() -> Iterator[ips.IPCModel]:
    directory = Path(settings.IPC_MODEL_DIR)
    model = ips.get_model()
    if model is None or (model.info or {}).get("csv_rows") != ROWS:
        csv_path = Path(settings.SHARED_DATA_DIR) / "ipc_titles_5876.csv"
        cached = CACHE / f"ipc-{_key(csv_path)}"
        CACHE.mkdir(parents=True, exist_ok=True)
        with open(CACHE / "ipc.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (cached / "meta.json").exists():
                ips.build(csv_path=csv_path, directory=cached, limit=ROWS)
        shutil.rmtree(directory, ignore_errors=True)
        shutil.copytree(cached, directory)
        model = ips.get_model()
        assert model is not None
    yield model
