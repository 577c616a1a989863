"""Answering product, care, troubleshooting and policy questions with the exact fact.

Retrieval (the hybrid Chroma + BM25 searcher) decides *which* section of the knowledge base answers
the question; the knowledge base then gives that section's words in the buyer's language when a
translation exists (policies are written per language, products have `products/i18n/<lang>/`),
and the sentences of it that match the question are kept, at chat length.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.kb.loader import ShopKnowledge
from bot.kb.schemas import Product, ProductText
from bot.planning.plan import Fact
from bot.planning.sections import INTERNAL_POLICIES, SectionModel
from bot.planning.sentences import FACT_CHARS, ensure_full_stop
from bot.planning.sentences import best_sentences as chat_sentences
from bot.retrieval.lexical import tokenize
from bot.triage.lexicon import load_lexicon

if TYPE_CHECKING:  # the searcher loads Chroma and BM25; only the type is needed here
    from bot.retrieval.search import HybridSearcher

# Question words and Chinese function characters say that something is asked, not what.
_QUESTION_WORDS = frozenset({
    "what", "which", "how", "when", "where", "why", "who", "whom", "whose", "is", "are", "does", "did",
    "will", "would", "could", "should", "que", "cual", "cuales", "como", "cuando", "donde", "quien",
    "cuanto", "cuanta", "cuantos", "cuantas", "porque", "apa", "apakah", "gimana", "bagaimana", "kapan",
    "dimana", "mana", "siapa", "berapa", "kenapa", "mengapa", "bisa", "gak", "ga", "nya"
})
_HAN_FUNCTION = re.compile(r"[么吗呢吧啊呀的是了个这那哪咋啥和吗我你您能可以要]")


def _stems(text: str) -> set[str]:
    """Content tokens, plural -s dropped so "material" meets the heading "Materials"."""
    out = set()
    for t in tokenize(text):
        if t in _QUESTION_WORDS or (not t.isascii() and _HAN_FUNCTION.search(t)):
            continue
        out.add(t)
        if len(t) > 3 and t.endswith("s") and t.isascii():  # both forms: "batas" must stay "batas"
            out.add(t[:-1])
        if len(t) >= 4 and t.isascii() and t.isalpha():  # a crude stem: lavar / lava / lavadora meet
            out.add(t[:4] + "~")
    return out


@dataclass(frozen=True)
class FoundFact:
    fact: Fact
    language: str  # the language the fact text is written in
    doc_key: str = ""  # which page and (English) section answered: what the answer eval checks
    section_en: str = ""


def best_sentences(text: str, query_tokens: set[str], limit: int = FACT_CHARS,
                   weight: Callable[[str], float] | None = None, from_start: bool = False) -> str:
    """The sentences of `text` that match the question tokens best (IDF-weighted when given)."""
    w = weight or (lambda t: 1.0)
    scorer = None if from_start else (lambda s: sum(w(t) for t in query_tokens & _stems(s)))
    return chat_sentences(text, scorer, limit)


SEARCH_K = 20
# What a question is about (the triage lexicon's concepts, any language) -> the policy pages that
# deal with it: "do you ship to Hawaii, how long?" is a shipping question whatever words it shares
# with a cancellation heading.
CONCEPT_DOCS = {
    "refund": ("policy:returns", "policy:cancellations"), "return": ("policy:returns",),
    "exchange": ("policy:exchanges",), "cancel": ("policy:cancellations",),
    "shipping": ("policy:shipping",), "delay": ("policy:shipping",),
    "coupon": ("policy:coupons",), "compensation": ("policy:coupons",), "damaged": ("policy:defects",),
    "size": ("policy:product_care", "policy:exchanges"), "colour": ("policy:product_care", "policy:exchanges"),
    "product_question": ("policy:product_care",),
}


@dataclass(frozen=True)
class _Candidate:
    doc_key: str
    heading: str  # as cited: the English product heading, or the policy heading in the text's language
    heading_en: str
    source: str
    text: str  # in the buyer's language when a translation exists
    text_lang: str
    heading_tokens: frozenset[str]
    text_tokens: frozenset[str]


class FactFinder:
    """Finds the fact that answers a question.

    Candidates are the retrieval hits plus, when the product is known, every section of its page;
    they are ranked by the hybrid score and by how well the section's heading and words (in the
    buyer's language and in English) match the question. Without a searcher it finds nothing."""

    # Ranking weights, chosen on the dev split of evals/answers (shopbot eval answers --split dev).
    w_hybrid, w_heading, w_text, w_topic, w_section = 0.3, 1.5, 1.0, 0.3, 5.0
    SECTION_CANDIDATES = 5  # the section model's best guesses join the retrieval hits

    def __init__(self, kb: ShopKnowledge, searcher: HybridSearcher | None = None,
                 sections: SectionModel | None = None) -> None:
        self.kb = kb
        self.searcher = searcher
        self.sections = sections
        self._policies = {(d.meta.doc_key, d.meta.lang): d for d in kb.policies}
        self._idf: dict[str, float] | None = None
        # Knowledge text does not change while a Copilot lives: tokenise each section once, not per question.
        self._candidates: dict[tuple[str, str, str, str, str], _Candidate | None] = {}
        self._naming: dict[str, set[str]] = {}

    def idf(self, token: str) -> float:
        """Inverse document frequency over every product and policy section in every language, so
        "what"/"什么" weigh little and "material"/"材质" a lot (built on first use)."""
        if self._idf is None:
            texts: list[str] = []
            for sku, p in self.kb.products.items():
                versions: list[Product | ProductText] = [p]
                versions += [t[sku] for t in self.kb.product_texts.values() if sku in t]
                for words in versions:
                    texts += [words.description, words.materials, words.care, " ".join(words.known_shortcomings)]
                    texts += [f"{f.q} {f.a}" for f in words.faq]
            texts += [f"{s.heading} {s.text}" for d in self.kb.policies for s in d.sections]
            df: dict[str, int] = {}
            for text in texts:
                for tok in _stems(text):
                    df[tok] = df.get(tok, 0) + 1
            n = len(texts) + 1
            self._idf = {tok: math.log(n / (1 + c)) for tok, c in df.items()}
            self._idf_unknown = math.log(n)
        return max(0.0, self._idf.get(token, self._idf_unknown))

    def find(self, question: str, language: str, situation: str, sku: str | None,
             concepts: Sequence[str] | None = None) -> FoundFact | None:
        """`concepts`: the lexicon concepts of the question when the caller already has them."""
        if self.searcher is None or not question.strip():
            return None
        if situation in ("product_fact", "troubleshoot") and not sku:
            return None  # "what is it made of?" with no product known: the reply asks which one
        doc_type: Literal["policy"] | None = "policy" if situation == "policy_info" else None
        try:
            result = self.searcher.search(question[:1000], k=SEARCH_K, sku=sku, doc_type=doc_type, language=language)
        except Exception:  # a broken or empty index must not break drafting
            return None
        # Size questions have their own situation (size advice from the chart); here only the page counts.
        wanted = ("policy",) if situation == "policy_info" else ("product",)
        hybrid: dict[tuple[str, str], float] = {}
        sources: dict[tuple[str, str], tuple[str, str]] = {}
        for h in result.hits:
            if h.doc_type not in wanted or h.doc_key in INTERNAL_POLICIES:
                continue
            if h.doc_type == "product" and h.sku != sku:
                continue
            key = (h.doc_key, h.section)
            hybrid[key] = max(hybrid.get(key, 0.0), h.score)
            sources[key] = (h.lang, h.source)
        section_probs = (self.sections.predict(question[:1000])
                         if self.sections is not None and situation == "policy_info" else {})
        for (doc_key, heading), _ in sorted(section_probs.items(), key=lambda kv: -kv[1])[:self.SECTION_CANDIDATES]:
            page = self._policies.get((doc_key, "en"))
            if page is not None:
                sources.setdefault((doc_key, heading), ("en", page.source))
        if sku and situation != "policy_info" and sku in self.kb.products:
            for heading in self._product_headings(sku):
                sources.setdefault((f"product:{sku}", heading), ("en", self.kb.product_sources[sku]))
        if situation == "troubleshoot":
            faq = {k: v for k, v in sources.items() if k[1].startswith("FAQ:")}
            sources = faq or sources
        if not sources:
            return None
        q_tokens = _stems(question) | {t for e in result.expansions for t in _stems(e)}
        if sku and sku in self.kb.products:  # the product's own name says which page, not which part of it
            q_tokens = (q_tokens - self._product_naming(sku)) or q_tokens
        q_weight = sum(self.idf(t) for t in q_tokens) or 1.0

        def overlap(tokens: frozenset[str]) -> float:
            return sum(self.idf(t) for t in q_tokens & tokens) / q_weight

        if concepts is None:
            concepts = load_lexicon().concepts(question)
        topics = {d for c in concepts for d in CONCEPT_DOCS.get(c, ())}
        top = max(hybrid.values(), default=1.0) or 1.0
        best: tuple[float, _Candidate] | None = None
        for i, ((doc_key, heading), (lang, source)) in enumerate(sources.items()):
            cand = self._candidate(doc_key, heading, lang, source, language)
            if cand is None or not cand.text:
                continue
            score = (self.w_hybrid * hybrid.get((doc_key, heading), 0.0) / top
                     + self.w_heading * overlap(cand.heading_tokens) + self.w_text * overlap(cand.text_tokens)
                     + self.w_topic * (doc_key in topics)
                     + self.w_section * section_probs.get((cand.doc_key, cand.heading_en), 0.0)
                     - 1e-6 * i)
            if best is None or score > best[0]:
                best = (score, cand)
        if best is None or best[0] <= 0.0:
            return None
        cand = best[1]
        # An FAQ answer is already the answer to one question (and often numbered steps): from its start.
        snippet = best_sentences(cand.text, q_tokens, weight=self.idf, from_start=cand.heading.startswith("FAQ:"))
        if not snippet:
            return None
        return FoundFact(fact=Fact(key="answer", text=ensure_full_stop(snippet), source=cand.source,
                                   section=cand.heading),
                         language=cand.text_lang, doc_key=cand.doc_key, section_en=cand.heading_en)

    def _product_naming(self, sku: str) -> set[str]:
        if sku not in self._naming:
            p = self.kb.products[sku]
            self._naming[sku] = _stems(" ".join([p.title, *p.local_titles.values(), *p.keywords]))
        return self._naming[sku]

    def _candidate(self, doc_key: str, heading: str, lang: str, source: str, language: str) -> _Candidate | None:
        key = (doc_key, heading, lang, source, language)
        if key not in self._candidates:
            self._candidates[key] = self._build_candidate(*key)
        return self._candidates[key]

    def _product_headings(self, sku: str) -> list[str]:
        p = self.kb.products[sku]
        return (["Overview", "Materials and dimensions", "Care"]
                + (["Known shortcomings"] if p.known_shortcomings else []) + [f"FAQ: {f.q}" for f in p.faq])

    def _build_candidate(self, doc_key: str, heading: str, lang: str, source: str,
                         language: str) -> _Candidate | None:
        kind, _, ident = doc_key.partition(":")
        if kind == "policy":
            found = self._policies.get((doc_key, lang))
            index = next((i for i, s in enumerate(found.sections) if s.heading == heading), None) if found else None
            if found is None or index is None:
                return None
            local = self._policies.get((doc_key, language))
            if local is None or len(local.sections) != len(found.sections):
                local = found
            both = f"{heading} {local.sections[index].heading}"
            text = local.sections[index].text
            en_doc = self._policies.get((doc_key, "en"))
            heading_en = (en_doc.sections[index].heading
                          if en_doc and len(en_doc.sections) == len(found.sections) else heading)
            return _Candidate(doc_key, local.sections[index].heading, heading_en, local.source, text,
                              local.meta.lang, frozenset(_stems(both)),
                              frozenset(_stems(text) | _stems(found.sections[index].text)))
        product = self.kb.products.get(ident)
        if product is None:
            return None
        words = self.kb.product_texts.get(language, {}).get(ident)
        faq = next((i for i, f in enumerate(product.faq) if f"FAQ: {f.q}" == heading), None)
        english = _product_text(product, heading, faq)
        if english is None:
            return None
        local_text = _product_text(words, heading, faq) if words else None
        local_heading = words.faq[faq].q if words and faq is not None else ""
        text, text_lang = (local_text, language) if local_text else (english, "en")
        return _Candidate(doc_key, heading, heading, source, text, text_lang,
                          frozenset(_stems(f"{heading} {local_heading}")),
                          frozenset(_stems(english) | _stems(local_text or "")))


def _product_text(words: Product | ProductText, heading: str, faq: int | None) -> str | None:
    """A product page section's words (FAQ entries of a translation match the English by position)."""
    if faq is not None:
        return words.faq[faq].a
    if heading == "Overview":
        return words.description
    if heading == "Materials and dimensions":
        return " ".join(p for p in (words.materials, words.ingredients) if p)
    if heading == "Care":
        return words.care
    if heading == "Known shortcomings":
        return " ".join(words.known_shortcomings)
    return None
