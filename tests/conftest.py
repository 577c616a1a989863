"""Shared fixtures: real components only (on-disk Chroma in tmp dirs, SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.config import REPO_ROOT, Settings
from bot.retrieval.embeddings import LocalOnnxEmbedder
from bot.services import Services

KNOWLEDGE = REPO_ROOT / "knowledge"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# One trained triage model for the whole run (training is deterministic; tests that exercise the
# cache itself use their own directories).
os.environ.setdefault("SHOPBOT_MODEL_DIR", str(Path(tempfile.gettempdir()) / f"shopbot-test-models-{os.getpid()}"))


@pytest.fixture(scope="session")
def embedder() -> LocalOnnxEmbedder:
    return LocalOnnxEmbedder(threads=2)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, embedder: LocalOnnxEmbedder) -> Services:
    """The full demo shop ingested once into a temporary data dir."""
    data = tmp_path_factory.mktemp("demo")
    services = Services(Settings(data_dir=data, knowledge_dir=KNOWLEDGE), embedder=embedder)
    services.ingest()
    return services


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    """A small editable copy of the knowledge folder (a few files of each kind)."""
    root = tmp_path / "kb"
    (root / "products").mkdir(parents=True)
    (root / "size_charts").mkdir()
    (root / "policies" / "en").mkdir(parents=True)
    (root / "policies" / "es").mkdir(parents=True)
    shutil.copy(KNOWLEDGE / "products" / "home_baby.yaml", root / "products")
    shutil.copy(KNOWLEDGE / "products" / "jewellery.yaml", root / "products")
    shutil.copy(KNOWLEDGE / "size_charts" / "rings.yaml", root / "size_charts")
    for lang in ("en", "es"):
        for name in ("returns.md", "shipping.md"):
            shutil.copy(KNOWLEDGE / "policies" / lang / name, root / "policies" / lang)
    shutil.copy(KNOWLEDGE / "glossary.yaml", root)
    return root


@pytest.fixture
def small_services(tmp_path: Path, small_kb: Path, embedder: LocalOnnxEmbedder) -> Services:
    return Services(Settings(data_dir=tmp_path / "data", knowledge_dir=small_kb), embedder=embedder)


def _postgres_admin_url() -> str | None:
    return os.environ.get("SHOPBOT_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database test runs on SQLite and, when configured, on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin = _postgres_admin_url()
    if not admin:
        pytest.skip("SHOPBOT_TEST_POSTGRES_URL not set")
    with fresh_postgres_database(admin) as url:
        yield url


@contextmanager
def fresh_postgres_database(admin: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for the duration of the block (dropped afterwards)."""
    name = f"shopbot_test_{uuid.uuid4().hex[:10]}"
    url = admin.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


PASSWORDS = {"agent": "agent-pass-1", "supervisor": "supervisor-pass-1", "owner": "owner-pass-1"}


@pytest.fixture(scope="session")
def demo_tokens(demo: Services) -> dict[str, str]:
    """One user per role in the demo database, and an API token for each."""
    from bot.workspace import auth

    tokens = {}
    with demo.db.session() as s:
        for role, password in PASSWORDS.items():
            row = auth.add_user(session=s, username=f"t_{role}", password=password, role=role)
            tokens[role] = auth.create_token(session=s, user_id=row.id, name="tests")
    return tokens
