"""Where a flagged group belongs: the region of its members' applicants.

A group lands in the region whose enforcement staff are responsible for it, so
each member record is placed by what it carries, most reliable first:

1. the applicant address resolved at import (``Patent.region``, or a province
   code outside Hubei);
2. a registered organisation of the applicant (linked to the party, or with the
   same normalised name), whose region was checked when it was registered;
3. the applicant's name: Chinese organisation names lead with their
   administrative division (企业名称 = 行政区划 + 字号 + 行业 + 组织形式) or
   put it in brackets after the trade name (“稳健医疗(武汉)”); cpca reads it.
   A Hubei place read from a name counts only where the name shows it that way
   (at the start or in brackets, or written in full such as “湖北省”/“公安县”),
   since short county names are ordinary words (“公安部”, “东方电气”).

The first applicant (in the record's order) that can be placed decides. The
group's region is the smallest region holding every member placed in Hubei (a
group spread over two cities is a provincial matter: the regulation's item 6,
filings spread across places to evade supervision). A group with no member
placed in Hubei (applicants elsewhere in China, abroad, or unknown) goes to the
province: the Hubei office still screens it and is the one to hand it to the
other province's office; no city could act on it. The group's evidence records
how many members were placed where, so staff see why it landed there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from iphub.core.models import Organisation, Region, RegionLevel
from iphub.patents.addresses import resolve_addresses
from iphub.patents.models import PartyRole, Patent, PatentParty
from iphub.patents.names import applicant_key

PROVINCE_CODE = "420000"
OUTSIDE = "outside"
_SUFFIXES = ("土家族苗族自治州", "自治州", "林区", "省", "市", "区", "县")


@dataclass(frozen=True)
class Place:
    """Where one record's applicant is: a Hubei region, outside Hubei, or unknown."""

    region_code: str = ""
    outside: bool = False
    source: str = ""  # "address" | "organisation" | "name"

    @property
    def known(self) -> bool:
        return bool(self.region_code) or self.outside


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _shown_in(name: str, region: Region) -> bool:
    """Does the applicant's name show ``region`` the way organisation names do?"""
    if region.name in name:
        return True
    if region.level == RegionLevel.COUNTY:
        return False  # short county names are ordinary words
    short = _short(region.name)
    return name.startswith(short) or any(f"{b}{short}" in name for b in "(（")


def _from_name(name: str, codes: list[str], regions: dict[str, Region]) -> Place:
    """The most specific of ``codes`` (county, city, province) the name really shows."""
    if codes and codes[0][:2] != PROVINCE_CODE[:2]:
        return Place(outside=True, source="name")
    for code in reversed(codes):
        region = regions.get(code)
        if region is not None and _shown_in(name, region):
            return Place(region_code=code, source="name")
    return Place()


def patent_places(patent_ids: Iterable[int]) -> dict[int, Place]:
    """The place of every record in ``patent_ids`` (unknown ones included)."""
    ids = sorted(set(patent_ids))
    places: dict[int, Place] = {}
    for pk, patent_region, province in Patent.objects.filter(id__in=ids).values_list(
        "id", "region_id", "province_code"
    ):
        if patent_region:
            places[pk] = Place(region_code=patent_region, source="address")
        elif province and province != PROVINCE_CODE:
            places[pk] = Place(outside=True, source="address")
        elif province:
            places[pk] = Place(region_code=PROVINCE_CODE, source="address")
    parties = list(
        PatentParty.objects.filter(patent_id__in=[i for i in ids if i not in places])
        .filter(role=PartyRole.APPLICANT)
        .order_by("patent_id", "position")
        .values_list("patent_id", "name", "key", "organisation__region_id")
    )
    names = sorted({name for _, name, _, _ in parties})
    registered = {
        applicant_key(name): region_id
        for name, region_id in Organisation.objects.filter(name__in=names).values_list(
            "name", "region_id"
        )
    }
    resolved = dict(zip(names, resolve_addresses(names), strict=True))
    regions = Region.objects.in_bulk(
        {
            c
            for r in resolved.values()
            for c in (r.province_code, r.city_code, r.county_code)
            if c.startswith(PROVINCE_CODE[:2])
        }
    )
    for pk, name, key, org_region in parties:
        if pk in places:
            continue
        region_id: str | None = org_region or registered.get(key)
        if region_id:
            places[pk] = Place(
                region_code=region_id,
                outside=not region_id.startswith(PROVINCE_CODE[:2]),
                source="organisation",
            )
            continue
        r = resolved[name]
        codes = [c for c in (r.province_code, r.city_code, r.county_code) if c]
        place = _from_name(name, codes, regions)
        if place.known:
            places[pk] = place
    return places


def group_region(
    member_ids: Iterable[int], places: dict[int, Place]
) -> tuple[Region, dict[str, int]]:
    """The region a group of ``member_ids`` belongs to, and how many members were
    placed where (region name, 省外 or 不详), for the group's evidence."""
    members = list(member_ids)
    codes = [places[m].region_code for m in members if m in places and places[m].region_code]
    hubei = [c for c in codes if c.startswith(PROVINCE_CODE[:2])]
    by_code = Region.objects.in_bulk(set(hubei) | {PROVINCE_CODE})
    counts: Counter[str] = Counter()
    for m in members:
        place = places.get(m, Place())
        if place.region_code in by_code:
            counts[by_code[place.region_code].name] += 1
        elif place.known:
            counts["省外"] += 1
        else:
            counts["不详"] += 1
    paths = [by_code[c].path.split("/") for c in hubei if c in by_code]
    common: list[str] = []
    for level in zip(*paths, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    code = common[-1] if common else PROVINCE_CODE
    return by_code.get(code) or Region.objects.get(code=code), dict(counts.most_common())
