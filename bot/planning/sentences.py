"""Cutting knowledge text to chat length: whole sentences (Latin and Chinese), Chinese counting double."""

from __future__ import annotations

import re
from collections.abc import Callable

FACT_CHARS = 280
_HAN = re.compile(r"[\u3400-\u9fff]")
# A sentence ends at . ! ? before a capital or digit ("Luma & Co. pays" is one sentence) or at 。！？
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(¿¡]?[A-Z0-9\u00C0-\u00DD])|(?<=[。！？])")
_LIST_ITEM = re.compile(r"\s(?=\d\)\s)")  # "1) Brush ... 2) Wipe ..." reads as steps


def text_is_han(text: str) -> bool:
    return bool(_HAN.search(text))


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for chunk in _SENTENCE.split(text) for p in _LIST_ITEM.split(chunk)]
    return [p for p in parts if p]


def best_sentences(text: str, scorer: Callable[[str], float] | None = None, limit: int = FACT_CHARS) -> str:
    """The sentence the scorer likes best (the first one without a scorer), followed by its
    neighbours while they fit in `limit` characters."""
    sentences = split_sentences(text)
    if not sentences:
        return ""
    if text_is_han(text):
        limit = int(limit * 0.45)  # a Chinese character carries about two Latin ones: same chat length
    start = 0
    if scorer is not None:
        # Early sentences state the rule, later ones the exceptions: a small pull towards the start.
        scores = [scorer(s) for s in sentences]
        start = max(range(len(sentences)), key=lambda i: (scores[i] * (1 - 0.04 * min(i, 10)), -i))
    out = sentences[start]
    sep = "" if text_is_han(out) else " "
    for s in sentences[start + 1:]:
        if len(out) + len(s) + 1 > limit:
            break
        out = f"{out}{sep}{s}"
    if len(out) > limit * 1.6:  # one very long sentence: cut at a clause boundary
        cut = max(out.rfind(m, 0, limit) for m in ("; ", ", ", "；", "，"))
        out = (out[:cut] if cut > limit // 3 else out[:limit]).rstrip() + "…"
    return out


def ensure_full_stop(text: str) -> str:
    """A fact dropped into a script line must end its sentence."""
    if re.search(r"[.!?。！？…]$", text):
        return text
    return text + ("。" if text_is_han(text) else ".")

