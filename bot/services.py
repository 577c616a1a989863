"""The application's shared parts, built once from Settings and used by both CLI and API."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from bot.config import Settings
from bot.kb.loader import ShopKnowledge, load_knowledge
from bot.kb.mentions import ProductMatcher
from bot.retrieval.documents import build_documents
from bot.retrieval.embeddings import Embedder, make_embedder
from bot.retrieval.index import IngestReport, KnowledgeIndex, make_chroma_client
from bot.retrieval.lexical import Glossary
from bot.retrieval.search import HybridSearcher
from bot.store import repositories as repo
from bot.store.db import Database

log = logging.getLogger("shopbot")


class Services:
    """Lazily created clients (nothing connects at import or construction time)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        if embedder is not None:  # share one loaded model (tests, benchmarks)
            self.__dict__["embedder"] = embedder

    @cached_property
    def db(self) -> Database:
        db = Database(self.settings.resolved_database_url)
        db.migrate()
        return db

    @cached_property
    def embedder(self) -> Embedder:
        return make_embedder(self.settings)

    @cached_property
    def index(self) -> KnowledgeIndex:
        client = make_chroma_client(self.settings)
        return KnowledgeIndex(client, self.settings.chroma_collection, self.embedder)

    @cached_property
    def knowledge(self) -> ShopKnowledge:
        return load_knowledge(self.settings.knowledge_dir)

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.index, Glossary.from_entries(self.knowledge.glossary),
                              self.settings.max_query_chars,
                              ProductMatcher.from_knowledge(self.knowledge))

    def ingest(self, path: Path | None = None,
               progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Index a knowledge folder into Chroma and seed its demo orders into the database."""
        started = datetime.now(UTC)
        root = path or self.settings.knowledge_dir
        kb = load_knowledge(root)
        docs = build_documents(kb)
        report = self.index.ingest(docs, self.settings.chunk_tokens,
                                   self.settings.chunk_overlap_tokens, progress)
        report.problems = [str(p) for p in kb.problems]
        with self.db.session() as s:
            repo.seed_demo_shop(session=s, kb=kb)
            repo.record_ingest(session=s, report=report, started_at=started,
                               knowledge_dir=str(root), embedder=self.embedder.name)
        if root == self.settings.knowledge_dir:
            self.__dict__["knowledge"] = kb
        self.__dict__.pop("searcher", None)  # rebuilt with the new chunks and glossary
        log.info("ingest finished: %s", report.summary())
        return report
