"""The service catalogue (事项清单), read from ``data/catalogue.json``.

The catalogue is data, not code: legal basis, materials, time limits, fees and
the handling office change by notice, and an office updates the file, not the
program. Time limits the regulation leaves *unverified* (DOMAIN.md) are here so
that correcting one is a one-line change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from iphub.core.errors import ApplicationError

DATA_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"

LEVEL_LABELS = {
    "national": gettext_lazy("国家"),
    "province": gettext_lazy("省"),
    "prefecture": gettext_lazy("市（州）"),
    "county": gettext_lazy("县（市、区）"),
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
        return str(LEVEL_LABELS.get(self.level, self.level))

    @property
    def material_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.materials)

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


def _translated(s: Service) -> Service:
    return replace(
        s,
        name=gettext(s.name),
        legal_basis=gettext(s.legal_basis),
        office=gettext(s.office),
        fee=gettext(s.fee),
        note=gettext(s.note) if s.note else "",
        materials=tuple(replace(m, name=gettext(m.name)) for m in s.materials),
        refusal_grounds=tuple((c, gettext(t)) for c, t in s.refusal_grounds),
    )


@cache
def _in_language(language: str) -> tuple[Service, ...]:
    with translation.override(language):
        return tuple(_translated(s) for s in _load())


def _current() -> tuple[Service, ...]:
    # The file is in Chinese; a reader in another language gets the items with
    # their texts translated (django.po), codes and time limits unchanged.
    language = translation.get_language()
    if not language or language.startswith("zh"):
        return _load()
    return _in_language(language)


def services() -> tuple[Service, ...]:
    """Every catalogue item, in file order, in the reader's language."""
    return _current()


def refusal_ground_label(code: str) -> str:
    """A refusal ground's words from whichever catalogue item lists ``code``
    (for the audit trail, which stores the code)."""
    for service in _current():
        if code in dict(service.refusal_grounds):
            return service.ground_label(code)
    return gettext("其他理由")


def service_for(kind: str, operation: str = "establish") -> Service:
    """The catalogue item that governs filings of ``kind``/``operation``."""
    for s in _current():
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
    """Items whose name, basis, office or materials contain every word of ``query``
    (in Chinese or in the reader's language)."""
    words = query.split()
    out = []
    for original, s in zip(_load(), _current(), strict=True):
        if level and s.level != level:
            continue
        text = " ".join(
            t
            for item in (original, s)
            for t in (item.name, item.legal_basis, item.office, item.fee, *item.material_names)
        )
        if all(w.lower() in text.lower() for w in words):
            out.append(s)
    return out
