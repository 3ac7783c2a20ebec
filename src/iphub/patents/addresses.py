"""Applicant address -> province / city / county codes (current GB/T 2260) with
``cpca-new``; what cannot be resolved is flagged for staff, never guessed.

cpca's ``transform`` is vectorised over a list (it builds a pandas frame), so
the importer resolves a whole batch of addresses in one call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# The 62-column export's 国省代码 looks like "河南(41)" or "湖北;42".
_HINT = re.compile(r"(\d{2})")


@dataclass(frozen=True)
class ResolvedAddress:
    province_code: str = ""
    city_code: str = ""
    county_code: str = ""

    @property
    def resolved(self) -> bool:
        return bool(self.province_code)


def _codes(adcode: str) -> ResolvedAddress:
    adcode = adcode[:6]
    if not re.fullmatch(r"\d{6}", adcode):
        return ResolvedAddress()
    province = adcode[:2] + "0000"
    if adcode.endswith("0000"):
        return ResolvedAddress(province)
    # Province-administered county-level units (4290xx) act as cities.
    if adcode[2:4] == "90" or adcode.endswith("00"):
        return ResolvedAddress(province, adcode)
    return ResolvedAddress(province, adcode[:4] + "00", adcode)


@lru_cache(maxsize=1)
def _transform():  # type: ignore[no-untyped-def]
    import cpca_new

    return cpca_new.transform


def resolve_addresses(
    addresses: list[str], hints: list[str] | None = None
) -> list[ResolvedAddress]:
    """Resolve a batch; an empty address falls back to the 国省代码 hint (province only)."""
    hints = hints or [""] * len(addresses)
    out = [ResolvedAddress()] * len(addresses)
    todo = [(i, a) for i, a in enumerate(addresses) if a.strip()]
    if todo:
        frame = _transform()([a for _, a in todo])
        for (i, _addr), adcode in zip(todo, frame["adcode"].tolist(), strict=True):
            if isinstance(adcode, str) and adcode:
                out[i] = _codes(adcode)
    for i, hint in enumerate(hints):
        if not out[i].resolved and hint:
            m = _HINT.search(hint)
            if m and m.group(1) != "00":
                out[i] = ResolvedAddress(m.group(1) + "0000")
    return out
