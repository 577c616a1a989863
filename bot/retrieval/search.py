"""Hybrid search: metadata filters + dense (Chroma) + BM25 over glossary-expanded queries, fused."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

import bm25s
import numpy as np
from pydantic import BaseModel, Field

from bot.errors import InvalidInputError
from bot.retrieval.index import KnowledgeIndex
from bot.retrieval.lexical import Glossary, tokenize
from bot.triage.language import detect_language

DocType = Literal["policy", "product", "size_chart", "doc"]
RRF_K = 60


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

    def __init__(self, index: KnowledgeIndex, glossary: Glossary, max_query_chars: int = 2000,
                 dense_weight: float = 1.0, lexical_weight: float = 1.0) -> None:
        self.index = index
        self.glossary = glossary
        self.max_query_chars = max_query_chars
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
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

        # Dense side: Chroma with metadata filters, query text plus English glossary terms.
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

        # Lexical side: BM25 over the same chunks.
        qtokens = tokenize(query) + [t for e in expansions for t in tokenize(e)]
        if qtokens and lex.bm25 is not None:
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
                fused[cid] = fused.get(cid, 0.0) + self.lexical_weight / (RRF_K + rank)

        by_id = {cid: i for i, cid in enumerate(lex.ids)}
        hits: list[SearchHit] = []
        seen: dict[tuple[str, str], int] = {}
        for cid, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            i = by_id.get(cid)
            if i is None:  # ingested after our last refresh
                continue
            meta = lex.metas[i]
            # Prefer the buyer's language among translations of the same policy section.
            if meta["doc_type"] == "policy" and meta["lang"] == lang:
                score *= 1.15
            hit = SearchHit(
                chunk_id=cid, score=round(score * 1000, 3), dense=dense_sim.get(cid),
                doc_key=str(meta["doc_key"]), doc_type=str(meta["doc_type"]),
                title=str(meta["title"]), source=str(meta["source"]),
                section=str(meta["section"]), lang=str(meta["lang"]), sku=meta["sku"] or None,
                text=lex.texts[i])
            key = (hit.doc_key, str(meta.get("chunk_index", 0)) if hit.doc_type != "policy"
                   else f"{meta['chunk_index']}")
            if key in seen:
                prev = hits[seen[key]]
                if hit.score > prev.score:
                    hits[seen[key]] = hit
                continue
            seen[key] = len(hits)
            hits.append(hit)
        hits.sort(key=lambda h: -h.score)
        return SearchResult(query=query, language=lang, expansions=expansions, hits=hits[:k])
