"""Every read of the brands app: trademark search (through the trademark index),
the public register and its current authorised users, staff lists (region-scoped
through ``core.permissions``: a record outside the user's region is 404), the
applications, cultivation lists and the figures per city."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from iphub.brands import workflow
from iphub.brands.models import (
    AuthorisedUse,
    CultivationList,
    CultivationMember,
    EntryState,
    Indication,
    UseApplication,
    UseStatus,
)
from iphub.brands.search_index import TrademarkQuery, get_index
from iphub.brands.services import today
from iphub.core.errors import NotFound
from iphub.core.models import Region, RegionLevel
from iphub.core.permissions import has_role, in_region, region_path_of, scope_queryset
from iphub.patents.models import Trademark

PAGE_SIZE = 20
NICE_CLASSES = range(1, 46)


# -- trademark search ----------------------------------------------------------------
@dataclass(frozen=True)
class TrademarkPage:
    total: int
    marks: list[Trademark]
    page: int
    num_pages: int


def trademark_search(query: TrademarkQuery, *, page: int = 1) -> TrademarkPage:
    """One page of marks matching ``query`` from the trademark index, loaded from
    the database in the index's order (best first when words were asked)."""
    page = max(1, page)
    total, ids = get_index().search(query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    by_id = Trademark.objects.select_related("region").in_bulk(ids)
    marks = [by_id[i] for i in ids if i in by_id]
    return TrademarkPage(total, marks, page, max(1, -(-total // PAGE_SIZE)))


def trademark_get(*, registration_number: str) -> Trademark:
    """A trademark record by its registration number (public)."""
    mark = (
        Trademark.objects.select_related("region")
        .filter(registration_number=registration_number)
        .first()
    )
    if mark is None:
        raise NotFound("未找到该商标。")
    return mark


# -- the register ----------------------------------------------------------------------
def current_uses_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """Authorisations in force on ``on`` (today): active and within their period
    (``prefix``: the lookups as seen from a related model, e.g. ``uses__``)."""
    day = on or today()
    return Q(
        **{
            f"{prefix}status": UseStatus.ACTIVE,
            f"{prefix}valid_from__lte": day,
            f"{prefix}valid_until__gte": day,
        }
    )


def indication_public_list(*, kind: str = "", city: str = "") -> QuerySet[Indication]:
    """Published entries with how many organisations may use each one's mark today."""
    qs = Indication.objects.filter(state=EntryState.PUBLISHED).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if city:
        qs = qs.filter(Q(region__path__contains=f"/{city}/") | Q(region__path__endswith=f"/{city}"))
    return qs.annotate(
        current_users=Count("uses", filter=current_uses_q(prefix="uses__"))
    ).order_by("region__code", "name")


def indication_staff_list(*, user: Any, state: str = "") -> QuerySet[Indication]:
    """Entries of the staff user's region, every state (none for other users)."""
    if not has_role(user, *workflow.KEEPER_ROLES):
        return Indication.objects.none()
    qs = scope_queryset(user, Indication.objects.select_related("region"))
    if state:
        qs = qs.filter(state=state)
    return qs.annotate(
        current_users=Count("uses", filter=current_uses_q(prefix="uses__")),
        waiting=Count("applications", filter=Q(applications__state="submitted")),
    ).order_by("region__code", "name")


def indication_get(*, user: Any, indication_id: int) -> Indication:
    """An entry: published ones for everyone; drafts and revoked ones only for the
    staff of its region (for anyone else it does not exist)."""
    entry = (
        Indication.objects.select_related("region", "trademark")
        .prefetch_related("areas")
        .filter(pk=indication_id)
        .first()
    )
    if entry is None:
        raise NotFound("未找到该地理标志或商标登记。")
    if entry.state != EntryState.PUBLISHED and not in_region(user, entry.region):
        raise NotFound("未找到该地理标志或商标登记。")
    return entry


def current_users(*, indication: Indication) -> QuerySet[AuthorisedUse]:
    """The organisations authorised to use the entry's mark today (the public list)."""
    return (
        indication.uses.filter(current_uses_q())
        .select_related("organisation__region")
        .order_by("organisation__name")
    )


def use_history(*, user: Any, indication: Indication) -> QuerySet[AuthorisedUse]:
    """Every authorisation of the entry, ended ones included (staff of its region)."""
    if not workflow.is_keeper(user, indication):
        return AuthorisedUse.objects.none()
    return indication.uses.select_related("organisation").order_by("-valid_until", "id")


def application_list(*, user: Any, state: str = "") -> QuerySet[UseApplication]:
    """Applications the user may see: staff those of entries in their region, an
    enterprise its own organisation's."""
    qs = UseApplication.objects.select_related("indication__region", "organisation")
    if region_path_of(user) is not None:
        if not has_role(user, *workflow.KEEPER_ROLES):
            return qs.none()
        qs = scope_queryset(user, qs, region_path_field="indication__region__path")
    else:
        qs = scope_queryset(user, qs, organisation_field="organisation")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def application_get(*, user: Any, application_id: int) -> UseApplication:
    """One application the user may see, else 404."""
    app = application_list(user=user).filter(pk=application_id).first()
    if app is None:
        raise NotFound("未找到该申请。")
    return app


def organisations_in_area(*, indication: Indication) -> list[Any]:
    """Organisations located in the entry's protected area (the grant form's choices)."""
    from iphub.core.models import Organisation

    q = Q()
    for area in indication.areas.all():
        q |= Q(region__path=area.path) | Q(region__path__startswith=area.path + "/")
    return list(Organisation.objects.filter(q).order_by("name")) if q else []


def keeper_regions(*, user: Any) -> QuerySet[Region]:
    """Regions a keeper may record entries for (their own and those below)."""
    if not has_role(user, *workflow.KEEPER_ROLES):
        return Region.objects.none()
    return scope_queryset(user, Region.objects.all(), region_path_field="path").order_by("code")


# -- cultivation lists -----------------------------------------------------------------
def cultivation_lists(*, year: int | None = None) -> QuerySet[CultivationList]:
    """Brand cultivation lists (public), newest year first, with member counts."""
    qs = CultivationList.objects.select_related("region").annotate(size=Count("members"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "region__code", "title")


def cultivation_get(*, list_id: int) -> CultivationList:
    clist = (
        CultivationList.objects.select_related("region")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CultivationMember.objects.select_related(
                    "organisation__region", "trademark"
                ).order_by("organisation__name", "brand"),
            )
        )
        .filter(pk=list_id)
        .first()
    )
    if clist is None:
        raise NotFound("未找到该培育名单。")
    return clist


def cultivation_staff_lists(*, user: Any) -> QuerySet[CultivationList]:
    """Lists of the staff user's region (the ones they may add members to)."""
    if not has_role(user, *workflow.KEEPER_ROLES):
        return CultivationList.objects.none()
    return scope_queryset(user, cultivation_lists())


# -- figures per city ------------------------------------------------------------------
@dataclass
class CityFigures:
    code: str
    name: str
    indications: int = 0
    users: int = 0
    marks: int = 0
    by_class: Counter[int] = field(default_factory=Counter)


def _city_of(path: str | None) -> str:
    parts = (path or "").split("/")
    return parts[1] if len(parts) > 1 else ""


def brand_figures(*, on: dt.date | None = None) -> list[CityFigures]:
    """Per city (市/州): published entries kept there, organisations of the city
    authorised today to use a GI's mark, trademarks of owners there and their
    count per Nice class (a mark in three classes counts once in each)."""
    cities = {
        r.code: CityFigures(r.code, r.name)
        for r in Region.objects.filter(level=RegionLevel.PREFECTURE).order_by("code")
    }
    published = Indication.objects.filter(state=EntryState.PUBLISHED)
    for path in published.values_list("region__path", flat=True):
        if (c := _city_of(path)) in cities:
            cities[c].indications += 1
    uses = AuthorisedUse.objects.filter(current_uses_q(on), indication__state=EntryState.PUBLISHED)
    for path in uses.values_list("organisation__region__path", flat=True):
        if (c := _city_of(path)) in cities:
            cities[c].users += 1
    marks = Trademark.objects.exclude(region=None).values_list("region__path", "nice_classes")
    for path, classes in marks.iterator(chunk_size=5000):
        if (c := _city_of(path)) in cities:
            cities[c].marks += 1
            cities[c].by_class.update({int(k) for k in classes or []})
    return list(cities.values())
