"""gunicorn settings for an iphub web node (``gunicorn -c deploy/gunicorn.conf.py``).

The unit (``deploy/systemd/iphub-web@.service``) sets ``IPHUB_BIND`` and
``PROMETHEUS_MULTIPROC_DIR``; everything else has a default fit for a 2-8 core node.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

wsgi_app = "iphub.wsgi:application"
bind = os.environ.get("IPHUB_BIND", "127.0.0.1:8001")
# Processes, not threads: search and reports are CPU work under the GIL.
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * (os.cpu_count() or 1) + 1, 9))))
# Import the URL configuration once in the master and fork (iphub/wsgi.py).
preload_app = True
timeout = int(os.environ.get("IPHUB_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never becomes an outage.
max_requests = 5000
max_requests_jitter = 500
# Django writes one JSON access line per request with its request id
# (core.observability); gunicorn's own access log would say it twice.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("IPHUB_GUNICORN_LOGLEVEL", "info")
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = f"iphub-web-{bind.rsplit(':', 1)[-1]}"


def on_starting(server: Any) -> None:
    """Empty the metrics directory: samples of a previous run must not be summed in."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that ended hands back its live gauges (prometheus-client multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
