"""Lexical side of retrieval: a tokenizer that works for Latin and CJK text, and glossary expansion."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.kb.schemas import GlossaryEntry

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_STOP = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "be", "it",
    "my", "me", "i", "you", "your", "we", "our", "this", "that", "with", "at", "by", "from", "do",
    "does", "can", "if", "so", "as", "de", "la", "el", "los", "las", "y", "o", "en", "un", "una",
    "que", "del", "por", "para", "con", "mi", "es", "se", "lo", "al", "yang", "di", "ke", "dan",
    "ini", "itu", "dengan", "untuk", "ada", "saya", "aku", "kak", "apa",
})


def fold(text: str) -> str:
    """Lowercase and strip accents (reembolsó -> reembolso) but keep CJK as is."""
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def tokenize(text: str) -> list[str]:
    """Word tokens for Latin scripts, character bigrams (and single chars) for Chinese."""
    folded = fold(text)
    tokens = [w for w in _WORD.findall(folded) if w not in _STOP]
    for run in _HAN_RUN.findall(folded):
        if len(run) == 1:
            tokens.append(run)
        tokens.extend(run[i:i + 2] for i in range(len(run) - 1))
    return tokens


@dataclass(frozen=True)
class Glossary:
    """Buyer words in es/id/zh mapped to the English terms the knowledge base uses."""

    latin: dict[str, str]  # folded phrase -> English term
    han: dict[str, str]

    @classmethod
    def from_entries(cls, entries: Iterable[GlossaryEntry]) -> Glossary:
        latin: dict[str, str] = {}
        han: dict[str, str] = {}
        for e in entries:
            for term in [*e.es, *e.id, *e.zh]:
                key = fold(term).strip()
                if not key:
                    continue
                (han if _HAN_RUN.search(key) else latin).setdefault(key, e.en)
        return cls(latin, han)

    def expand(self, query: str) -> list[str]:
        """English terms for the buyer words found in the query (longest phrases first)."""
        folded = " " + " ".join(_WORD.findall(fold(query))) + " "
        found: list[str] = []
        for phrase, en in sorted(self.latin.items(), key=lambda kv: -len(kv[0])):
            if f" {phrase} " in folded and en not in found:
                found.append(en)
        raw = fold(query)
        for phrase, en in self.han.items():
            if phrase in raw and en not in found:
                found.append(en)
        return found
