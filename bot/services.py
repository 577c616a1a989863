"""The application's shared parts, built once from Settings and used by both CLI and API."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.kb.loader import ShopKnowledge, load_knowledge
from bot.kb.mentions import ProductMatcher

if TYPE_CHECKING:  # heavy modules (Chroma, ONNX, SQLAlchemy, sklearn) load on first use only
    from bot.integrations.tiktok.client import TikTokShopClient
    from bot.pipeline import Copilot
    from bot.retrieval.embeddings import Embedder
    from bot.retrieval.index import IngestReport, KnowledgeIndex
    from bot.retrieval.search import HybridSearcher
    from bot.store.db import Database
    from bot.triage.triager import Triager
    from bot.workspace.conversations import SlaPolicy
    from bot.workspace.dispatcher import Dispatcher

log = logging.getLogger("shopbot")


class Services:
    """Lazily created clients (nothing connects at import or construction time)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        if embedder is not None:  # share one loaded model (tests, benchmarks)
            self.__dict__["embedder"] = embedder

    @cached_property
    def db(self) -> Database:
        from bot.store.db import Database

        db = Database(self.settings.resolved_database_url)
        db.migrate()
        return db

    @cached_property
    def sla(self) -> SlaPolicy:
        from bot.workspace.conversations import SlaPolicy

        return SlaPolicy(self.settings.sla_first_response_minutes, self.settings.sla_resolution_hours)

    @cached_property
    def tiktok(self) -> TikTokShopClient | None:
        """The TikTok Shop API client when credentials are configured (the simulator's in the demo)."""
        st = self.settings
        if not (st.tiktok_app_key and st.tiktok_app_secret):
            return None
        from bot.integrations.tiktok.client import TikTokShopClient

        return TikTokShopClient(
            base_url=st.tiktok_api_base, auth_url=st.tiktok_auth_base, app_key=st.tiktok_app_key,
            app_secret=st.tiktok_app_secret.get_secret_value(), shop_cipher=st.tiktok_shop_cipher,
            access_token=st.tiktok_access_token.get_secret_value() if st.tiktok_access_token else None,
            refresh_token=st.tiktok_refresh_token.get_secret_value() if st.tiktok_refresh_token else None,
            timeout_s=st.tiktok_timeout_s, max_retries=st.tiktok_max_retries, rate_per_s=st.tiktok_rate_per_s)

    def deliver(self, conversation_id: str, text: str, idempotency_key: str) -> str:
        """Send a reply into a platform conversation (refused clearly when no platform is configured)."""
        from bot.errors import BackendError

        if self.tiktok is None:
            raise BackendError("this conversation came from TikTok Shop but no TikTok Shop credentials are set")
        return self.tiktok.send_text(conversation_id, text, idempotency_key)

    @cached_property
    def dispatcher(self) -> Dispatcher:
        from bot.workspace.dispatcher import Dispatcher

        return Dispatcher(self)

    @cached_property
    def embedder(self) -> Embedder:
        from bot.retrieval.embeddings import make_embedder

        return make_embedder(self.settings)

    @cached_property
    def index(self) -> KnowledgeIndex:
        from bot.retrieval.index import KnowledgeIndex, make_chroma_client

        client = make_chroma_client(self.settings)
        return KnowledgeIndex(client, self.settings.chroma_collection, self.embedder)

    @cached_property
    def knowledge(self) -> ShopKnowledge:
        return load_knowledge(self.settings.knowledge_dir)

    @cached_property
    def searcher(self) -> HybridSearcher:
        from bot.retrieval.lexical import Glossary
        from bot.retrieval.search import HybridSearcher

        return HybridSearcher(self.index, Glossary.from_entries(self.knowledge.glossary),
                              self.settings.max_query_chars,
                              self.products)

    @cached_property
    def products(self) -> ProductMatcher:
        return ProductMatcher.from_knowledge(self.knowledge)

    @cached_property
    def triager(self) -> Triager:
        from bot.triage.triager import Triager

        return Triager.load(self.settings.resolved_model_dir, self.products)

    @cached_property
    def copilot(self) -> Copilot:
        from bot.pipeline import Copilot
        from bot.planning.sections import load_or_train
        from bot.store import repositories as repo

        with self.db.session() as s:  # the demo orders are needed to plan order-aware replies
            if repo.counts(session=s)["orders"] == 0:
                repo.seed_demo_shop(session=s, kb=self.knowledge)
        writer = None
        if self.settings.llm_base_url:
            from bot.writing.llm import LLMWriter

            writer = LLMWriter(self.settings)
        return Copilot(self.knowledge, self.triager, self.db, writer=writer,  # type: ignore[arg-type]
                       searcher=self.searcher,
                       sections=load_or_train(self.knowledge, self.settings.resolved_model_dir))

    def ingest(self, path: Path | None = None,
               progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Index a knowledge folder into Chroma and seed its demo orders into the database."""
        from bot.retrieval.documents import build_documents
        from bot.store import repositories as repo

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
        for stale in ("searcher", "products", "triager", "copilot", "dispatcher"):  # rebuilt from the new knowledge
            self.__dict__.pop(stale, None)
        log.info("ingest finished: %s", report.summary())
        return report
