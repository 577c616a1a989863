"""Rule signals: urgency (domain brief: "!" and urgent wording are pinned) and priority colours."""

from __future__ import annotations

import re

from bot.domain import Priority

_LETTERS = re.compile(r"[A-Za-z]")
_LONG_WAIT = re.compile(
    r"(?:(\d{1,3})\s*(?:days?|dias|días|hari|天|日)|(\d{1,2})\s*(?:weeks?|semanas?|minggu|周|週|个星期|個星期|礼拜|禮拜))",
    re.I)
_WAIT_WORDS = re.compile(
    r"two weeks|a month|ages|forever|a week|dos semanas|una semana|un mes|seminggu|sebulan|dua minggu|"
    r"一个礼拜|一個禮拜|一周|一个星期|两个礼拜|一个月|好几天|半个月|三天", re.I)


_ACRONYMS = {"ANC", "USB", "SPF", "VIP", "XL", "XXL", "XS", "LED", "USPS", "UPS", "DHL", "COD", "PD", "EU",
             "US", "UK", "OK", "ID", "PM", "AM", "TV", "DM", "SKU", "ETA", "ASAP", "LOL", "OMG", "FYI", "PDF"}
_CAPS_WORD = re.compile(r"\b[A-ZÁÉÍÓÚÑ]{2,}\b")
_POLITE_BANG = re.compile(r"\b(?:hi|hey|hello|hola|halo|thanks|thank you|thx|gracias|makasih|terima kasih|"
                          r"yay|wow|love it|great|amazing|perfect|perfecto)\b\s*!+|[😊😍🥰❤️🙏😅😂]\s*!*", re.I)


def _shouting(text: str) -> bool:
    letters = _LETTERS.findall(text)
    if len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) >= 0.7:
        return True
    words = [w for w in _CAPS_WORD.findall(text) if w not in _ACRONYMS]
    return len(words) >= 2 or any(len(w) >= 5 for w in words)


def urgency(text: str, concepts: list[str]) -> list[str]:
    """Why a message is urgent (empty list: not urgent)."""
    why: list[str] = []
    if "!" in _POLITE_BANG.sub("", text) or "！" in text:
        why.append("exclamation")
    if _shouting(text):
        why.append("all caps")
    if "hurry" in concepts:
        why.append("asks for speed")
    if "threat" in concepts:
        why.append("threatens a bad review, dispute or report")
    for m in _LONG_WAIT.finditer(text):
        days = int(m.group(1)) if m.group(1) else int(m.group(2)) * 7
        if days >= 3:
            why.append(f"long wait ({m.group(0).strip()})")
            break
    else:
        if _WAIT_WORDS.search(text):
            why.append("long wait")
    return why


CHANNEL_PRIORITY: dict[str | None, Priority] = {
    "chat": "red", None: "red", "hotline": "orange", "email": "yellow",
}


def priority(channel: str | None, urgent: bool) -> Priority:
    """Colour by channel (chat red, hotline orange, email yellow); notes and comments by content."""
    if channel in CHANNEL_PRIORITY:
        return CHANNEL_PRIORITY[channel]
    return "orange" if urgent else "yellow"
