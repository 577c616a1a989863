"""Migrations and the demo shop seed on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from bot.kb.loader import load_knowledge
from bot.store import repositories as repo
from bot.store.db import Database
from bot.store.models import BuyerRow
from tests.conftest import KNOWLEDGE


def test_migrations_and_seed(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    db.migrate()  # idempotent
    tables = set(inspect(db.engine).get_table_names())
    assert {"buyers", "orders", "ingest_runs", "alembic_version"} <= tables

    kb = load_knowledge(KNOWLEDGE)
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    with db.session() as s:
        n = repo.seed_demo_shop(session=s, kb=kb, now=now)
    with db.session() as s:
        repo.seed_demo_shop(session=s, kb=kb, now=now)  # re-seeding updates, never duplicates
        counts = repo.counts(session=s)
        assert counts["orders"] == n == len(kb.orders)
        assert counts["buyers"] == len(kb.buyers)
        vip = [b for b in s.query(BuyerRow).all() if b.vip]
        assert vip and all(float(b.lifetime_spend) >= 500 for b in vip)
        some = next(iter(kb.orders.values()))
        row = repo.get_order(session=s, order_id=some.order_id)
        assert row is not None and row.items[0]["sku"] == some.items[0].sku
        assert repo.orders_of_buyer(session=s, buyer_id=some.buyer_id)
    db.engine.dispose()


def test_failed_transaction_writes_nothing(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(BuyerRow(buyer_id="B-X", display_name="X", language="en", country="US",
                       lifetime_spend=1, vip=False))
        s.flush()
        raise RuntimeError("boom")
    with db.session() as s:
        assert s.get(BuyerRow, "B-X") is None
    db.engine.dispose()
