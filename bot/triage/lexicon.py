"""Concept cues: buyer words in any language mapped to shared concept tokens (data in lexicon.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.errors import KnowledgeError
from bot.retrieval.lexical import fold

LEXICON = Path(__file__).parent / "data" / "lexicon.yaml"
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Lexicon:
    """Compiled matchers, one regex per concept for Latin text plus substrings for Chinese."""

    latin: dict[str, re.Pattern[str]]
    han: dict[str, tuple[str, ...]]

    def concepts(self, text: str) -> list[str]:
        """Concepts present in a text, in a stable order (each at most once)."""
        folded = fold(text)
        found = [c for c, rx in self.latin.items() if rx.search(folded)]
        for c, terms in self.han.items():
            if c not in found and any(t in folded for t in terms):
                found.append(c)
        return found

    def hits(self, text: str) -> dict[str, list[str]]:
        """Which words triggered each concept (for --explain)."""
        folded = fold(text)
        out: dict[str, list[str]] = {}
        for c, rx in self.latin.items():
            words = [m.group(0) for m in rx.finditer(folded)]
            if words:
                out[c] = words
        for c, terms in self.han.items():
            words = [t for t in terms if t in folded]
            if words:
                out.setdefault(c, []).extend(words)
        return out


def _pattern(term: str) -> str:
    t = fold(term).strip()
    if t.endswith("*"):
        return r"(?<![a-z0-9])" + re.escape(t[:-1]) + r"[a-z]*"
    return r"(?<![a-z0-9])" + re.escape(t) + r"(?![a-z0-9])"


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON) -> Lexicon:
    """Load and compile the lexicon; a malformed file is an error naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected concept -> language -> terms")
    latin: dict[str, re.Pattern[str]] = {}
    han: dict[str, tuple[str, ...]] = {}
    for concept, langs in data.items():
        if not isinstance(langs, dict):
            raise KnowledgeError(f"{path}: concept {concept!r} must map languages to term lists")
        terms = [str(t) for ts in langs.values() for t in (ts or [])]
        lat = sorted({t for t in terms if not _HAN.search(t)}, key=len, reverse=True)
        if lat:
            latin[concept] = re.compile("|".join(_pattern(t) for t in lat))
        hz = tuple(sorted({fold(t) for t in terms if _HAN.search(t)}, key=len, reverse=True))
        if hz:
            han[concept] = hz
    return Lexicon(latin, han)
