"""Local metric coordinates → WGS84, for laying out the demo campuses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from vigil.sites.geometry import METRES_PER_DEGREE


@dataclass(frozen=True)
class Origin:
    """A campus origin; x grows east and y north, in metres."""

    lat: float
    lng: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        lng = self.lng + x / (METRES_PER_DEGREE * math.cos(math.radians(self.lat)))
        lat = self.lat + y / METRES_PER_DEGREE
        return (round(lng, 7), round(lat, 7))

    def rect(self, x: float, y: float, w: float, h: float) -> dict[str, Any]:
        """A GeoJSON Polygon for the rectangle [x, x+w] × [y, y+h], counter-clockwise."""
        ring = [
            self.point(x, y),
            self.point(x + w, y),
            self.point(x + w, y + h),
            self.point(x, y + h),
            self.point(x, y),
        ]
        return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}
