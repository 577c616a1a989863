"""Which catalogue products a text mentions, from titles and buyer keywords in any language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.kb.loader import ShopKnowledge
from bot.retrieval.lexical import fold

_HAN = re.compile(r"[\u3400-\u9fff]")
_GENERIC = {"set", "case", "bag", "light", "mat", "oil", "pack", "kit", "stand", "cable", "bin", "bins"}


@dataclass(frozen=True)
class ProductMatcher:
    """Phrase -> SKUs, longest phrase first; a phrase shared by several products names them all."""

    phrases: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_knowledge(cls, kb: ShopKnowledge) -> ProductMatcher:
        table: dict[str, set[str]] = {}
        for sku, p in kb.products.items():
            for term in [p.title, *p.local_titles.values(), *p.keywords, sku]:
                key = fold(term).strip()
                if len(key) < 3 and not _HAN.search(key):
                    continue
                if key in _GENERIC:
                    continue
                table.setdefault(key, set()).add(sku)
        ordered = sorted(table.items(), key=lambda kv: -len(kv[0]))
        return cls(tuple((k, tuple(sorted(v))) for k, v in ordered))

    def find(self, text: str, limit: int = 3) -> list[str]:
        """SKUs mentioned in a text, most specific mention first."""
        folded = fold(text)
        padded = " " + re.sub(r"[^\w\u3400-\u9fff]+", " ", folded) + " "
        found: list[str] = []
        for phrase, skus in self.phrases:
            hit = phrase in folded if _HAN.search(phrase) else f" {phrase} " in padded
            if hit:
                for sku in skus:
                    if sku not in found:
                        found.append(sku)
                # blank the phrase so a shorter, vaguer phrase inside it does not match too
                padded = padded.replace(f" {phrase} ", " ")
                folded = folded.replace(phrase, " ")
            if len(found) >= limit:
                break
        return found[:limit]
