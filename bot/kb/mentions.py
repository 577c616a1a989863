"""Which catalogue products a text mentions, from titles and buyer keywords in any language."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from bot.kb.loader import ShopKnowledge
from bot.retrieval.lexical import fold

_HAN = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"[a-z0-9]+")
_GENERIC = {"set", "case", "bag", "light", "mat", "oil", "pack", "kit", "stand", "cable", "bin", "bins"}


@dataclass(frozen=True)
class ProductMatcher:
    """Token phrases (and Chinese substrings) -> SKUs; longer mentions win over shorter ones."""

    phrases: dict[tuple[str, ...], tuple[str, ...]]
    han: tuple[tuple[str, tuple[str, ...]], ...]
    max_len: int

    @classmethod
    def from_knowledge(cls, kb: ShopKnowledge) -> ProductMatcher:
        table: dict[tuple[str, ...], set[str]] = defaultdict(set)
        han: dict[str, set[str]] = defaultdict(set)
        for sku, p in kb.products.items():
            for term in [p.title, *p.local_titles.values(), *p.keywords, sku]:
                key = fold(term).strip()
                if _HAN.search(key):
                    han[key].add(sku)
                    continue
                toks = tuple(_TOKEN.findall(key))
                if not toks or (len(toks) == 1 and (len(toks[0]) < 3 or toks[0] in _GENERIC)):
                    continue
                table[toks].add(sku)
        return cls({k: tuple(sorted(v)) for k, v in table.items()},
                   tuple((k, tuple(sorted(v))) for k, v in sorted(han.items(), key=lambda kv: -len(kv[0]))),
                   max((len(k) for k in table), default=1))

    def find(self, text: str, limit: int = 3) -> list[str]:
        """SKUs mentioned in a text, most specific (longest) mention first."""
        folded = fold(text)
        toks = _TOKEN.findall(folded)
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        for n in range(min(self.max_len, len(toks)), 0, -1):
            for i in range(len(toks) - n + 1):
                skus = self.phrases.get(tuple(toks[i:i + n]))
                if skus and not any(s <= i and i + n <= e for s, e, _ in spans):
                    spans.append((i, i + n, skus))
        found: list[str] = []
        for _, _, skus in spans:  # already longest first
            found.extend(s for s in skus if s not in found)
        if _HAN.search(folded):
            for phrase, skus in self.han:
                if phrase in folded:
                    found.extend(s for s in skus if s not in found)
                    folded = folded.replace(phrase, " ")
        return found[:limit]
