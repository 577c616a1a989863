"""Size charts as numbers: exact unit conversion and size advice from a buyer's measurements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.errors import InvalidInputError
from bot.kb.schemas import SizeChart

# Exact factors to a base unit per dimension (1 in = 2.54 cm, 1 lb = 0.45359237 kg by definition).
_LENGTH = {"mm": Decimal("0.1"), "cm": Decimal(1), "m": Decimal(100), "in": Decimal("2.54"),
           "ft": Decimal("30.48")}
_MASS = {"g": Decimal("0.001"), "kg": Decimal(1), "lb": Decimal("0.45359237"),
         "oz": Decimal("0.028349523125")}
_ALIASES = {"inch": "in", "inches": "in", '"': "in", "pulgadas": "in", "inci": "in", "英寸": "in",
            "cms": "cm", "centimeters": "cm", "centimetres": "cm", "公分": "cm", "厘米": "cm",
            "kgs": "kg", "kilo": "kg", "kilos": "kg", "公斤": "kg", "千克": "kg", "lbs": "lb",
            "pounds": "lb", "libras": "lb", "斤": "jin", "feet": "ft", "'": "ft"}


def _canon(unit: str) -> str:
    u = unit.strip().lower()
    return _ALIASES.get(u, u)


def convert(value: float | Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert a length or a mass exactly (Decimal arithmetic, no float drift)."""
    f, t = _canon(from_unit), _canon(to_unit)
    v = Decimal(str(value))
    if f == "jin":  # Chinese market jin: 0.5 kg exactly
        v, f = v / 2, "kg"
    for table in (_LENGTH, _MASS):
        if f in table and t in table:
            return v * table[f] / table[t]
    raise InvalidInputError(f"cannot convert {from_unit!r} to {to_unit!r}")


@dataclass(frozen=True)
class Measure:
    """A buyer-given measurement, normalised to the chart's base units (cm, kg)."""

    kind: str  # height | weight | bust | waist | hip | foot_length | ...
    value: Decimal
    unit: str


_NUM = r"(\d+(?:[.,]\d+)?)"
_FEET = re.compile(r"(?<![\d.,])(\d)\s*(?:'|ft|feet)\s*(\d{1,2})?\s*(?:\"|in|inches)?", re.I)
_HEIGHT = re.compile(_NUM + r"\s*(cms?|m|inches|in|公分|厘米)(?![a-z])", re.I)
# "TB 165, BB 57" (tinggi / berat badan), "ht 170 wt 65": chat abbreviations too
_HEIGHT_WORD = re.compile(r"(?:身高|tinggi(?: badan)?|\btb|\bht|height|estatura|altura|mido)\s*[:：=]?\s*"
                          r"(\d{3}|1[.,]\d{2})(?!\d)", re.I)
_WEIGHT_WORD = re.compile(r"(?:体重|berat(?: badan)?|\bbb|\bwt|weight|peso|peso de)\s*[:：=]?\s*(\d{2,3})"
                          r"(?!\d|[.,]\d|\s*(?:lb|斤))", re.I)
_WEIGHT = re.compile(_NUM + r"\s*(kgs?|kilos?|lbs?|pounds|libras|公斤|千克|斤)(?![a-z])", re.I)


