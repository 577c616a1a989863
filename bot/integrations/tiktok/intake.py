"""Webhook intake with group commit: pushes that arrive together are written in one transaction and
each is acknowledged only after that commit (durable before the 2xx, without one fsync per push)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.integrations.tiktok.signing import WebhookEnvelope
from bot.store.models import WebhookEventRow

if TYPE_CHECKING:
    from bot.store.db import Database

log = logging.getLogger("shopbot.intake")
Item = tuple[WebhookEnvelope, datetime, "asyncio.Future[bool]"]


def store_events(db: Database, items: list[tuple[WebhookEnvelope, datetime]]) -> list[bool]:
    """Insert pushes in one transaction; False for each one already stored (a redelivery)."""
    dialect = db.engine.dialect.name
    insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    seen: set[str] = set()
    results = []
    with db.session() as s:
        for env, received in items:
            if env.tts_notification_id in seen:
                results.append(False)
                continue
            seen.add(env.tts_notification_id)
            stmt = insert(WebhookEventRow).values(
                source="tiktok", notification_id=env.tts_notification_id, type=env.type, shop_id=env.shop_id,
                sent_at=datetime.fromtimestamp(env.timestamp, UTC), received_at=received,
                payload=env.model_dump(mode="json"), status="received",
            ).on_conflict_do_nothing(index_elements=["notification_id"])
            results.append(s.execute(stmt).rowcount == 1)  # type: ignore[attr-defined]
    return results


class IntakeWriter:
    """One writer task; `submit` resolves once the push is committed (or raises if the commit failed)."""

    def __init__(self, db: Database, max_batch: int = 256) -> None:
        self.db, self.max_batch = db, max_batch
        self.queue: asyncio.Queue[Item] = asyncio.Queue()

    async def submit(self, envelope: WebhookEnvelope) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        await self.queue.put((envelope, datetime.now(UTC), future))
        return await future

    async def run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < self.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                results = await asyncio.to_thread(store_events, self.db, [(e, t) for e, t, _ in batch])
            except Exception as exc:  # nothing is acknowledged that was not committed
                log.exception("storing %d webhook events failed", len(batch))
                for *_, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for (*_, fut), stored in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(stored)
