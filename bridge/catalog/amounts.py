"""Numbers with units in queries and product texts: what they measure, in one base unit each,
and the comparisons a query asks for ("at least 16GB", "more than 3 metres", "2 x 16GB",
"a resolution higher than 1920x1080"). Read by bridge.catalog.understand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Units by what they measure, as a factor to one base unit of each.
UNITS = {
    "kb": ("storage", 1e-6), "mb": ("storage", 1e-3), "gb": ("storage", 1.0),
    "tb": ("storage", 1e3), "mm": ("length", 1e-3), "cm": ("length", 1e-2), "m": ("length", 1.0),
    "meter": ("length", 1.0), "meters": ("length", 1.0), "metre": ("length", 1.0),
    "metres": ("length", 1.0), "metro": ("length", 1.0), "metros": ("length", 1.0),
    "ft": ("length", 0.3048), "feet": ("length", 0.3048), "foot": ("length", 0.3048),
    "inch": ("inch", 1.0), "inches": ("inch", 1.0), "in": ("inch", 1.0), '"': ("inch", 1.0),
    "zoll": ("inch", 1.0), "pulgadas": ("inch", 1.0), "pouces": ("inch", 1.0),
    "hz": ("frequency", 1e-9), "khz": ("frequency", 1e-6), "mhz": ("frequency", 1e-3),
    "ghz": ("frequency", 1.0), "w": ("power", 1.0), "watt": ("power", 1.0),
    "watts": ("power", 1.0), "kw": ("power", 1e3), "mah": ("charge", 1.0),
    "mp": ("pixels", 1.0), "megapixel": ("pixels", 1.0), "megapixels": ("pixels", 1.0),
    # Speeds, not sizes: "R/W 7400/6500 MB/s" (the longer unit is read first).
    "mb/s": ("throughput", 1.0), "gb/s": ("throughput", 1e3), "mbps": ("throughput", 0.125),
    "gbps": ("throughput", 125.0), "mbit/s": ("throughput", 0.125),
}
UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_AMOUNT = re.compile(_NUMBER + r"\s?(" + UNIT + r")(?![a-z0-9])")
AT_LEAST = r"at least|minimum(?: of)?|min\.?|or more|and up|mindestens|al menos|au moins"
MORE_THAN = r"more than|over|above|greater than|longer than|larger than|bigger than|" \
    r"faster than|higher than|mehr als|mas de|plus de"
AT_MOST = r"at most|maximum(?: of)?|max\.?|up to|or less|hochstens|como maximo|au plus"
LESS_THAN = r"less than|under|below|shorter than|smaller than|lower than|weniger als|" \
    r"menos de|moins de"
_OPS = ((AT_LEAST, "ge"), (MORE_THAN, "gt"), (AT_MOST, "le"), (LESS_THAN, "lt"))
_COMPARED = re.compile(rf"\b({AT_LEAST}|{MORE_THAN}|{AT_MOST}|{LESS_THAN})\s+" + _AMOUNT.pattern)
_OR_MORE = re.compile(_AMOUNT.pattern + r"\s+(or more|and up|or less|and under|or above)\b")
# Relative tolerance of an "equal" amount: 27" matches 27.0", 1 TB matches 1000 GB.
TOLERANCE = 0.03

@dataclass(frozen=True)
class Amount:
    """A number with a unit a product must meet: ``op`` is "eq", "ge", "gt", "le" or "lt"
    ("more than 16GB" is not met by 16GB, "at least 16GB" is)."""
    dimension: str
    op: str
    value: float  # in the dimension's base unit

    def met_by(self, value: float) -> bool:
        if self.op == "ge":
            return value >= self.value * (1 - 1e-9)
        if self.op == "gt":
            return value > self.value * (1 + 1e-9)
        if self.op == "le":
            return value <= self.value * (1 + 1e-9)
        if self.op == "lt":
            return value < self.value * (1 - 1e-9)
        return abs(value - self.value) <= self.value * TOLERANCE


def parse_number(raw: str) -> float:
    return float(raw.replace(",", "."))


def _pairs(text: str) -> str:
    """ "7400/6500 mb/s" as "7400 mb/s 6500 mb/s"; "2 x 16gb" also as its total, "32gb"."""
    if "/" in text:
        text = re.sub(_NUMBER + r"/" + _NUMBER + r"\s?(" + UNIT + r")(?![a-z0-9])",
                      r"\1 \3 \2 \3", text)
    if "x" in text:
        text = _TIMES.sub(lambda m: f"{m[0]} {int(m[1]) * parse_number(m[2]):g}{m[3]}", text)
    return text


# "32GB Kit (2 x 16GB)", "DDR4 2x16 GB": sticks of 16, 32 in all.
_TIMES = re.compile(r"\b(\d{1,2})\s?x\s?" + _NUMBER + r"\s?(gb|tb|mb)(?![a-z0-9])")
# Screen resolutions, as their number of pixels: "2560 x 1440", "4K", "Full HD".
_RESOLUTION = re.compile(r"\b(\d{3,4})\s?x\s?(\d{3,4})\b")
_RESOLUTIONS = {"4k": 3840 * 2160, "uhd": 3840 * 2160, "2160p": 3840 * 2160,
                "wqhd": 2560 * 1440, "qhd": 2560 * 1440, "1440p": 2560 * 1440,
                "full hd": 1920 * 1080, "fhd": 1920 * 1080, "1080p": 1920 * 1080}
_RESOLUTION_NAME = re.compile(r"\b(" + "|".join(_RESOLUTIONS) + r")\b")
_RESOLUTION_COMPARED = re.compile(
    rf"\b({AT_LEAST}|{MORE_THAN}|{AT_MOST}|{LESS_THAN})\s+(?:(?:a|the) )?(?:resolution (?:of )?)?"
    r"(?:(\d{3,4})\s?x\s?(\d{3,4})\b|(" + "|".join(_RESOLUTIONS) + r")\b)")


def _resolutions(text: str) -> list[float]:
    return [float(int(w) * int(h)) for w, h in _RESOLUTION.findall(text)] + \
        [float(_RESOLUTIONS[n]) for n in _RESOLUTION_NAME.findall(text)]


def amounts(text: str) -> list[tuple[str, float]]:
    """Every number with a unit in ``text`` (folded), as (dimension, value in base unit).

    Memory sticks are a dimension of their own ("module", in GB): of a kit, "2 x 16GB"
    states sticks of 16; a text that states no such kit is one stick of each size it says.
    """
    found = []
    sticks = [parse_number(m) * UNITS[u][1] for _, m, u in _TIMES.findall(text)]
    text = _pairs(text)
    for number, unit in _AMOUNT.findall(text):
        dimension, factor = UNITS[unit]
        found.append((dimension, parse_number(number) * factor))
    if not sticks:
        sticks = [v for d, v in found if d == "storage"]
    return found + [("module", v) for v in sticks] + \
        [("resolution", v) for v in _resolutions(text)]


# "32 GB RAM sticks", "16GB modules", "8GB per stick": the size of each stick, not the kit's.
_PER_STICK = re.compile(r"\s*(?:(?:ram|memory|ddr\d)\s+)?(?:sticks?|modules?|dimms?)\b|"
                        r"\s*(?:per|each|a) (?:stick|module|dimm)\b|\s*each\b")


def _dimension(dimension: str, text: str, end: int) -> str:
    """The amount's dimension, "module" for a size said of each memory stick."""
    return "module" if dimension == "storage" and _PER_STICK.match(text, end) else dimension


