"""Colour maths: RGB to and from hue/saturation and CIE xy (sRGB primaries), and
white tones in kelvin and mireds."""

from __future__ import annotations

import colorsys
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "hs_to_rgb",
    "json_color_to_rgb",
    "kelvin_range",
    "kelvin_to_mireds",
    "mireds_to_kelvin",
    "parse_rgb",
    "rgb_to_hs",
    "rgb_to_xy",
    "xy_to_rgb",
]

# HA's light defaults (homeassistant/components/light), in kelvin.
DEFAULT_MIN_KELVIN = 2000
DEFAULT_MAX_KELVIN = 6535

_SRGB_TO_XYZ = (
    (0.4124, 0.3576, 0.1805),
    (0.2126, 0.7152, 0.0722),
    (0.0193, 0.1192, 0.9505),
)
_XYZ_TO_SRGB = (
    (3.2406, -1.5372, -0.4986),
    (-0.9689, 1.8758, 0.0415),
    (0.0557, -0.2040, 1.0570),
)


def rgb_to_hs(rgb: tuple[int, int, int]) -> tuple[float, float]:
    """Hue in degrees and saturation in percent, each to one decimal."""
    hue, sat, _ = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    return round(hue * 360, 1), round(sat * 100, 1)


def hs_to_rgb(hue: float, sat: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue / 360, sat / 100, 1.0)
    return round(r * 255), round(g * 255), round(b * 255)


def rgb_to_xy(rgb: tuple[int, int, int]) -> tuple[float, float]:
    """CIE 1931 xy chromaticity, to four decimals ((0, 0) for black)."""
    lin = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (v / 255 for v in rgb)
    ]
    xyz = [sum(m * c for m, c in zip(row, lin, strict=True)) for row in _SRGB_TO_XYZ]
    total = sum(xyz)
    return (
        (0.0, 0.0)
        if total == 0
        else (round(xyz[0] / total, 4), round(xyz[1] / total, 4))
    )


def xy_to_rgb(x: float, y: float) -> tuple[int, int, int]:
    """The brightest RGB with chromaticity (x, y); ValueError when out of range."""
    if not 0 < y <= 1 or not 0 <= x <= 1:
        raise ValueError(f"xy colour ({x}, {y}) is out of range")
    xyz = (x / y, 1.0, (1 - x - y) / y)
    lin = [
        max(0.0, sum(m * c for m, c in zip(row, xyz, strict=True)))
        for row in _XYZ_TO_SRGB
    ]
    peak = max(lin) or 1.0
    out = [c / peak for c in lin]
    out = [12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055 for c in out]
    return round(out[0] * 255), round(out[1] * 255), round(out[2] * 255)


def parse_rgb(values: Sequence[Any]) -> tuple[int, int, int]:
    """Three numbers 0..255 (more are ignored); ValueError when out of range."""
    r, g, b = (round(float(v)) for v in values[:3])
    if not all(0 <= c <= 255 for c in (r, g, b)):
        raise ValueError(f"colour {values!r} is out of range")
    return r, g, b


def json_color_to_rgb(color: Mapping[str, Any], mode: Any) -> tuple[int, int, int]:
    """A JSON light's ``color`` object (rgb, hs or xy, per ``color_mode``) as RGB."""
    hue = color.get("h", color.get("hue"))
    sat = color.get("s", color.get("saturation"))
    if mode == "xy" or (mode != "hs" and "r" not in color and "x" in color):
        return xy_to_rgb(float(color["x"]), float(color["y"]))
    if hue is not None and sat is not None and (mode == "hs" or "r" not in color):
        return hs_to_rgb(float(hue), float(sat))
    return parse_rgb([color["r"], color["g"], color["b"]])


def kelvin_to_mireds(kelvin: float) -> int:
    """As HA converts: 1,000,000 / kelvin, rounded down."""
    return math.floor(1_000_000 / kelvin)


def mireds_to_kelvin(mireds: float) -> int:
    return math.floor(1_000_000 / mireds)


def kelvin_range(config: Mapping[str, Any]) -> tuple[int, int]:
    """A light's (warmest, coolest) white in kelvin, as HA's MQTT light reads it:
    ``max_mireds``/``min_mireds`` when given, else ``min_kelvin``/``max_kelvin``."""

    def number(key: str) -> float | None:
        value = config.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value) if value > 0 else None

    max_mireds, min_mireds = number("max_mireds"), number("min_mireds")
    low = mireds_to_kelvin(max_mireds) if max_mireds else number("min_kelvin")
    high = mireds_to_kelvin(min_mireds) if min_mireds else number("max_kelvin")
    return round(low or DEFAULT_MIN_KELVIN), round(high or DEFAULT_MAX_KELVIN)
