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


# Named measurements ("waist 69", "de cintura tengo 65 cm", "lingkar pinggang 69", "腰围66", "内径16.4mm"):
# kind -> (words, unit when none is given, plausible range in cm). Ambiguous words feed both chest and bust.
_NAMED: dict[str, tuple[str, str, tuple[float, float]]] = {
    "waist": (r"waist|cintura|lingkar pinggang|pinggang|腰围", "cm", (40, 160)),
    "hip": (r"hips?|cadera|lingkar pinggul|pinggul|臀围", "cm", (50, 180)),
    "bust": (r"bust|busto|chest|pecho|lingkar dada|dada|胸围", "cm", (50, 170)),
    "head_circumference": (r"head(?: circumference)?|cabeza|lingkar kepala|头围", "cm", (40, 70)),
    "foot_length": (r"foot(?: length)?|feet|pie|largo del pie|panjang (?:telapak )?kaki|telapak kaki|脚长", "cm", (8, 35)),
    "inner_diameter": (r"inner diameter|inside diameter|di[aá]metro (?:interior|interno)|diameter (?:dalam|dalem)\w*|"
                       r"内径|内直径", "mm", (1.2, 2.5)),
    "circumference": (r"finger circumference|circunferencia del dedo|lingkar jari|指围|手指周长", "mm", (3.8, 8.0)),
}
_NAMED_RX = {k: re.compile(r"(?:" + words + r")\D{0,14}?(\d{1,3}(?:[.,]\d{1,2})?)\s*(mm|cm|in|inch|inches|"
                           r"pulgadas|厘米|公分|毫米)?", re.I) for k, (words, _, _) in _NAMED.items()}


def parse_body(text: str) -> dict[str, Measure]:
    """Find height, weight and named measurements in free text ("165cm 60kg", "5'4 130 lbs",
    "身高160 体重50kg", "waist 69 hip 94", "内径16.4mm"); values in cm and kg."""
    out: dict[str, Measure] = {}
    taken: list[tuple[int, int]] = []  # spans of named measurements: "waist 65 cm" is not a height
    for kind, (_, default_unit, (low, high)) in _NAMED.items():
        m = _NAMED_RX[kind].search(text)
        if m:
            unit = _canon(m.group(2)) if m.group(2) else default_unit
            cm = convert(Decimal(m.group(1).replace(",", ".")), "mm" if m.group(2) == "毫米" else unit, "cm")
            if low <= cm <= high:
                out[kind] = Measure(kind, cm, "cm")
                taken.append(m.span())
                if kind == "bust":
                    out["chest"] = Measure("chest", cm, "cm")
    feet = _FEET.search(text)
    if feet and 2 <= int(feet.group(1)) <= 7:  # "5'4" is a person; "15 feet across" is a room
        inches = int(feet.group(1)) * 12 + int(feet.group(2) or 0)
        out["height"] = Measure("height", convert(inches, "in", "cm"), "cm")
    if "height" not in out and (hw := _HEIGHT_WORD.search(text)):  # "mido 1,58" says which number
        raw = Decimal(hw.group(1).replace(",", "."))
        cm = raw * 100 if raw < 3 else raw
        if 50 <= cm <= 230:
            out["height"] = Measure("height", cm, "cm")
    for m in _HEIGHT.finditer(text):
        if "height" in out or any(a <= m.start() < b for a, b in taken):
            continue
        value, unit = Decimal(m.group(1).replace(",", ".")), _canon(m.group(2))
        cm = convert(value, unit, "cm")
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


def describe(m: Measure) -> str:
    """'165 cm', '57 kg', '16.4 mm' (ring measurements in millimetres, as buyers and the chart give them)."""
    if m.kind in ("inner_diameter", "circumference"):
        return f"{float(convert(m.value, m.unit, 'mm')):g} mm"
    if m.unit in ("cm", "kg"):
        return f"{float(m.value):.0f} {m.unit}"
    return f"{float(m.value):g} {m.unit}"


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
    # Single values (a ring's inner diameter): the smallest row at least as big; between two, the larger.
    for row in chart.rows:
        point = row.body.get(key) or row.measurements.get(key)
        if point is not None and not isinstance(point, tuple) and v <= Decimal(str(point)) + Decimal("0.05"):
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
