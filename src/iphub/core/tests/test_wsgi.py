"""Loading the web application readies every page before the first request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_loading_the_wsgi_application_imports_every_url_module(tmp_path: Path) -> None:
    # A gunicorn worker loads ``iphub.wsgi``; if the URL modules (each app's
    # views and API) were left to the first request, that user would wait
    # seconds for the imports. A fresh interpreter shows what loading does.
    probe = (
        "import sys, iphub.wsgi; "
        "print(all(m in sys.modules for m in "
        "('iphub.urls', 'iphub.api', 'iphub.filings.api', 'iphub.transfer.views')))"
    )
    env = {**os.environ, "IPHUB_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "iphub.settings"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "True"
