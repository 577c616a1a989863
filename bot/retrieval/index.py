"""The Chroma collection that holds knowledge chunks, and idempotent ingestion into it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from bot.config import Settings
from bot.errors import BackendError
from bot.retrieval.chunking import Chunk, chunk_document
from bot.retrieval.documents import IndexDoc
from bot.retrieval.embeddings import Embedder


def make_chroma_client(settings: Settings) -> ClientAPI:
    """Embedded PersistentClient under the data dir, or an HttpClient to a Chroma server."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_mode == "server":
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=chroma_settings)
        path = settings.resolved_chroma_path
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises several unrelated types on connect
        raise BackendError(f"cannot open Chroma ({settings.chroma_mode}): {exc}") from exc


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_written: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "replaced": len(self.replaced),
                "unchanged": len(self.unchanged), "removed": len(self.removed),
                "chunks_written": self.chunks_written, "bad_files": len(self.problems)}


def _metadata(chunk: Chunk) -> dict[str, Any]:
    d = chunk.doc
    return {
        "doc_id": d.doc_id, "doc_key": d.doc_key, "doc_type": d.doc_type, "title": d.title,
        "lang": d.lang, "source": d.source, "section": chunk.section, "sku": d.sku,
        "skus": "|" + "|".join(d.skus) + "|", "content_hash": d.content_hash,
        "chunk_index": chunk.index, "tokens": chunk.tokens,
    }


class KnowledgeIndex:
    """Chunks in one Chroma collection; vectors come from our embedder, never Chroma's default."""

    def __init__(self, client: ClientAPI, name: str, embedder: Embedder) -> None:
        self.embedder = embedder
        self.collection: Collection = client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder.name},
        )
        stored = (self.collection.metadata or {}).get("embedder")
        if stored and stored != embedder.name:
            raise BackendError(
                f"collection {name!r} was built with embedder {stored!r}, not {embedder.name!r};"
                " use another SHOPBOT_CHROMA_COLLECTION or delete it")

    def indexed_hashes(self) -> dict[str, str]:
        """doc_id -> content hash of what is in the collection now."""
        got = self.collection.get(include=["metadatas"])
        out: dict[str, str] = {}
        for meta in got["metadatas"] or []:
            out[str(meta["doc_id"])] = str(meta["content_hash"])
        return out

    def ingest(self, docs: list[IndexDoc], chunk_tokens: int, overlap: int,
               progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Add new docs, replace changed ones, remove ones no longer present."""
        report = IngestReport()
        existing = self.indexed_hashes()
        wanted = {d.doc_id for d in docs}
        for doc_id in sorted(set(existing) - wanted):
            self.collection.delete(where={"doc_id": doc_id})
            report.removed.append(doc_id)
        todo: list[IndexDoc] = []
        for d in docs:
            if existing.get(d.doc_id) == d.content_hash:
                report.unchanged.append(d.doc_id)
            else:
                (report.replaced if d.doc_id in existing else report.added).append(d.doc_id)
                todo.append(d)
        # Embed in groups of documents so batches are full (far less padding than per doc).
        group: list[tuple[IndexDoc, list[Chunk]]] = []
        done = 0
        for d in todo:
            group.append((d, chunk_document(d, chunk_tokens, overlap)))
            if sum(len(c) for _, c in group) >= 128 or d is todo[-1]:
                self._write(group, replacing=set(existing))
                report.chunks_written += sum(len(c) for _, c in group)
                done += len(group)
                group = []
                if progress:
                    progress(done, len(todo))
        return report

    def _write(self, group: list[tuple[IndexDoc, list[Chunk]]], replacing: set[str]) -> None:
        chunks = [c for _, cs in group for c in cs]
        vectors = self.embedder.embed([c.text for c in chunks])
        for d, _ in group:
            if d.doc_id in replacing:  # drop old chunks first: a shorter doc leaves none behind
                self.collection.delete(where={"doc_id": d.doc_id})
        self.collection.upsert(
            ids=[c.chunk_id for c in chunks], embeddings=vectors,
            documents=[c.text for c in chunks], metadatas=[_metadata(c) for c in chunks])

    def all_chunks(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """ids, texts and metadata of every chunk (for the lexical index and stats)."""
        got = self.collection.get(include=["documents", "metadatas"])
        metas = [dict(m) for m in (got["metadatas"] or [])]
        return list(got["ids"]), list(got["documents"] or []), metas

    def stats(self) -> dict[str, Any]:
        """Counts of documents and chunks by type and language."""
        _, _, metas = self.all_chunks()
        docs: dict[str, set[str]] = defaultdict(set)
        chunks_by_lang: dict[str, int] = defaultdict(int)
        docs_by_lang: dict[str, set[str]] = defaultdict(set)
        for m in metas:
            docs[str(m["doc_type"])].add(str(m["doc_id"]))
            chunks_by_lang[str(m["lang"])] += 1
            docs_by_lang[str(m["lang"])].add(str(m["doc_id"]))
        policy_keys = {str(m["doc_key"]) for m in metas if m["doc_type"] == "policy"}
        return {
            "products": len(docs.get("product", ())),
            "size_charts": len(docs.get("size_chart", ())),
            "policies": len(policy_keys),
            "policy_documents": len(docs.get("policy", ())),
            "other_documents": len(docs.get("doc", ())),
            "chunks": len(metas),
            "per_language": {
                lang: {"documents": len(docs_by_lang[lang]), "chunks": chunks_by_lang[lang]}
                for lang in sorted(chunks_by_lang)
            },
            "embedder": self.embedder.name,
        }
