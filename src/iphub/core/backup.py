"""Backup and restore: the database, uploaded files and the non-secret settings,
in one dated directory with a manifest of SHA-256 sums.

A backup is a directory ``iphub-<UTC time>`` holding

- ``database.dump`` (PostgreSQL: ``pg_dump`` custom format) or
  ``database.sqlite3`` (SQLite: the online backup API, a consistent copy of a
  live database);
- ``files/media/…`` (``MEDIA_ROOT``: filing materials, evidence, reports) and
  ``files/var/<dir>/…`` for the upload and result directories under
  ``IPHUB_VAR_DIR`` (``FILE_DIRS``: import uploads and reports, export files);
- ``config/settings.json``: the settings a restored node must match (time
  zone, paths, task backend, …) and the names of the secrets it needs, never
  their values (the secret key, the field key, database passwords are kept by
  the operator; see docs/operations.md);
- ``counts.json``: rows per table, read in the dump's own snapshot;
- ``manifest.json`` and ``SHA256SUMS`` (``sha256sum -c`` reads it): every
  file's size and SHA-256.

Consistency. On PostgreSQL the counts are read in a REPEATABLE READ
transaction whose snapshot ``pg_dump --snapshot`` reuses, so the counts are
the dump's. On SQLite they are read from the copy. Files are copied after the
database, so every file the dumped rows name is there (unless deleted in the
seconds between). The directory is written under a ``.partial`` name and
renamed at the end: a backup that exists is complete.

The search index, the navigation snapshot and other derived data are not
backed up: ``restore`` rebuilds the index from the restored database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

FORMAT = 1
PREFIX = "iphub-"
# Directories under IPHUB_VAR_DIR that hold uploads or results users come back for.
FILE_DIRS = ("imports", "exports")
# Settings recorded in config/settings.json (none of them secret).
CONFIG_SETTINGS = (
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "ALLOWED_HOSTS",
    "DEBUG",
    "HTTPS",
    "IPHUB_CUTOFF_HOUR",
    "MEDIA_ROOT",
    "VAR_DIR",
    "SEARCH_INDEX_DIR",
    "STATIC_ROOT",
    "TASKS",
    "REDIS_URL",
    "ACCEL_REDIRECT",
    "AUDIT_RETENTION_DAYS",
)
# Environment variables whose values are secrets: named in the backup, never copied.
SECRET_ENV = ("IPHUB_SECRET_KEY", "IPHUB_FIELD_KEY", "IPHUB_METRICS_TOKEN", "DATABASE_URL")
Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def _noop(message: str) -> None:
    pass


# --- checksums ------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tree_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``, by path relative to it (``/``-separated)."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


# --- what the database holds ------------------------------------------------------


def table_counts(cursor: Any = None) -> dict[str, int]:
    """Rows in every table of the default database, by table name."""
    own = cursor is None
    cur = cursor or connection.cursor()
    try:
        names = sorted(connection.introspection.table_names(cur))
        counts: dict[str, int] = {}
        for name in names:
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = int(cur.fetchone()[0])
        return counts
    finally:
        if own:
            cur.close()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for the default database (password by env)."""
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            f"{cmd[0]} 失败（退出码 {done.returncode}）：{done.stderr.strip()[:2000]}"
        )


