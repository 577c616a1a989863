"""Keyword-only data functions over sessions: the only place that writes SQL rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.kb.loader import ShopKnowledge
from bot.retrieval.index import IngestReport
from bot.store.models import BuyerRow, IngestRunRow, OrderRow

VIP_LIFETIME_SPEND = 500.0


def _ago(now: datetime, days: float | None) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def seed_demo_shop(*, session: Session, kb: ShopKnowledge, now: datetime | None = None) -> int:
    """Upsert the demo buyers and orders; relative days become timestamps from `now`."""
    now = now or datetime.now(UTC)
    vip_limit = float(kb.rules.get("vip", {}).get("lifetime_spend_min", VIP_LIFETIME_SPEND))
    for b in kb.buyers.values():
        row = session.get(BuyerRow, b.buyer_id) or BuyerRow(buyer_id=b.buyer_id)
        row.display_name, row.language, row.country = b.display_name, b.language, b.country
        row.lifetime_spend = b.lifetime_spend
        row.vip = b.lifetime_spend >= vip_limit
        session.add(row)
    session.flush()
    for o in kb.orders.values():
        if o.buyer_id not in kb.buyers:
            continue
        orow = session.get(OrderRow, o.order_id) or OrderRow(order_id=o.order_id)
        orow.buyer_id = o.buyer_id
        orow.placed_at = _ago(now, o.placed_days_ago) or now
        orow.status, orow.market, orow.total = o.status, o.market, o.total
        orow.carrier, orow.tracking_number = o.carrier, o.tracking_number
        orow.promised_delivery_at = _ago(now, o.promised_delivery_days_ago)
        orow.delivered_at = _ago(now, o.delivered_days_ago)
        orow.items = [i.model_dump() for i in o.items]
        orow.tracking_events = [
            {"at": (now - timedelta(days=e.days_ago)).isoformat(), "location": e.location,
             "status": e.status, "description": e.description}
            for e in sorted(o.tracking_events, key=lambda e: -e.days_ago)
        ]
        session.add(orow)
    return len(kb.orders)


def record_ingest(*, session: Session, report: IngestReport, started_at: datetime,
                  knowledge_dir: str, embedder: str) -> IngestRunRow:
    """Keep a row per ingest run (what changed, what was refused)."""
    row = IngestRunRow(
        started_at=started_at, finished_at=datetime.now(UTC), knowledge_dir=knowledge_dir,
        embedder=embedder, added=len(report.added), replaced=len(report.replaced),
        unchanged=len(report.unchanged), removed=len(report.removed),
        chunks_written=report.chunks_written, problems=list(report.problems))
    session.add(row)
    return row


def get_order(*, session: Session, order_id: str) -> OrderRow | None:
    return session.get(OrderRow, order_id)


def orders_of_buyer(*, session: Session, buyer_id: str, limit: int = 5) -> list[OrderRow]:
    stmt = (select(OrderRow).where(OrderRow.buyer_id == buyer_id)
            .order_by(OrderRow.placed_at.desc()).limit(limit))
    return list(session.scalars(stmt))


def counts(*, session: Session) -> dict[str, Any]:
    return {
        "buyers": session.scalar(select(func.count()).select_from(BuyerRow)) or 0,
        "orders": session.scalar(select(func.count()).select_from(OrderRow)) or 0,
        "ingest_runs": session.scalar(select(func.count()).select_from(IngestRunRow)) or 0,
    }
