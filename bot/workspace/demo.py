"""The demo shop's people and buyer traffic, so `make run` opens on a living inbox."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from sqlalchemy import func, select

from bot.config import Settings
from bot.domain import Channel
from bot.errors import KnowledgeError
from bot.store.models import ConversationRow, UserRow
from bot.workspace import auth, conversations
from bot.workspace.schemas import Inbound

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("shopbot.demo")
DEMO_USERS = (("agent", "demo-agent", "agent", "Lin (agent)"),
              ("supervisor", "demo-supervisor", "supervisor", "Maya (supervisor)"),
              ("owner", "demo-owner", "owner", "Sam (owner)"))


class DemoMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    channel: Channel = "chat"
    buyer_id: str | None = None
    order_id: str | None = None
    minutes_ago: float = 0


class DemoTraffic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inbox: list[DemoMessage] = []
    stream: list[DemoMessage] = []


def load_traffic(knowledge_dir: Path) -> DemoTraffic:
    path = knowledge_dir / "demo" / "inbox.yaml"
    if not path.exists():
        return DemoTraffic()
    try:
        return DemoTraffic.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc


def seed_users(services: Services) -> list[tuple[str, str, str]]:
    """Create the three demo logins if there are no users yet; returns (username, password, role)."""
    with services.db.session() as s:
        if (s.scalar(select(func.count()).select_from(UserRow)) or 0) > 0:
            return []
        for username, password, role, name in DEMO_USERS:
            auth.add_user(session=s, username=username, password=password, role=role, display_name=name)
    return [(u, p, r) for u, p, r, _ in DEMO_USERS]


def _inbound(m: DemoMessage, at: datetime) -> Inbound:
    return Inbound(text=m.text, channel=m.channel, buyer_id=m.buyer_id, order_id=m.order_id, received_at=at)


def seed_inbox(services: Services, now: datetime | None = None) -> int:
    """Receive the waiting demo messages through the real pipeline if the inbox is empty."""
    now = now or datetime.now(UTC)
    with services.db.session() as s:
        if (s.scalar(select(func.count()).select_from(ConversationRow)) or 0) > 0:
            return 0
    traffic = load_traffic(services.settings.knowledge_dir)
    for m in sorted(traffic.inbox, key=lambda m: -m.minutes_ago):
        conversations.receive(db=services.db, copilot=services.copilot,
                              inbound=_inbound(m, now - timedelta(minutes=m.minutes_ago)), now=now)
    return len(traffic.inbox)


SIM_APP_KEY, SIM_APP_SECRET = "demo-app-key", "demo-app-secret-for-the-local-simulator"


def with_simulator(settings: Settings) -> Settings:
    """Point the TikTok Shop settings at the local simulator unless real credentials are configured."""
    if settings.tiktok_app_key:
        return settings
    base = f"http://127.0.0.1:{settings.simulator_port}"
    return settings.model_copy(update={
        "tiktok_app_key": SIM_APP_KEY, "tiktok_app_secret": SecretStr(SIM_APP_SECRET), "tiktok_api_base": base,
        "tiktok_auth_base": base, "tiktok_shop_cipher": "SIM", "tiktok_refresh_token": SecretStr("sim-refresh-token")})


def start_simulator(settings: Settings, webhook_url: str, orders: dict[str, Any] | None = None) -> threading.Thread:
    """Serve the TikTok Shop simulator in a background thread (demo only)."""
    import uvicorn

    from bot.integrations.tiktok.simulator import create_simulator

    app = create_simulator(app_key=SIM_APP_KEY, app_secret=SIM_APP_SECRET, webhook_url=webhook_url, orders=orders)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=settings.simulator_port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True, name="tiktok-simulator")
    thread.start()
    return thread


async def stream(services: Services, every_s: float) -> None:
    """Simulated buyers write one by one through the simulator (webhook -> triage -> draft -> auto-reply
    or agent); without a simulator the messages are received directly. Stops after the last one."""
    traffic = load_traffic(services.settings.knowledge_dir)
    st = services.settings
    sim = st.tiktok_api_base if st.tiktok_app_key == SIM_APP_KEY else None
    async with httpx.AsyncClient(timeout=30) as http:
        for n, m in enumerate(traffic.stream, start=1):
            await asyncio.sleep(every_s)
            try:
                if sim:
                    buyer = m.buyer_id or f"guest-{n}"
                    r = await http.post(f"{sim}/sim/buyers/{buyer}/messages", json={"text": m.text,
                                                                                    "order_id": m.order_id})
                    r.raise_for_status()
                else:
                    await asyncio.to_thread(conversations.receive, db=services.db, copilot=services.copilot,
                                            inbound=_inbound(m, datetime.now(UTC)))
            except Exception:  # the demo must not take the server down; the error is logged, not hidden
                log.exception("demo stream message failed")


def start(services: Services) -> dict[str, Any]:
    """Seed users and inbox; returns what to print for the newcomer."""
    users = seed_users(services)
    seeded = seed_inbox(services)
    return {"users": users, "seeded": seeded}
