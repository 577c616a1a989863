"""Concept cues: buyer words in any language mapped to shared concept tokens (data in lexicon.yaml)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.errors import KnowledgeError
from bot.retrieval.lexical import fold

LEXICON = Path(__file__).parent / "data" / "lexicon.yaml"
_HAN = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"[a-z0-9]+")


def word_tokens(text: str) -> list[str]:
    """Latin tokens of folded text (the same split is used for terms and messages)."""
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class Lexicon:
    """Phrase and prefix tables for Latin text (token n-gram lookups), substrings for Chinese."""

    phrases: dict[tuple[str, ...], tuple[str, ...]]  # token tuple -> concepts
    prefixes: dict[str, tuple[tuple[str, str], ...]]  # first two letters -> (prefix, concept)
    han: dict[str, tuple[str, ...]]  # concept -> Chinese terms
    max_len: int
    order: tuple[str, ...]

    def hits(self, text: str) -> dict[str, list[str]]:
        """Which words triggered each concept (also used for --explain)."""
        toks = word_tokens(text)
        found: dict[str, list[str]] = defaultdict(list)
        for n in range(1, self.max_len + 1):
            for i in range(len(toks) - n + 1):
                gram = tuple(toks[i:i + n])
                for c in self.phrases.get(gram, ()):
                    found[c].append(" ".join(gram))
        for tok in toks:
            for prefix, c in self.prefixes.get(tok[:2], ()):
                if tok.startswith(prefix) and tok not in found[c]:
                    found[c].append(tok)
        folded = fold(text)
        if _HAN.search(folded):
            for c, terms in self.han.items():
                found[c].extend(t for t in terms if t in folded)
        return {c: found[c] for c in self.order if found.get(c)}

    def concepts(self, text: str) -> list[str]:
        """Concepts present in a text, in the lexicon's order (each at most once)."""
        return list(self.hits(text))


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON) -> Lexicon:
    """Load and compile the lexicon; a malformed file is an error naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected concept -> language -> terms")
    phrases: dict[tuple[str, ...], list[str]] = defaultdict(list)
    prefixes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    han: dict[str, list[str]] = defaultdict(list)
    for concept, langs in data.items():
        if not isinstance(langs, dict):
            raise KnowledgeError(f"{path}: concept {concept!r} must map languages to term lists")
        for term in (str(t) for ts in langs.values() for t in (ts or [])):
            if _HAN.search(term):
                han[concept].append(fold(term))
                continue
            toks = word_tokens(term.rstrip("*"))
            if not toks:
                continue
            if term.endswith("*") and len(toks) == 1:
                prefixes[toks[0][:2]].append((toks[0], concept))
            elif concept not in phrases[tuple(toks)]:
                phrases[tuple(toks)].append(concept)
    return Lexicon(
        phrases={k: tuple(v) for k, v in phrases.items()},
        prefixes={k: tuple(v) for k, v in prefixes.items()},
        han={k: tuple(sorted(set(v), key=len, reverse=True)) for k, v in han.items()},
        max_len=max((len(k) for k in phrases), default=1), order=tuple(data))
