"""Entities in a buyer message: order and tracking numbers, sizes, colours, amounts, dates, measures."""

from __future__ import annotations

import re

from bot.domain import Amount, Entities, Measurement
from bot.kb.mentions import ProductMatcher
from bot.kb.sizing import parse_body
from bot.retrieval.lexical import fold

_ORDER = re.compile(r"(?<![\w])(\d{18})(?![\w])")
_ORDER_HINT = re.compile(
    r"(?:order|orden|pedido|pesanan|no\.? ?pesanan|订单号?|單號|单号)\s*(?:id|no\.?|number|#|:|nomor)?\s*[:#]?\s*"
    r"(\d{10,20})", re.I)
_TRACKING = re.compile(
    r"(?<![\w])("
    r"1Z[0-9A-Z]{16}"                     # UPS
    r"|9[2-5]\d{20}"                      # USPS
    r"|[A-Z]{2}\d{9}[A-Z]{2}"             # UPU S10 (postal services)
    r"|PQ[0-9A-Z]{19,22}"                 # Correos
    r"|JP\d{10}|JX\d{10}|JD\d{10,12}"     # J&T
    r"|\d{22}"                            # Estafeta and others
    r"|00\d{10}"                          # SiCepat
    r")(?![\w])")
_SIZE = re.compile(
    r"(?<![\w])(XXS|XS|S|M|L|XL|XXL|XXXL|2XL|3XL|4XL)(?![\w])"
    r"|(?:size|talla|ukuran|taille|码|號|号)\s*[:：]?\s*((?:EU|US|UK)?\s*\d{1,2}(?:[.,]5)?|xxs|xs|s|m|l|xl|xxl)(?![\w])"
    r"|(?<![\w])((?:EU|US|UK)\s*\d{1,2}(?:[.,]5)?)(?![\w])"
    r"|(?<!\d)(\d{2})\s*码",
    re.I)
_COLOURS = {
    "black": ["black", "negro", "negra", "hitam", "黑"], "white": ["white", "blanco", "blanca", "putih", "白"],
    "red": ["red", "rojo", "roja", "merah", "红"], "pink": ["pink", "rosa", "rosado", "merah muda", "粉"],
    "blue": ["blue", "azul", "biru", "蓝"], "navy": ["navy", "azul marino", "biru dongker", "藏青"],
    "green": ["green", "verde", "hijau", "绿"], "sage green": ["sage", "verde salvia"],
    "grey": ["grey", "gray", "gris", "abu-abu", "abu abu", "灰"], "brown": ["brown", "marron", "cafe", "coklat", "棕", "咖啡色"],
    "beige": ["beige", "nude", "krem", "cream", "米色", "杏色"], "purple": ["purple", "morado", "ungu", "紫"],
    "yellow": ["yellow", "amarillo", "kuning", "黄"], "gold": ["gold", "dorado", "emas", "金色"],
    "silver": ["silver", "plateado", "perak", "银色"],
}
_COLOUR_RX = [(name, re.compile(
    "|".join((re.escape(fold(w)) if re.search(r"[\u3400-\u9fff]", w)
              else r"(?<![a-z])" + re.escape(fold(w)) + r"(?![a-z])") for w in words)))
    for name, words in _COLOURS.items()]
_QTY = re.compile(r"(?<![\w.])(\d{1,3})\s*(?:x(?![a-z])|pcs|pc|pieces|units?|unidades|pzs|piezas|buah|pcs\.|件|个|個|双|雙|盒|包)"
                  r"|(?<![\w])x\s?(\d{1,3})(?![\w])", re.I)
_AMOUNT = re.compile(
    r"(?:(US\$|\$|€|£|Rp\.?|RM|S\$|MX\$|USD|EUR|IDR|MXN)\s?(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d{1,2})?))"
    r"|(?:(\d+(?:[.,]\d{1,2})?)\s?(USD|usd|dollars?|dolares|dólares|euros?|EUR|pesos|rb|ribu|rupiah|美元|美金|块|元|欧元))")
_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "dolares": "USD",
             "dólares": "USD", "美元": "USD", "美金": "USD", "€": "EUR", "eur": "EUR", "euro": "EUR",
             "euros": "EUR", "欧元": "EUR", "£": "GBP", "rp": "IDR", "rp.": "IDR", "idr": "IDR",
             "rupiah": "IDR", "rb": "IDR", "ribu": "IDR", "rm": "MYR", "s$": "SGD", "mx$": "MXN",
             "mxn": "MXN", "pesos": "MXN", "块": None, "元": None}
_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|(?<![$\d.,])\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\d{1,2}月\d{1,2}[日号]"
    r"|\b(?:tgl|tanggal)\s*\d{1,2}\b|\b\d{1,2}\s+(?:de\s+)?(?:jan|feb|mar|apr|may|mei|jun|jul|aug|ago|agu|sep|oct|okt|"
    r"nov|dec|dic|des)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b",
    re.I)
_LENGTH = re.compile(r"(\d+(?:[.,]\d+)?)\s*(cm|mm|inches|inch|in|pulgadas|英寸|厘米)(?![a-z])", re.I)


def _amount(m: re.Match[str]) -> Amount | None:
    cur, num = (m.group(1), m.group(2)) if m.group(2) else (m.group(4), m.group(3))
    raw = num or ""
    cur_key = (cur or "").lower()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        value = float(re.sub(r"[.,]", "", raw))
    else:
        value = float(raw.replace(",", "."))
    if cur_key in {"rb", "ribu"}:
        value *= 1000
    return Amount(value=value, currency=_CURRENCY.get(cur_key, cur_key.upper() or None))


def extract_entities(text: str, products: ProductMatcher | None = None) -> Entities:
    """All entities we can read from the text (never raises on odd input)."""
    tracking = next((m.group(1) for m in _TRACKING.finditer(text)), None)
    order = None
    hinted = _ORDER_HINT.search(text)
    if hinted and hinted.group(1) != tracking:
        order = hinted.group(1)
    else:
        order = next((m.group(1) for m in _ORDER.finditer(text) if m.group(1) != tracking), None)
    sizes: list[str] = []
    for m in _SIZE.finditer(text):
        val = next(g for g in m.groups() if g)
        single = m.group(1)
        if single and single in {"S", "M", "L"} and not re.search(
                r"(?:size|talla|ukuran|码|or|o|atau|/|,)\s*$", text[:m.start()], re.I) and len(text) > 30:
            continue  # a lone capital letter in a long sentence is rarely a size
        val = re.sub(r"\s+", " ", val.strip()).upper()
        if val not in sizes:
            sizes.append(val)
    folded = fold(text)
    colours = [name for name, rx in _COLOUR_RX if rx.search(folded)]
    quantities = [int(m.group(1) or m.group(2)) for m in _QTY.finditer(text)]
    amounts = [a for m in _AMOUNT.finditer(text) if (a := _amount(m))]
    dates = [m.group(0) for m in _DATE.finditer(text)]
    measurements = [Measurement(kind=k, value=float(v.value), unit=v.unit)
                    for k, v in parse_body(text).items()]
    for m in _LENGTH.finditer(text):
        value = float(m.group(1).replace(",", "."))
        if not any(abs(x.value - value) < 1e-6 for x in measurements):
            measurements.append(Measurement(kind="length", value=value, unit=m.group(2).lower()))
    return Entities(
        order_id=order, tracking_number=tracking, sizes=sizes, colours=colours,
        quantities=quantities, amounts=amounts, dates=dates, measurements=measurements,
        products=products.find(text) if products else [])
