"""TikTok Shop loop speed over real HTTP: webhook receipt -> auto-reply delivered to the platform
(builtin engine, thinking time 0 so it is excluded), and sustained webhook intake with zero loss.

Run: `make bench` (or .venv/bin/python -m benchmarks.platform). Writes benchmarks/results/platform.json.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr
from sqlalchemy import func, select

from benchmarks.common import header, pct, report
from bot.api.app import create_app
from bot.config import REPO_ROOT, Settings
from bot.integrations.tiktok.signing import NEW_MESSAGE, webhook_signature
from bot.integrations.tiktok.simulator import create_simulator
from bot.services import Services
from bot.store.models import WebhookEventRow

KEY, SECRET = "bench-key", "bench-secret-0123456789abcdef"
N_LATENCY = 60
N_INTAKE, N_DUPLICATES, CONCURRENCY = 5000, 500, 16
QUESTIONS = [("B-1010", "576102938475610025", "hi when will my package arrive?"),
             ("B-1004", "576102938475610011", "donde esta mi pedido? cuando llega"),
             ("B-1015", None, "is the ring adjustable?"),
             ("B-1011", None, "你好，这款有没有优惠券？")]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(app: Any, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server


def latency(sim: str, n: int) -> list[float]:
    """Each simulated buyer writes once; time from the platform's push to our reply arriving there."""
    out = []
    with httpx.Client(base_url=sim, timeout=30) as http:
        for i in range(n):
            buyer, order, text = QUESTIONS[i % len(QUESTIONS)]
            sent = http.post(f"/sim/buyers/{buyer}-{i}/messages", json={"text": text, "order_id": order}).json()
            pushed = http.get(f"/sim/notifications/{sent['notification_id']}").json()["pushed_at"]
            deadline = time.time() + 10
            while time.time() < deadline:
                msgs = http.get(f"/sim/conversations/{sent['conversation_id']}").json()["messages"]
                shop = [m for m in msgs if m["sender"] == "SHOP"]
                if shop:
                    out.append((shop[0]["received_at"] - pushed) * 1000)
                    break
                time.sleep(0.005)
    return out


async def _load(shop: str) -> tuple[float, int, int]:
    """Signed pushes from CONCURRENCY connections; returns (events/s, acknowledged, refused)."""
    now = int(time.time())
    bodies = []
    for i in range(N_INTAKE):
        data = {"conversation_id": f"load-c-{i % 500}", "message_id": f"load-m-{i}", "type": "TEXT",
                "content": json.dumps({"content": "where is my order?"}),
                "sender": {"role": "SELLER", "im_user_id": "x"}}  # stored and acknowledged; not answered
        bodies.append(json.dumps({"type": NEW_MESSAGE, "tts_notification_id": f"load-{i}", "shop_id": "S",
                                  "timestamp": now, "data": data}).encode())
    bodies += bodies[:N_DUPLICATES]  # redeliveries
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    ok = refused = 0

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal ok, refused
        while not queue.empty():
            body = queue.get_nowait()
            r = await http.post("/webhooks/tiktok", content=body,
                                headers={"authorization": webhook_signature(KEY, SECRET, body)})
            ok, refused = (ok + 1, refused) if r.status_code == 200 else (ok, refused + 1)

    t = time.perf_counter()
    async with httpx.AsyncClient(base_url=shop, timeout=30) as http:
        await asyncio.gather(*(worker(http) for _ in range(CONCURRENCY)))
    return len(bodies) / (time.perf_counter() - t), ok, refused


def _load_process(shop: str, out: Any) -> None:
    out.put(asyncio.run(_load(shop)))


def intake(shop: str) -> tuple[float, int, int]:
    """The load comes from another process, as the platform's would (not sharing the server's GIL)."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_load_process, args=(shop, out))
    proc.start()
    result = out.get(timeout=600)
    proc.join(timeout=30)
    return result  # type: ignore[no-any-return]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shop_port, sim_port = _port(), _port()
        shop, sim = f"http://127.0.0.1:{shop_port}", f"http://127.0.0.1:{sim_port}"
        settings = Settings(data_dir=Path(tmp), knowledge_dir=REPO_ROOT / "knowledge", tiktok_app_key=KEY,
                            tiktok_app_secret=SecretStr(SECRET), tiktok_api_base=sim, tiktok_auth_base=sim,
                            tiktok_refresh_token=SecretStr("sim-refresh-token"), dispatcher_poll_s=0.05)
        services = Services(settings)
        services.dispatcher.policy = services.dispatcher.policy.model_copy(update={"thinking_seconds": 0})
        services.copilot.draft([])  # load the triage model before timing
        _serve(create_simulator(app_key=KEY, app_secret=SECRET, webhook_url=f"{shop}/webhooks/tiktok"), sim_port)
        _serve(create_app(settings, services), shop_port)
        latency(sim, 4)  # warm up
        lat = latency(sim, N_LATENCY)
        rate, ok, refused = intake(shop)
        with services.db.session() as s:
            stored = s.scalar(select(func.count()).select_from(WebhookEventRow)
                              .where(WebhookEventRow.notification_id.like("load-%"))) or 0
        deadline = time.time() + 120
        while time.time() < deadline:
            with services.db.session() as s:
                left = s.scalar(select(func.count()).select_from(WebhookEventRow)
                                .where(WebhookEventRow.status == "received")) or 0
            if not left:
                break
            time.sleep(0.2)
    result = {
        **header(), "database": "SQLite (default)", "engine": "builtin",
        "webhook_to_auto_reply_p50_ms": round(statistics.median(lat), 1),
        "webhook_to_auto_reply_p95_ms": round(pct(lat, 95), 1), "auto_replies_measured": len(lat),
        "intake_events_per_s": round(rate, 1), "intake_sent": N_INTAKE + N_DUPLICATES,
        "intake_acknowledged": ok, "intake_refused": refused, "intake_stored_unique": stored,
        "intake_lost": N_INTAKE - stored, "unprocessed_after_drain": left,
    }
    report("platform", result)


if __name__ == "__main__":
    main()
