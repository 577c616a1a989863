"""The one settings object: every knob is an env var with the SHOPBOT_ prefix (or a .env line)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Runtime configuration; see the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="SHOPBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path(".shopbot-data"), description="Where state lives.")
    knowledge_dir: Path = Field(default=REPO_ROOT / "knowledge", description="Shop knowledge files.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite file in the data dir."
    )

    chroma_mode: Literal["embedded", "server"] = "embedded"
    chroma_path: Path | None = Field(default=None, description="Embedded Chroma directory.")
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000
    chroma_collection: str = "shopbot_kb"

    embedding_backend: Literal["local", "openai"] = "local"
    embedding_threads: int = Field(default=2, ge=1, le=64)
    embedding_batch_size: int = Field(default=64, ge=1, le=1024)
    embedding_base_url: str | None = None
    embedding_model: str = "text-embedding-3-small"
    embedding_api_key: SecretStr | None = None

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)

    chunk_tokens: int = Field(default=220, ge=32, le=2000)
    chunk_overlap_tokens: int = Field(default=30, ge=0, le=500)
    max_query_chars: int = Field(default=2000, ge=16)
    model_dir: Path | None = Field(default=None, description="Trained-model cache; default <data dir>/models.")

    secret_key: SecretStr | None = Field(
        default=None, description="Signs session cookies; default: a random key kept in the data dir.")
    secure_cookies: bool = Field(default=False, description="Send session cookies over HTTPS only.")
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    sla_first_response_minutes: int = Field(default=120, ge=1)
    sla_resolution_hours: int = Field(default=24, ge=1)
    case_stall_hours: float = Field(default=24.0, gt=0)
    max_body_bytes: int = Field(default=256_000, ge=1024, description="Largest request body accepted.")
    demo: bool = Field(default=False, description="Seed demo users and a stream of demo buyer messages.")
    demo_stream_seconds: float = Field(default=60.0, ge=0, description="Gap between demo messages; 0 = off.")

    tiktok_app_key: str | None = Field(default=None, description="TikTok Shop app key (real API when set).")
    tiktok_app_secret: SecretStr | None = None
    tiktok_api_base: str = "https://open-api.tiktokglobalshop.com"
    tiktok_auth_base: str = "https://auth.tiktok-shops.com"
    tiktok_shop_cipher: str = ""
    tiktok_access_token: SecretStr | None = None
    tiktok_refresh_token: SecretStr | None = None
    tiktok_timeout_s: float = Field(default=10.0, gt=0)
    tiktok_max_retries: int = Field(default=3, ge=0, le=10)
    tiktok_rate_per_s: float = Field(default=20.0, gt=0)
    tiktok_webhook_max_age_s: float = Field(default=300.0, gt=0, description="Older pushes are refused.")
    simulator_port: int = Field(default=8081, ge=1, le=65535, description="Demo TikTok Shop simulator port.")
    dispatcher: bool = Field(default=True, description="Process webhook events and auto-replies in the server.")
    dispatcher_poll_s: float = Field(default=0.5, gt=0)
    agent_presence_seconds: float = Field(default=300.0, ge=0,
                                          description="An agent viewing a conversation holds auto-replies this long.")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.chunk_overlap_tokens >= self.chunk_tokens:
            raise ValueError("SHOPBOT_CHUNK_OVERLAP_TOKENS must be smaller than SHOPBOT_CHUNK_TOKENS")
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("SHOPBOT_SECRET_KEY must have at least 32 characters")
        if self.embedding_backend == "openai" and not self.embedding_base_url:
            raise ValueError("SHOPBOT_EMBEDDING_BASE_URL is required with the openai embedding backend")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'shopbot.db').resolve()}"

    @property
    def resolved_model_dir(self) -> Path:
        """Where the trained triage model is cached."""
        return self.model_dir or self.data_dir / "models"

    @property
    def resolved_chroma_path(self) -> Path:
        """Directory of the embedded Chroma store."""
        return self.chroma_path or self.data_dir / "chroma"


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment (override in tests with Settings(...))."""
    return Settings()
