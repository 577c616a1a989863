"""Hybrid search: metadata filters + dense (Chroma) + BM25 over glossary-expanded queries, fused."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

import bm25s
import numpy as np
from pydantic import BaseModel, Field

from bot.errors import InvalidInputError
from bot.kb.mentions import ProductMatcher
from bot.retrieval.index import KnowledgeIndex
from bot.retrieval.lexical import Glossary, fold, tokenize
from bot.triage.language import detect_language
from bot.triage.lexicon import load_lexicon

DocType = Literal["policy", "product", "size_chart", "doc"]
RRF_K = 60
_POLICY_CONCEPTS = {"refund", "return", "exchange", "cancel", "policy_question", "address", "compensation",
                    "coupon", "status"}
# A body or foot measurement (a number with a unit) in the query: a size chart is the likely
# answer. Bare size words ("talla M", "tukar size") are not enough: exchange questions use them too.
_SIZING = re.compile(
    r"\d\s*(?:cm|mm|kg|kgs|kilos?|lbs?|in|inch(?:es)?|pulgadas|'|\"|公分|厘米|斤|公斤)(?![a-z])"
    r"|(?:身高|体重|腰围|胸围|臀围|脚长)\s*\d|\b(?:tinggi|berat|mido|peso|height|weight)\s*\d")


class SearchHit(BaseModel):
    """One retrieved chunk with where it came from (what a draft cites)."""

    chunk_id: str
    score: float = Field(description="fused relevance, higher is better")
    dense: float | None = Field(description="cosine similarity, when the dense side found it")
    doc_key: str
    doc_type: str
    title: str
    source: str
    section: str
    lang: str
    sku: str | None
    text: str


class SearchResult(BaseModel):
    query: str
    language: str
    expansions: list[str]
    hits: list[SearchHit]


@dataclass
class _Lexical:
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    bm25: bm25s.BM25 | None


class HybridSearcher:
    """Search the knowledge index; rebuilds its lexical side when the index changes."""

    # Fusion weights and boosts; tuned on the dev split of evals/retrieval (never on held-out).
    dense_weight = 0.6
    lexical_weight = 1.0
    expansion_weight = 0.7
    sku_boost = 1.3
    sizing_boost = 1.3
    diversity = 0.6

    mention_boost = 1.3
    policy_boost = 1.3

    def __init__(self, index: KnowledgeIndex, glossary: Glossary, max_query_chars: int = 2000,
                 products: ProductMatcher | None = None) -> None:
        self.index = index
        self.glossary = glossary
        self.max_query_chars = max_query_chars
        self.products = products
        self._lex: _Lexical | None = None
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Reload chunk texts from the collection (call after an ingest)."""
        ids, texts, metas = self.index.all_chunks()
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index([tokenize(t) or ["_"] for t in texts], show_progress=False)
        with self._lock:
            self._lex = _Lexical(ids, texts, metas, bm25)

    def _lexical(self) -> _Lexical:
        if self._lex is None:
            self.refresh()
        assert self._lex is not None
        return self._lex

    @staticmethod
    def _allowed(meta: dict[str, Any], sku: str | None, doc_type: str | None) -> bool:
        if doc_type and meta["doc_type"] != doc_type:
            return False
        if sku:
            if meta["doc_type"] == "product":
                return bool(meta["sku"] == sku)
            if meta["doc_type"] == "size_chart":
                return f"|{sku}|" in str(meta["skus"])
        return True

    @staticmethod
    def _where(sku: str | None, doc_type: str | None) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if doc_type:
            clauses.append({"doc_type": doc_type})
        if sku:
            clauses.append({"$or": [{"sku": sku},
                                    {"doc_type": {"$in": ["policy", "size_chart", "doc"]}}]})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def search(self, query: str, k: int = 5, sku: str | None = None,
               doc_type: DocType | None = None, language: str | None = None) -> SearchResult:
        """Top-k chunks for a buyer or agent query; translations of one section count once."""
        query = query.strip()
        if not query:
            raise InvalidInputError("query is empty")
        if len(query) > self.max_query_chars:
            raise InvalidInputError(f"query is longer than {self.max_query_chars} characters")
        if not 1 <= k <= 50:
            raise InvalidInputError("k must be between 1 and 50")
        lang = language or detect_language(query)[0]
        expansions = self.glossary.expand(query)
        lex = self._lexical()
        if not lex.ids:
            return SearchResult(query=query, language=lang, expansions=expansions, hits=[])
        pool = max(30, k * 8)
        fused: dict[str, float] = {}
        dense_sim: dict[str, float] = {}

        # Dense side: Chroma with metadata filters. The embedder only knows English, so a
        # non-English query is embedded through its English glossary terms when it has some.
        if lang != "en" and expansions:
            dense_text = " ".join(expansions)
        else:
            dense_text = query + ("\n" + " ".join(expansions) if expansions else "")
        vec = self.index.embedder.embed([dense_text])
        res = self.index.collection.query(
            query_embeddings=vec, n_results=min(pool, len(lex.ids)),
            where=self._where(sku, doc_type), include=["metadatas", "distances"])
        rank = 0
        for cid, meta, dist in zip(res["ids"][0], (res["metadatas"] or [[]])[0],
                                   (res["distances"] or [[]])[0], strict=False):
            if not self._allowed(dict(meta), sku, doc_type):
                continue
            rank += 1
            dense_sim[cid] = 1.0 - float(dist)
            fused[cid] = fused.get(cid, 0.0) + self.dense_weight / (RRF_K + rank)

        # Lexical side: BM25 for the buyer's own words, and separately for the English terms
        # they map to (so English product pages compete fairly with same-language policies).
        channels = [(tokenize(query), self.lexical_weight)]
        if expansions:
            channels.append(([t for e in expansions for t in tokenize(e)], self.expansion_weight))
        for qtokens, weight in channels:
            if not qtokens or lex.bm25 is None:
                continue
            scores = lex.bm25.get_scores(qtokens)
            order = np.argsort(-scores)
            rank = 0
            for i in order:
                if scores[i] <= 0 or rank >= pool:
                    break
                if not self._allowed(lex.metas[i], sku, doc_type):
                    continue
                rank += 1
                cid = lex.ids[i]
                fused[cid] = fused.get(cid, 0.0) + weight / (RRF_K + rank)

        sizing = bool(_SIZING.search(fold(query)))
        mentioned = set(self.products.find(query)) if self.products and not sku else set()
        # Remedy and policy wording ("can I swap it", "who pays", "gimana caranya") asks about a rule,
        # even when a product is named: policies get a boost.
        policy_talk = bool(_POLICY_CONCEPTS & set(load_lexicon().concepts(query)))
        by_id = {cid: i for i, cid in enumerate(lex.ids)}
        # Translations of one policy section are one candidate: it keeps the best score of any
        # translation and is shown in the buyer's language when that version exists.
        best: dict[tuple[str, int], tuple[float, int]] = {}
        for cid, score in fused.items():
            i = by_id.get(cid)
            if i is None:  # ingested after our last refresh
                continue
            meta = lex.metas[i]
            if sku and meta["doc_type"] in ("product", "size_chart"):
                score *= self.sku_boost  # the order's own product is the likely subject
            if sizing and meta["doc_type"] == "size_chart":
                score *= self.sizing_boost  # body measurements in the query: the chart answers
            if policy_talk and meta["doc_type"] == "policy":
                score *= self.policy_boost
            if mentioned and (meta["sku"] in mentioned or any(
                    f"|{m}|" in str(meta["skus"]) for m in mentioned)):
                score *= self.mention_boost  # the buyer named this product
            key = (str(meta["doc_key"]), int(meta.get("chunk_index", 0)))
            if meta["doc_type"] != "policy":
                key = (str(meta["doc_id"]), int(meta.get("chunk_index", 0)))
            prev = best.get(key)
            if prev is None:
                best[key] = (score, i)
                continue
            pref = max(prev[0], score)
            prev_lang = lex.metas[prev[1]]["lang"]
            keep_new = meta["lang"] == lang or (prev_lang != lang and score > prev[0])
            best[key] = (pref, i if keep_new else prev[1])
        scored = sorted(best.values(), key=lambda t: -t[0])

        hits: list[SearchHit] = []
        per_doc: dict[str, int] = {}
        ranked: list[tuple[float, SearchHit]] = []
        for score, i in scored:
            meta = lex.metas[i]
            key = (str(meta["doc_key"]), int(meta.get("chunk_index", 0)))
            n = per_doc.get(key[0], 0)
            per_doc[key[0]] = n + 1
            # Diversity: each further chunk of one document counts for less.
            ranked.append((score * (self.diversity ** n), SearchHit(
                chunk_id=lex.ids[i], score=0.0, dense=dense_sim.get(lex.ids[i]),
                doc_key=key[0], doc_type=str(meta["doc_type"]), title=str(meta["title"]),
                source=str(meta["source"]), section=str(meta["section"]), lang=str(meta["lang"]),
                sku=meta["sku"] or None, text=lex.texts[i])))
        ranked.sort(key=lambda t: -t[0])
        for score, hit in ranked[:k]:
            hit.score = round(score * 1000, 3)
            hits.append(hit)
        return SearchResult(query=query, language=lang, expansions=expansions, hits=hits[:k])