def _dump_postgresql(target: Path) -> dict[str, int]:
    args, env = _pg_env()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        counts = table_counts(cur)
        # The dump reads the same snapshot while this transaction holds it open.
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
            ],
            env,
        )
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        names = [
            r[0]
            for r in copy.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            n: int(copy.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in sorted(names)
        }
    finally:
        copy.close()


# --- files and settings -----------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """Backup-relative name -> directory on this node, for every file directory."""
    roots = {"media": Path(settings.MEDIA_ROOT)}
    for name in FILE_DIRS:
        roots[f"var/{name}"] = Path(settings.VAR_DIR) / name
    return roots


def _config() -> dict[str, Any]:
    values = {name: getattr(settings, name, None) for name in CONFIG_SETTINGS}
    db = settings.DATABASES["default"]
    values["DATABASE"] = {k: db.get(k) for k in ("ENGINE", "HOST", "PORT", "NAME", "USER")}
    values["REDIS_URL"] = "<set>" if settings.REDIS_URL else ""
    env = {
        k: ("<secret: set, not copied>" if k in SECRET_ENV else v)
        for k, v in sorted(os.environ.items())
        if k.startswith("IPHUB_") or k in SECRET_ENV
    }
    return {
        "settings": json.loads(json.dumps(values, default=str)),
        "environment": env,
        "secrets_not_in_backup": list(SECRET_ENV),
    }


# --- backup ---------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    vendor: str
    tables: int
    rows: int
    files: int
    bytes: int
    pruned: list[Path] = field(default_factory=list)


def backup_create(*, dest: Path, now: dt.datetime | None = None, say: Say = _noop) -> BackupResult:
    """Write a complete, checksummed backup directory under ``dest`` and return it."""
    now = now or dt.datetime.now(dt.UTC)
    name = PREFIX + now.strftime("%Y%m%dT%H%M%SZ")
    dest.mkdir(parents=True, exist_ok=True)
    final = dest / name
    if final.exists():
        raise BackupError(f"备份目录 {final} 已存在。")
    work = dest / f".{name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    vendor = connection.vendor
    say(f"数据库（{vendor}）…")
    if vendor == "postgresql":
        db_file = "database.dump"
        counts = _dump_postgresql(work / db_file)
    elif vendor == "sqlite":
        db_file = "database.sqlite3"
        counts = _dump_sqlite(work / db_file)
    else:  # pragma: no cover - the project runs on these two only
        raise BackupError(f"不支持的数据库：{vendor}")
    say("上传文件…")
    for rel, root in file_roots().items():
        if root.exists():
            shutil.copytree(root, work / "files" / rel, symlinks=False)
    (work / "config").mkdir()
    (work / "config" / "settings.json").write_text(
        json.dumps(_config(), ensure_ascii=False, indent=2), "utf-8"
    )
    (work / "counts.json").write_text(json.dumps(counts, indent=2, sort_keys=True), "utf-8")
    say("校验和…")
    hashes = tree_hashes(work)
    sizes = {rel: (work / rel).stat().st_size for rel in hashes}
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "vendor": vendor,
        "database_file": db_file,
        "file_roots": sorted(file_roots()),
        "files": {rel: {"sha256": h, "size": sizes[rel]} for rel, h in hashes.items()},
    }
    (work / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    # sha256sum's format, so that an operator can check a copy without iphub.
    (work / "SHA256SUMS").write_text(
        "".join(f"{h}  {rel}\n" for rel, h in hashes.items())
        + f"{sha256_file(work / 'manifest.json')}  manifest.json\n",
        "utf-8",
    )
    os.replace(work, final)
    return BackupResult(
        path=final,
        vendor=vendor,
        tables=len(counts),
        rows=sum(counts.values()),
        files=sum(1 for rel in hashes if rel.startswith("files/")),
        bytes=sum(sizes.values()),
    )


# --- retention --------------------------------------------------------------------


def _stamp(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(path.name.removeprefix(PREFIX), "%Y%m%dT%H%M%SZ").replace(
            tzinfo=dt.UTC
        )
    except ValueError:
        return None


def retention_plan(
    paths: Iterable[Path], *, keep_daily: int, keep_weekly: int
) -> tuple[list[Path], list[Path]]:
    """(kept, to delete): the newest backup of each of the ``keep_daily`` most recent
    days that have one, and of each of the ``keep_weekly`` most recent ISO weeks."""
    dated = sorted(((s, p) for p in paths if (s := _stamp(p)) is not None), reverse=True)
    keep: set[Path] = set()
    days: set[dt.date] = set()
    weeks: set[tuple[int, int]] = set()
    for stamp, path in dated:
        day, week = stamp.date(), stamp.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(path)
    kept = [p for _, p in dated if p in keep]
    return kept, [p for _, p in dated if p not in keep]


def backup_prune(*, dest: Path, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Delete the backups under ``dest`` that the retention plan does not keep."""
    candidates = [p for p in dest.glob(PREFIX + "*") if p.is_dir()]
    _, drop = retention_plan(candidates, keep_daily=keep_daily, keep_weekly=keep_weekly)
    for path in drop:
        shutil.rmtree(path)
    return drop


# --- restore ----------------------------------------------------------------------


def backup_verify(path: Path) -> dict[str, Any]:
    """The manifest of the backup at ``path`` once every file matches its SHA-256;
    raises :class:`BackupError` naming the first file that is missing or differs."""
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"{path} 不是 iphub 备份（缺少 manifest.json）。")
    sums = path / "SHA256SUMS"
    if sums.is_file():
        recorded: dict[str, str] = {}
        for line in sums.read_text("utf-8").splitlines():
            digest, _, rel = line.partition("  ")
            recorded[rel] = digest
        if recorded.get("manifest.json") != sha256_file(manifest_path):
            raise BackupError("manifest.json 的校验和不符：备份已被改动或损坏。")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text("utf-8"))
    for rel, entry in manifest["files"].items():
        target = path / rel
        if not target.is_file():
            raise BackupError(f"备份缺少文件：{rel}")
        if sha256_file(target) != entry["sha256"]:
            raise BackupError(f"文件校验和不符：{rel}（备份已损坏，请换用另一份备份）。")
    return manifest


def database_is_empty() -> bool:
    """Whether the default database has no tables at all (a new database)."""
    with connection.cursor() as cur:
        return not connection.introspection.table_names(cur)


def database_wipe() -> None:
    """Drop every table of the default database (``restore --replace``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE")
            cur.execute("CREATE SCHEMA public")
    else:
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys = OFF")
            for name in connection.introspection.table_names(cur):
                cur.execute(f'DROP TABLE IF EXISTS "{name}"')
    connection.close()


def _load_postgresql(dump: Path) -> None:
    args, env = _pg_env()
    connections.close_all()
    _run(
        [
            "pg_restore",
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            str(dump),
        ],
        env,
    )


def _load_sqlite(copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        # Page by page into the live database: the file or the in-memory test database.
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


@dataclass
class RestoreResult:
    path: Path
    tables: int
    rows: int
    files: int
    mismatched_tables: dict[str, tuple[int, int]]
    indexed: int | None


def backup_restore(
    *,
    path: Path,
    replace: bool = False,
    reindex: Callable[[], int] | None = None,
    say: Say = _noop,
) -> RestoreResult:
    """Verify the backup at ``path``, load its database into the (empty, or with
    ``replace`` emptied) default database, put its files back, compare the row
    counts, and rebuild the search index with ``reindex``."""
    say("校验备份…")
    manifest = backup_verify(path)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"这是 {manifest['vendor']} 数据库的备份，当前数据库是 {connection.vendor}。"
        )
    if not database_is_empty():
        if not replace:
            raise BackupError(
                "目标数据库不是空的。请恢复到新建的空数据库，或确认要覆盖现有数据后加 --replace。"
            )
        say("清空目标数据库…")
        database_wipe()
    say("载入数据库…")
    db_file = path / manifest["database_file"]
    if manifest["vendor"] == "postgresql":
        _load_postgresql(db_file)
    else:
        _load_sqlite(db_file)
    say("恢复文件…")
    restored = 0
    for rel, root in file_roots().items():
        source = path / "files" / rel
        if replace and root.exists():
            shutil.rmtree(root)
        if source.exists():
            shutil.copytree(source, root, dirs_exist_ok=True)
            restored += sum(1 for p in source.rglob("*") if p.is_file())
    expected: dict[str, int] = json.loads((path / "counts.json").read_text("utf-8"))
    actual = table_counts()
    mismatched = {t: (n, actual.get(t, -1)) for t, n in expected.items() if actual.get(t, -1) != n}
    indexed = None
    if reindex is not None:
        say("重建检索索引…")
        indexed = reindex()
    return RestoreResult(
        path=path,
        tables=len(actual),
        rows=sum(actual.values()),
        files=restored,
        mismatched_tables=mismatched,
        indexed=indexed,
    )
