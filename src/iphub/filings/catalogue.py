"""The service catalogue (事项清单), read from ``data/catalogue.json``.

The catalogue is data, not code: legal basis, materials, time limits, fees and
the handling office change by notice, and an office updates the file, not the
program. Time limits the regulation leaves *unverified* (DOMAIN.md) are here so
that correcting one is a one-line change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext

from iphub.core.errors import ApplicationError

DATA_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"

LEVEL_LABELS = {
    "national": "国家",
    "province": "省",
    "prefecture": "市（州）",
    "county": "县（市、区）",
}


@dataclass(frozen=True, slots=True)
class Material:
    code: str
    name: str
    required: bool


@dataclass(frozen=True, slots=True)
class Service:
    """One item of the catalogue."""

    code: str
    name: str
    kind: str | None
    operation: str
    online: bool
    legal_basis: str
    materials: tuple[Material, ...]
    accept_days: int
    time_limit_days: int
    fee: str
    office: str
    level: str
    refusal_grounds: tuple[tuple[str, str], ...]
    url: str = ""
    note: str = ""

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    def material(self, code: str) -> Material | None:
        return next((m for m in self.materials if m.code == code), None)

    def ground_label(self, code: str) -> str:
        return dict(self.refusal_grounds).get(code, code)


@cache
def _load() -> tuple[Service, ...]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    grounds = {k: tuple((c, t) for c, t in v) for k, v in raw["refusal_grounds"].items()}
    out = []
    for item in raw["services"]:
        out.append(
            Service(
                code=item["code"],
                name=item["name"],
                kind=item.get("kind"),
                operation=item.get("operation", "establish"),
                online=bool(item.get("online")),
                legal_basis=item["legal_basis"],
                materials=tuple(Material(c, n, bool(r)) for c, n, r in item["materials"]),
                accept_days=int(item["accept_days"]),
                time_limit_days=int(item["time_limit_days"]),
                fee=item["fee"],
                office=item["office"],
                level=item["level"],
                refusal_grounds=grounds.get(item.get("refusal_grounds", ""), ()),
                url=item.get("url", ""),
                note=item.get("note", ""),
            )
        )
    return tuple(out)


def services() -> tuple[Service, ...]:
    """Every catalogue item, in file order."""
    return _load()


def service_for(kind: str, operation: str = "establish") -> Service:
    """The catalogue item that governs filings of ``kind``/``operation``."""
    for s in _load():
        if s.kind == kind and s.operation == operation:
            return s
    raise ApplicationError("事项清单中没有该事项。", code="unknown_service")


def material_name(service: Service, code: str) -> str:
    """The name of material ``code`` as the applicant read it on the form (another
    item's name for it if ``service`` does not list it)."""
    found = service.material(code) or next(
        (m for s in _load() for m in s.materials if m.code == code), None
    )
    return gettext(found.name) if found is not None else gettext("其他材料")


def service_search(query: str = "", *, level: str = "") -> list[Service]:
    """Items whose name, basis, office or materials contain every word of ``query``."""
    words = query.split()
    out = []
    for s in _load():
        if level and s.level != level:
            continue
        text = " ".join([s.name, s.legal_basis, s.office, s.fee, *(m.name for m in s.materials)])
        if all(w in text for w in words):
            out.append(s)
    return out