def asked(text: str) -> tuple[list[Amount], str]:
    """The amounts ``text`` asks for, and the text without its comparisons."""
    wanted: list[Amount] = []
    for m in _RESOLUTION_COMPARED.finditer(text):
        op = next(op for words, op in _OPS if re.fullmatch(words, m[1]))
        pixels = int(m[2]) * int(m[3]) if m[2] else _RESOLUTIONS[m[4]]
        wanted.append(Amount("resolution", op, float(pixels)))
    text = _RESOLUTION_COMPARED.sub(" ", text)
    wanted += [Amount("resolution", "eq", v) for v in _resolutions(text)]
    for m in _COMPARED.finditer(text):
        dimension, factor = UNITS[m[3]]
        op = next(op for words, op in _OPS if re.fullmatch(words, m[1]))
        wanted.append(Amount(_dimension(dimension, text, m.end()), op,
                             parse_number(m[2]) * factor))
    text = _COMPARED.sub(" ", text)
    for m in _OR_MORE.finditer(text):
        dimension, factor = UNITS[m[2]]
        op = "le" if m[3] in ("or less", "and under") else "ge"
        wanted.append(Amount(dimension, op, parse_number(m[1]) * factor))
    text = _OR_MORE.sub(" ", text)
    paired = _pairs(text)
    for m in _AMOUNT.finditer(paired):
        dimension, factor = UNITS[m[2]]
        wanted.append(Amount(_dimension(dimension, paired, m.end()), "eq",
                             parse_number(m[1]) * factor))
    # An amount stays in the words too ("32gb" is how names write it), a comparison does not.
    return wanted, text