def parse_body(text: str) -> dict[str, Measure]:
    """Find height and weight in free text ("165cm 60kg", "5'4 130 lbs", "身高160 体重50kg")."""
    out: dict[str, Measure] = {}
    feet = _FEET.search(text)
    if feet and 2 <= int(feet.group(1)) <= 7:  # "5'4" is a person; "15 feet across" is a room
        inches = int(feet.group(1)) * 12 + int(feet.group(2) or 0)
        out["height"] = Measure("height", convert(inches, "in", "cm"), "cm")
    for m in _HEIGHT.finditer(text):
        value, unit = Decimal(m.group(1).replace(",", ".")), _canon(m.group(2))
        cm = convert(value, unit, "cm")
        if 50 <= cm <= 230 and "height" not in out:
            out["height"] = Measure("height", cm, "cm")
    if "height" not in out and (hw := _HEIGHT_WORD.search(text)):
        raw = Decimal(hw.group(1).replace(",", "."))
        cm = raw * 100 if raw < 3 else raw
        if 50 <= cm <= 230:
            out["height"] = Measure("height", cm, "cm")
    for m in _WEIGHT.finditer(text):
        value, unit = Decimal(m.group(1).replace(",", ".")), _canon(m.group(2))
        kg = convert(value, unit, "kg")
        if 2 <= kg <= 250:
            out["weight"] = Measure("weight", kg, "kg")
            break
    if "weight" not in out and (ww := _WEIGHT_WORD.search(text)):
        kg = Decimal(ww.group(1))
        if 2 <= kg <= 250:
            out["weight"] = Measure("weight", kg, "kg")
    return out


@dataclass(frozen=True)
class SizeAdvice:
    size: str | None
    fits: dict[str, str]  # measure -> size it points to
    note: str


def _row_for(chart: SizeChart, key: str, value: Decimal) -> str | None:
    unit = chart.units[key]
    base = "kg" if unit in _MASS or unit == "jin" else "cm"
    v = convert(value, base, unit)
    for row in chart.rows:
        rng = row.body.get(key) or row.measurements.get(key)
        if isinstance(rng, tuple) and Decimal(str(rng[0])) <= v <= Decimal(str(rng[1])):
            return row.size
    # Between two rows (ranges with gaps such as 52-56 / 57-62): the next size up fits.
    for row in chart.rows:
        rng = row.body.get(key) or row.measurements.get(key)
        if isinstance(rng, tuple) and v < Decimal(str(rng[0])):
            return row.size
    return None


def recommend(chart: SizeChart, measures: dict[str, Measure]) -> SizeAdvice:
    """Pick a size: each known measure votes; the larger size wins when they disagree."""
    order = [r.size for r in chart.rows]
    fits = {}
    for key, m in measures.items():
        if key in chart.units:
            size = _row_for(chart, key, m.value)
            fits[key] = size or "out of range"
    sized = [s for s in fits.values() if s in order]
    if not sized:
        return SizeAdvice(None, fits, "no measurement matched this chart")
    best = max(sized, key=order.index)
    note = "measurements point to different sizes; the larger one is safer" if len(
        set(sized)) > 1 else "all measurements agree"
    if chart.fit_note:
        note += f"; fit note: {chart.fit_note}"
    return SizeAdvice(best, fits, note)


def chart_as_text(chart: SizeChart) -> str:
    """A readable table with both metric and imperial values, for indexing and replies."""
    lines = [f"{chart.title} size chart. Units: " +
             ", ".join(f"{k} in {u}" for k, u in chart.units.items()) + "."]
    for row in chart.rows:
        parts = []
        for key, val in [*row.measurements.items(), *row.body.items()]:
            unit = chart.units[key]
            parts.append(f"{key} {_fmt(val, unit)}")
        lines.append(f"Size {row.size}: " + "; ".join(parts) + ".")
    if chart.fit_note:
        lines.append(f"Fit advice: {chart.fit_note}")
    return "\n".join(lines)


def _fmt(val: float | tuple[float, float], unit: str) -> str:
    other = {"cm": "in", "mm": "in", "kg": "lb"}.get(unit)

    def one(x: float) -> str:
        s = f"{x:g} {unit}"
        return s

    def alt(x: float) -> str:
        return f"{float(convert(x, unit, other)):.1f}" if other else ""

    if isinstance(val, tuple):
        text = f"{one(val[0])}-{one(val[1])}"
        return text + (f" ({alt(val[0])}-{alt(val[1])} {other})" if other else "")
    return one(val) + (f" ({alt(val)} {other})" if other else "")
