"""Workspace speed with 10,000 conversations in the database: the inbox page (HTML), the inbox API and
the conversation API, over real HTTP.

Run: `make bench` (or .venv/bin/python -m benchmarks.workspace [--database-url URL]).
Writes benchmarks/results/workspace.json.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import insert, text

from benchmarks.common import header, pct, report
from bot.api.app import create_app
from bot.config import REPO_ROOT, Settings
from bot.domain import Message
from bot.services import Services
from bot.store import repositories as repo
from bot.store.models import CaseRow, CaseStepRow, ConversationRow, DraftRow, MessageRow
from bot.workspace import auth
from bot.workspace.conversations import draft_row, rank_of

N_CONV, N_REQ = 10_000, 200
BUYERS = [f"B-{1001 + i}" for i in range(15)]
TEXTS = ["where is my order??", "the dress is too small", "refund pls it broke", "¿dónde está mi pedido?",
         "kak paket saya belum sampai", "衣服太小了，想换大一号", "is there a coupon?", "can I change the address"]


def seed(services: Services, now: datetime) -> None:
    """10k conversations with messages, a suggestion each, and cases (bulk inserts, not the pipeline)."""
    with services.db.session() as s:
        repo.seed_demo_shop(session=s, kb=services.knowledge)
    template = services.copilot.draft([Message(id="t", text="where is my order?", buyer_id="B-1001",
                                               order_id="576102938475610003")], now=now)[0]
    rng = random.Random(7)
    intents = ["where_is_my_order", "wrong_size_or_colour", "refund_request", "damaged_or_defective",
               "product_or_size_question", "exchange_request", "coupon_or_price", "other"]
    convs, msgs, drafts, cases_, steps = [], [], [], [], []
    for i in range(1, N_CONV + 1):
        first = now - timedelta(minutes=rng.uniform(1, 3 * 24 * 60))
        status = rng.choices(["open", "waiting_approval", "resolved"], [70, 10, 20])[0]
        c = ConversationRow(id=i, buyer_id=rng.choice(BUYERS), order_id=None, channel=rng.choice(
            ["chat", "chat", "chat", "email", "hotline"]), status=status, urgent=rng.random() < 0.15,
            intent=rng.choice(intents), sentiment=rng.choice(["angry", "negative", "neutral", "positive"]),
            language=rng.choice(["en", "es", "id", "zh"]), needs_approval=status == "waiting_approval",
            first_message_at=first, last_message_at=first + timedelta(minutes=5), awaiting_reply=rng.random() < 0.6,
            first_response_at=first + timedelta(minutes=30) if rng.random() < 0.5 else None,
            resolved_at=first + timedelta(hours=5) if status == "resolved" else None)
        c.priority = {"chat": "red", "hotline": "orange", "email": "yellow"}[c.channel]
        c.rank = rank_of(c)
        convs.append({col.key: getattr(c, col.key) for col in ConversationRow.__table__.columns})
        for j in range(3):
            msgs.append({"conversation_id": i, "direction": "in" if j != 1 else "out", "channel": c.channel,
                         "author": "buyer" if j != 1 else "agent", "text": rng.choice(TEXTS),
                         "created_at": first + timedelta(minutes=j), "auto": False})
        d = draft_row(template, i, None, now)
        drafts.append({k: getattr(d, k) for k in [col.key for col in DraftRow.__table__.columns] if k != "id"})
        if c.intent != "other":
            cases_.append({"id": i, "conversation_id": i, "buyer_id": c.buyer_id, "order_id": None,
                           "issue_type": c.intent, "status": "closed" if status == "resolved" else "open",
                           "opened_at": first})
            steps.append({"case_id": i, "step": "opened", "owner": "shopbot", "at": first, "note": None})
    with services.db.session() as s:
        for table, rows in ((ConversationRow, convs), (MessageRow, msgs), (DraftRow, drafts), (CaseRow, cases_),
                            (CaseStepRow, steps)):
            for k in range(0, len(rows), 2000):
                s.execute(insert(table), rows[k:k + 2000])
    if services.db.engine.dialect.name == "postgresql":  # keep the sequences past the explicit ids
        with services.db.session() as s:
            for table in ("conversations", "cases"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {N_CONV})"))


def timed(http: httpx.Client, paths: list[str]) -> dict[str, float]:
    for p in paths[:10]:
        http.get(p).raise_for_status()
    lat = []
    for p in paths:
        t = time.perf_counter()
        http.get(p).raise_for_status()
        lat.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(statistics.median(lat), 1), "p95_ms": round(pct(lat, 95), 1),
            "max_ms": round(max(lat), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), knowledge_dir=REPO_ROOT / "knowledge",
                            database_url=args.database_url, dispatcher=False)
        services = Services(settings)
        now = datetime.now(UTC)
        t = time.perf_counter()
        seed(services, now)
        seeded_s = time.perf_counter() - t
        with services.db.session() as s:
            user = auth.add_user(session=s, username="bench", password="bench-password", role="supervisor")
            token = auth.create_token(session=s, user_id=user.id, name="bench")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(settings, services), host="127.0.0.1", port=port,
                                               log_level="error"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        rng = random.Random(3)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            result = {
                **header(), "database": services.db.engine.dialect.name, "conversations": N_CONV,
                "seed_s": round(seeded_s, 1),
                "inbox_page_html": timed(http, ["/inbox"] * N_REQ),
                "inbox_page_html_page_100": timed(http, ["/inbox?page=100"] * N_REQ),
                "inbox_api": timed(http, ["/api/conversations"] * N_REQ),
                "inbox_api_filtered": timed(http, ["/api/conversations?priority=red&urgent=true"] * N_REQ),
                "conversation_api": timed(http, [f"/api/conversations/{rng.randint(1, N_CONV)}"
                                                 for _ in range(N_REQ)]),
                "conversation_page_html": timed(http, [f"/conversations/{rng.randint(1, N_CONV)}"
                                                       for _ in range(N_REQ)]),
            }
        server.should_exit = True
    report("workspace" if result["database"] == "sqlite" else f"workspace-{result['database']}", result)


if __name__ == "__main__":
    main()
