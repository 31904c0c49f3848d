"""World map of the partners: server-rendered SVG, no internet tiles.

Country borders come from the ``countryinfo`` package (MIT licence; ``countryinfo/data/*.json``,
``geoJSON`` member of each country). Projection: equirectangular (plate carrée), longitude
-180..180 → x 0..1000, latitude 84..-58 → y 0..394 (Antarctica and the far north cut).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

WIDTH = 1000.0
LAT_TOP = 84.0
LAT_BOTTOM = -58.0
SCALE = WIDTH / 360.0
HEIGHT = round((LAT_TOP - LAT_BOTTOM) * SCALE, 1)


def project(longitude: float | Decimal, latitude: float | Decimal) -> tuple[float, float]:
    """Return the (x, y) position of a point on the map, in SVG user units."""
    x = (float(longitude) + 180.0) * SCALE
    y = (LAT_TOP - float(latitude)) * SCALE
    return round(x, 1), round(y, 1)


def _ring_path(ring: list[list[float]]) -> str:
    points: list[str] = []
    last = None
    for lon, lat, *_ in ring:
        x, y = project(max(min(lon, 180.0), -180.0), max(min(lat, LAT_TOP + 2), LAT_BOTTOM - 2))
        point = f"{x:g} {y:g}"
        if point != last:
            points.append(point)
            last = point
    if len(points) < 3:
        return ""
    return "M" + "L".join(points) + "Z"


def _geometry_path(geometry: dict[str, Any]) -> str:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return "".join(_ring_path(ring) for polygon in polygons for ring in polygon)


@lru_cache(maxsize=1)
def country_paths() -> tuple[tuple[str, str], ...]:
    """Every country of ``countryinfo`` as (ISO alpha-2, SVG path data), read once per process."""
    result: list[tuple[str, str]] = []
    data_dir = resources.files("countryinfo") / "data"
    for entry in sorted(data_dir.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        code = (data.get("ISO") or {}).get("alpha2", "")
        if code == "AQ":
            continue
        features = (data.get("geoJSON") or {}).get("features") or []
        path = "".join(_geometry_path(feature.get("geometry") or {}) for feature in features)
        if path:
            result.append((code, path))
    return tuple(result)


@lru_cache(maxsize=1)
def countries_svg() -> str:
    """The base map as a standalone SVG document (served at ``<partners page>/map.svg``)."""
    paths = "".join(f'<path d="{d}"><title>{code}</title></path>' for code, d in country_paths())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" '
        f'width="{WIDTH:g}" height="{HEIGHT:g}">'
        f'<rect width="{WIDTH:g}" height="{HEIGHT:g}" fill="#dfeaf5"/>'
        f'<g fill="#c9d1c4" stroke="#ffffff" stroke-width="0.4" stroke-linejoin="round">{paths}</g></svg>'
    )


#: Europe is drawn again, enlarged, under the world map (its partners are too close together).
EUROPE = {"west": -11.0, "east": 33.0, "north": 60.0, "south": 36.0}


@dataclass(frozen=True)
class MapPoint:
    """A partner placed on a map."""

    partner: Any
    x: float
    y: float


@dataclass(frozen=True)
class PartnerMap:
    """What the template needs: the world (points outside Europe are links, European ones are
    drawn only) and the enlarged Europe (its points are links), so that each partner is one link."""

    width: float
    height: float
    world_links: list[MapPoint]
    world_dots: list[MapPoint]
    europe_links: list[MapPoint]
    europe_box: tuple[float, float, float, float]  # x, y, width, height in map units

    @property
    def europe_viewbox(self) -> str:
        return " ".join(f"{v:g}" for v in self.europe_box)


def _in_europe(longitude: float, latitude: float) -> bool:
    return EUROPE["west"] <= longitude <= EUROPE["east"] and EUROPE["south"] <= latitude <= EUROPE["north"]


def partner_map(partners: list[Any]) -> PartnerMap:
    """Place each partner (``latitude``/``longitude``) on the maps; partners outside the frame are skipped."""
    world_links: list[MapPoint] = []
    world_dots: list[MapPoint] = []
    europe_links: list[MapPoint] = []
    for partner in partners:
        if partner.latitude is None or partner.longitude is None:
            continue
        x, y = project(partner.longitude, partner.latitude)
        if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT):
            continue
        point = MapPoint(partner=partner, x=x, y=y)
        if _in_europe(float(partner.longitude), float(partner.latitude)):
            world_dots.append(point)
            europe_links.append(point)
        else:
            world_links.append(point)
    x0, y0 = project(EUROPE["west"], EUROPE["north"])
    x1, y1 = project(EUROPE["east"], EUROPE["south"])
    return PartnerMap(
        width=WIDTH,
        height=HEIGHT,
        world_links=world_links,
        world_dots=world_dots,
        europe_links=europe_links,
        europe_box=(x0, y0, round(x1 - x0, 1), round(y1 - y0, 1)),
    )
