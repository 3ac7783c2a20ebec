"""International Patent Classification (IPC 2026.01) codes: normalisation, validation, titles.

The table is ``ipc_2026_01_zh.tsv`` (columns ``code, level, title_zh``; codes written
without spaces, e.g. ``H01M10/0525``). It is loaded lazily, once per process, because most
callers (CLI, upload page) need it only when they actually see a code.

Codes in the wild come as ``H01M 10/0525``, ``H01M10/0525``, full-width, with the version
and level suffix of Chinese databases (``H04Q3/00(2006.01)I``) or in the 14-character
WIPO master-file form ``H01M0010052500``; :func:`normalize_ipc` folds them all to the
table's form.
"""

from __future__ import annotations

import csv
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "IPCError",
    "IPCTable",
    "default_data_dir",
    "get_table",
    "ipc_main_group",
    "ipc_subclass",
    "ipc_title",
    "is_valid_ipc",
    "normalize_ipc",
    "split_ipc_list",
]

IPC_FILE = "ipc_2026_01_zh.tsv"
IPC_VERSION = "2026.01"


class IPCError(ValueError):
    """A string that is not a well-formed IPC symbol; ``message`` is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def default_data_dir() -> Path:
    """``$IPHUB_SHARED_DATA`` or ``<repo>/../shared/data`` (repo = /work/main)."""
    env = os.environ.get("IPHUB_SHARED_DATA")
    if env:
        return Path(env)
    # this file: <repo>/src/iphub/patents/ipc.py -> parents[3] is <repo>
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


@dataclass(frozen=True, slots=True)
class IPCEntry:
    code: str
    level: str
    title: str


class IPCTable:
    """The IPC scheme in memory: code -> (level, Chinese title)."""

    def __init__(self, entries: dict[str, IPCEntry]) -> None:
        self._entries = entries

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> IPCTable:
        """Read the tsv (``path`` may be the file or the directory holding it)."""
        p = Path(path) if path is not None else default_data_dir()
        if p.is_dir():
            p = p / IPC_FILE
        entries: dict[str, IPCEntry] = {}
        # newline="" + csv: the file has CRLF line ends and titles containing quotes
        # are not quoted, so QUOTE_NONE keeps them verbatim.
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader)
            if header[:3] != ["code", "level", "title_zh"]:
                raise IPCError("bad_table", f"IPC 表 {p} 的表头应为 code/level/title_zh")
            for row in reader:
                if len(row) < 3:
                    continue
                code, level, title = row[0].strip(), row[1].strip(), row[2].strip()
                if re.fullmatch(r"[A-H]\d\d[A-Z]\d+/\d", code):
                    # 5 broken rows in 2026.01 (E01D101/0../4): the subgroup's second
                    # digit slipped into the title ("0 桥梁的材料组成"). Repair both so
                    # lookups of the real symbol E01D101/00 work.
                    code += "0"
                    title = re.sub(r"^0\s*", "", title)
                entries[code] = IPCEntry(code, level, title)
        return cls(entries)

    def __contains__(self, code: object) -> bool:
        return code in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, code: str) -> IPCEntry | None:
        return self._entries.get(code)

    def entries(self) -> list[IPCEntry]:
        """Every entry, in the table's order (sections, classes, ... subgroups)."""
        return list(self._entries.values())


_table: IPCTable | None = None
_lock = threading.Lock()


