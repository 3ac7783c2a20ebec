"""Test settings: the same as production code paths, with a throwaway var dir.

``DATABASE_URL`` chooses the database (``make test`` runs the suite once on
SQLite and once on PostgreSQL); passwords hash fast because tests log in often.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("IPHUB_VAR_DIR", tempfile.mkdtemp(prefix="iphub-test-"))

from iphub.settings import *  # noqa: F403
from iphub.settings import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEARCH_INDEX_DIR = Path(VAR_DIR) / "index"
MEDIA_ROOT = Path(VAR_DIR) / "media"
# Tasks run inline in tests, so a test sees the finished result of what it enqueued.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Rate limits off: the whole suite comes from one address. The limiter's own tests
# turn them on with small limits (core/tests/test_ratelimit.py).
RATELIMIT_ENABLED = False
# No index follower thread in the test process: tests drain the outbox when they
# mean to (core/tests/test_outbox.py); commits still drain it (INDEX_DRAIN_ON_COMMIT).
INDEX_FOLLOWER_ENABLED = False
# e5 runs neither after every import a test makes nor on a pasted paragraph (seconds
# of CPU each); the similar-patents tests store vectors themselves.
TRANSFER_EMBED_AFTER_IMPORT = False
SIMILAR_TEXT_EMBED = False
# The IPC suggester's fixture model is TF-IDF only (embedding its ~1,200 titles and
# ~6,000 IPC titles would take minutes); test_ipc_suggest turns e5 on for a small model.
IPC_SUGGEST_E5 = False

if not DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Commits do not wait for the WAL to reach the disk in the test database: a
    # crash loses the last commits of a database the suite throws away anyway, and
    # the transactional tests (races, imports, the live server) commit thousands
    # of times. Locking, isolation and constraints are unchanged.
    DATABASES["default"]["OPTIONS"]["options"] = "-c synchronous_commit=off"
    # The same engine, emptying tables between transactional tests by DELETE
    # (core/tests/pgflush explains why and what it measured).
    DATABASES["default"]["ENGINE"] = "iphub.core.tests.pgflush"
