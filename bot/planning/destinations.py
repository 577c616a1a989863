"""'Do you ship to Canada?': which country a buyer asks about, and whether the shop ships there.

Country names in the four buyer languages (and a few big cities buyers name instead); the shop's
markets come from knowledge/shop.yaml. An unserved destination is bad news, told with empathy."""

from __future__ import annotations

import re

from bot.planning.cues import HAN

COUNTRIES: dict[str, list[str]] = {
    "US": ["united states", "usa", "u\\.s\\.a?", "estados unidos", "amerika serikat", "amerika", "美国", "hawaii",
           "alaska", "puerto rico"],
    "ES": ["spain", "españa", "espana", "spanyol", "西班牙"],
    "MX": ["mexico", "méxico", "meksiko", "墨西哥"],
    "ID": ["indonesia", "印尼", "印度尼西亚"],
    "CA": ["canada", "canadá", "kanada", "加拿大", "vancouver", "toronto", "montreal"],
    "GB": ["uk", "united kingdom", "england", "britain", "reino unido", "inglaterra", "inggris", "英国", "london"],
    "MY": ["malaysia", "malasia", "马来西亚", "kuala lumpur", "johor", "penang"],
    "SG": ["singapore", "singapur", "singapura", "新加坡"],
    "PH": ["philippines", "filipinas", "filipina", "菲律宾", "manila"],
    "AU": ["australia", "澳大利亚", "澳洲", "sydney", "melbourne"],
    "DE": ["germany", "alemania", "jerman", "德国"],
    "FR": ["france", "francia", "prancis", "法国"],
    "BR": ["brazil", "brasil", "巴西"],
    "CO": ["colombia", "kolombia", "哥伦比亚"],
    "AR": ["argentina", "阿根廷"],
    "CL": ["chile", "智利"],
    "PE": ["peru", "perú", "秘鲁"],
    "GT": ["guatemala", "危地马拉"],
    "EC": ["ecuador", "厄瓜多尔"],
    "JP": ["japan", "japón", "jepang", "日本"],
    "KR": ["korea", "corea", "韩国"],
    "TH": ["thailand", "tailandia", "泰国"],
    "VN": ["vietnam", "越南"],
    "IN": ["india", "印度"],
    "TW": ["taiwan", "台湾"],
    "HK": ["hong kong", "香港"],
}
_ASKS = re.compile(r"\b(?:ship|shipping|deliver|delivery|send|sent|env[ií]\w*|mand\w*|llega\w*|kirim\w*|"
                   r"pengiriman|nyampe|sampai|customs|aduana|bea cukai)\b|"
                   r"发货|发往|寄|送到|发[^货]{0,6}(?:吗|不|么|没)|运到|能到|包邮|清关|关税", re.I)


def _pattern(names: list[str]) -> re.Pattern[str]:
    """Latin names as whole words; Chinese names anywhere (Chinese has no spaces between words)."""
    latin = [n for n in names if not HAN.search(n)]
    cjk = [n for n in names if HAN.search(n)]
    parts = [r"(?<![\w])(?:" + "|".join(latin) + r")(?![\w])"] if latin else []
    return re.compile("|".join(parts + cjk), re.I)


_NAME = {code: _pattern(names) for code, names in COUNTRIES.items()}


def asked_destination(text: str) -> str | None:
    """The country code of a destination the buyer asks about, if the message is about shipping there."""
    if not _ASKS.search(text):
        return None
    return next((code for code, rx in _NAME.items() if rx.search(text)), None)


def unserved_destination(text: str, markets: list[str]) -> str | None:
    """A destination the buyer asks about that the shop does not ship to (None if served or none named)."""
    code = asked_destination(text)
    return code if code and markets and code not in markets else None