def get_table(path: str | os.PathLike[str] | None = None) -> IPCTable:
    """The process-wide table, loaded on first use (``path`` only matters the first time)."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = IPCTable.load(path)
    return _table


# Section letter, 2-digit class, subclass letter, then optionally main group / subgroup.
_SYMBOL = re.compile(r"^([A-H])(\d{2})([A-Z])(?:(\d{1,4})(?:/(\d{1,6}))?)?$")
_LONG = re.compile(r"^([A-H]\d{2}[A-Z])(\d{4})(\d{6})$")
# "(2006.01)", "(2006.01)I", trailing level letters "I"/"N"/"A" used by CN databases.
_VERSION_SUFFIX = re.compile(r"\(\d{4}\.\d{2}\)[A-Z]*$|\[\d{4}\.\d{2}\][A-Z]*$")
_HINT = "正确格式如 H01M10/0525、H01M10/00 或 H01M"


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFKC", str(raw)).upper()
    text = re.sub(r"\s+", "", text).replace("／", "/")
    return _VERSION_SUFFIX.sub("", text)


def normalize_ipc(raw: str) -> str:
    """Fold an IPC symbol to the table form (``H01M10/0525``); syntax only, no lookup.

    Raises :class:`IPCError` for anything that is not an IPC symbol at some level.
    """
    if raw is None or not str(raw).strip():
        raise IPCError("empty", f"IPC 分类号为空，{_HINT}")
    text = _clean(raw)
    long_form = _LONG.match(text)
    if long_form:
        # WIPO master-file form: 4-digit right-aligned main group, 6-digit left-aligned
        # subgroup ("H01M0010052500" -> H01M10/0525, "...000000" -> /00).
        sub = long_form.group(3).rstrip("0")
        text = f"{long_form.group(1)}{int(long_form.group(2))}/{sub.ljust(2, '0')}"
    match = _SYMBOL.match(text)
    if not match:
        raise IPCError("bad_format", f"“{raw}”不是有效的 IPC 分类号格式，{_HINT}")
    section, klass, subclass, group, subgroup = match.groups()
    code = f"{section}{klass}{subclass}"
    if group is None:
        return code
    if subgroup is None:
        # "H01M10" without the slash means the main group.
        subgroup = "00"
    if len(subgroup) == 1:
        subgroup += "0"  # "/2" is never written; "/20" is
    return f"{code}{int(group)}/{subgroup}"


def _lookup_code(raw: str, table: IPCTable | None) -> tuple[str, IPCTable]:
    return normalize_ipc(raw), table if table is not None else get_table()


def is_valid_ipc(code: str, table: IPCTable | None = None) -> bool:
    """True if ``code`` normalises and is present in the IPC 2026.01 table."""
    try:
        norm, tbl = _lookup_code(code, table)
    except IPCError:
        return False
    return norm in tbl


def ipc_subclass(code: str) -> str:
    """``H01M10/0525`` -> ``H01M``."""
    return normalize_ipc(code)[:4]


def ipc_main_group(code: str) -> str:
    """``H01M10/0525`` -> ``H01M10/00``; a subclass has no main group (IPCError)."""
    norm = normalize_ipc(code)
    if "/" not in norm:
        raise IPCError("no_group", f"“{code}”只到小类，没有大组")
    return norm.split("/")[0] + "/00"


def _usable(title: str) -> bool:
    # The table has a few junk titles: "" (E03B) and a bare "1" (G06F18/2321).
    return bool(title) and not title.isdigit()


def ipc_title(code: str, table: IPCTable | None = None) -> str | None:
    """Chinese title; a subgroup not in the table (or with a junk title) falls back to its
    main group, then its subclass. ``None`` when nothing matches or the code is malformed."""
    try:
        norm, tbl = _lookup_code(code, table)
    except IPCError:
        return None
    candidates = [norm]
    if "/" in norm:
        candidates.append(norm.split("/")[0] + "/00")
    candidates += [norm[:4], norm[:3]]
    for cand in dict.fromkeys(candidates):
        entry = tbl.get(cand)
        if entry is not None and _usable(entry.title):
            return entry.title
    return None


def split_ipc_list(raw: str) -> list[str]:
    """Split a multi-code field (``"B64U20/80;B64U101/30"``) into raw symbols.

    Separators seen in exports: ``;``, ``；``, ``,``, ``，``, ``、``, ``|`` and newlines.
    Spaces are NOT separators because ``H01M 10/0525`` is one code.
    """
    parts = re.split(r"[;；,，、|\n\r]+", unicodedata.normalize("NFKC", raw or ""))
    return [p.strip() for p in parts if p.strip()]
