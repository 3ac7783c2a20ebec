"""Reads of the outlet registry: the public list and map, "nearest to me",
and the outlets a signed-in person answers for."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from iphub.core.errors import NotFound
from iphub.core.models import Region
from iphub.network.models import Outlet, OutletKind, OutletStaff, ServiceKind

EARTH_RADIUS_KM = 6371.0


def outlet_list(
    *, kind: str = "", service: str = "", city: str = "", q: str = "", active_only: bool = True
) -> QuerySet[Outlet]:
    """Outlets, filtered by kind, service offered, city (市/州 code) and words in
    the name, host or address. The registry is public: no region scope."""
    qs = Outlet.objects.select_related("region", "region__parent")
    if active_only:
        qs = qs.filter(active=True)
    if kind in OutletKind.values:
        qs = qs.filter(kind=kind)
    if city:
        qs = qs.filter(Q(region__code=city) | Q(region__parent__code=city))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(host_name__icontains=q) | Q(address__icontains=q))
    if service in ServiceKind.values:
        # JSON "contains" is not portable to SQLite; the list is a few hundred rows.
        ids = [pk for pk, offered in qs.values_list("pk", "services") if service in offered]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("region__code", "name")


def outlet_get(*, outlet_id: int, active_only: bool = True) -> Outlet:
    """One outlet of the public registry, or NotFound."""
    qs = Outlet.objects.select_related("region", "host")
    if active_only:
        qs = qs.filter(active=True)
    outlet = qs.filter(pk=outlet_id).first()
    if outlet is None:
        raise NotFound("未找到该信息服务网点。")
    return outlet


def distance_km(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class Origin:
    """Where "nearest to me" measures from, and how it was chosen (in words)."""

    longitude: float
    latitude: float
    label: str


def origin_of(*, region_code: str = "", lng: str = "", lat: str = "") -> Origin | None:
    """The point the user chose: their county's centre, or the browser's
    position (decimal degrees); ``None`` when neither is usable. A county picked
    in the list wins over a position shared earlier (the form keeps both)."""
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is not None and region.longitude is not None and region.latitude is not None:
            return Origin(region.longitude, region.latitude, region.name)
    if lng and lat:
        try:
            x, y = float(lng), float(lat)
        except ValueError:
            return None
        if -180 <= x <= 180 and -90 <= y <= 90:
            return Origin(x, y, "当前位置")
    return None


def outlets_nearest(outlets: Any, origin: Origin) -> list[tuple[Outlet, float]]:
    """``outlets`` with their distance from ``origin``, nearest first."""
    rows = [
        (o, round(distance_km(origin.longitude, origin.latitude, o.longitude, o.latitude), 1))
        for o in outlets
    ]
    rows.sort(key=lambda r: (r[1], r[0].name))
    return rows


def outlet_map_points(outlets: Any) -> list[dict[str, Any]]:
    """What the map draws: one point per outlet with its name, kind and city."""
    return [
        {
            "id": o.pk,
            "name": o.name,
            "value": [o.longitude, o.latitude],
            "kind": str(OutletKind(o.kind).label),
            "region": o.region.name,
        }
        for o in outlets
    ]


def counties_for_choice() -> QuerySet[Region]:
    """Counties and cities a user may pick as "where I am"."""
    return Region.objects.exclude(parent=None).select_related("parent").order_by("code")


def outlets_served_by(user: Any) -> QuerySet[Outlet]:
    """The outlets ``user`` answers tickets for (their membership rows)."""
    if user is None or not user.is_authenticated:
        return Outlet.objects.none()
    ids = OutletStaff.objects.filter(user_id=user.pk).values("outlet_id")
    return Outlet.objects.filter(pk__in=ids).select_related("region")


def outlet_staff_list(outlet: Outlet) -> QuerySet[OutletStaff]:
    """The accounts that answer an outlet's tickets."""
    return outlet.staff.select_related("user", "user__organisation").order_by("added_at", "pk")
