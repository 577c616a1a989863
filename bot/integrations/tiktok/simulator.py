"""A local TikTok Shop for tests and the demo: the API shapes and signing shopbot relies on, plus
"simulated buyer" controls that push signed webhooks to shopbot, so the whole loop runs offline.

Not a mock inside shopbot: it is a separate HTTP app that checks every signature and token the way
the platform does, and answers with the platform's envelope {"code", "message", "request_id", "data"}.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.integrations.tiktok.signing import NEW_MESSAGE, api_signature, webhook_signature
from bot.kb.schemas import Order

BAD_SIGN, BAD_TOKEN, BAD_REQUEST, NOT_FOUND = 106001, 105002, 36009004, 36009003


class BuyerMessage(BaseModel):
    text: str = Field(min_length=1, max_length=8000)
    order_id: str | None = None


class RawEvent(BaseModel):
    type: int
    data: dict[str, Any]


class Faults(BaseModel):
    statuses: list[int] = []


class SimState:
    """Everything the simulated platform remembers (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.conversations: dict[str, dict[str, Any]] = {}
        self.by_buyer: dict[str, str] = {}
        self.notifications: dict[str, bytes] = {}
        self.deliveries: list[dict[str, Any]] = []
        self.decisions: list[dict[str, Any]] = []
        self.idempotent: dict[str, dict[str, Any]] = {}
        self.faults: list[int] = []
        self.tokens: set[str] = set()
        self.calls: list[str] = []
        self.pushed_at: dict[str, float] = {}  # first delivery attempt of each push (for latency benchmarks)

    def next(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids)}"


def _ok(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "Success", "request_id": secrets.token_hex(8), "data": data})


def _err(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "request_id": secrets.token_hex(8), "data": None},
                        status_code=status)


def create_simulator(*, app_key: str, app_secret: str, webhook_url: str | None, shop_id: str = "SIM-SHOP",
                     access_token: str = "sim-access-token", refresh_token: str = "sim-refresh-token",
                     clock_skew_s: float = 300, orders: dict[str, Order] | None = None) -> FastAPI:
    """The simulator app; `webhook_url` is where buyer events are pushed (shopbot's /webhooks/tiktok)."""
    app = FastAPI(title="TikTok Shop simulator (shopbot tests and demo)")
    state = SimState()
    state.tokens.add(access_token)
    app.state.sim = state
    app.state.webhook_url = webhook_url
    known = dict(orders or {})

    async def push(event_type: int, data: dict[str, Any]) -> dict[str, Any]:
        nid = state.next("sim-n-")
        body = json.dumps({"type": event_type, "tts_notification_id": nid, "shop_id": shop_id,
                           "timestamp": int(time.time()), "data": data}, ensure_ascii=False).encode()
        state.notifications[nid] = body
        return {"notification_id": nid, **await deliver(nid)}

    async def deliver(nid: str) -> dict[str, Any]:
        body = state.notifications[nid]
        url = app.state.webhook_url
        state.pushed_at.setdefault(nid, time.time())
        if not url:
            return {"delivered": False, "status": None}
        headers = {"authorization": webhook_signature(app_key, app_secret, body), "content-type": "application/json"}
        status = None
        async with httpx.AsyncClient(timeout=10) as http:
            for _ in range(3):  # the platform redelivers until it gets a 2xx
                try:
                    status = (await http.post(url, content=body, headers=headers)).status_code
                except httpx.HTTPError:
                    status = None
                if status is not None and status < 300:
                    break
        state.deliveries.append({"notification_id": nid, "status": status})
        return {"delivered": status is not None and status < 300, "status": status}

    @app.middleware("http")
    async def check_signed(request: Request, call_next: Any) -> Any:
        path = request.url.path
        if path.startswith(("/sim/", "/api/v2/token")) or path in ("/docs", "/openapi.json"):
            return await call_next(request)
        q = dict(request.query_params)
        raw = await request.body()
        if q.get("app_key") != app_key or "sign" not in q:
            return _err(401, BAD_SIGN, "app_key or sign missing")
        if abs(time.time() - float(q.get("timestamp", 0))) > clock_skew_s:
            return _err(401, BAD_SIGN, "timestamp expired")
        if api_signature(app_secret, path, q, raw) != q["sign"]:
            return _err(401, BAD_SIGN, "signature is invalid")
        if request.headers.get("x-tts-access-token") not in state.tokens:
            return _err(401, BAD_TOKEN, "access token is invalid or expired")
        with state.lock:
            state.calls.append(f"{request.method} {path}")
            if state.faults:
                status = state.faults.pop(0)
                return _err(status, 50000 + status, "simulated fault")
        key = request.headers.get("idempotency-key")
        if key and key in state.idempotent:
            return _ok(state.idempotent[key])
        response = await call_next(request)
        if key and response.status_code == 200:
            chunks = [c async for c in response.body_iterator]
            body = b"".join(chunks)
            data = json.loads(body).get("data") or {}
            state.idempotent[key] = data
            return _ok(data)
        return response

    @app.get("/api/v2/token/refresh")
    def refresh_token_view(request: Request) -> JSONResponse:
        q = request.query_params
        if q.get("app_key") != app_key or q.get("app_secret") != app_secret or q.get("refresh_token") != refresh_token:
            return _err(401, BAD_TOKEN, "refresh token is invalid")
        token = secrets.token_urlsafe(16)
        state.tokens.add(token)
        return _ok({"access_token": token, "access_token_expire_in": int(time.time()) + 7200,
                    "refresh_token": refresh_token})

    @app.post("/customer_service/202309/conversations/{cid}/messages")
    async def send_message(cid: str, request: Request) -> JSONResponse:
        conv = state.conversations.get(cid)
        if conv is None:
            return _err(404, NOT_FOUND, f"conversation {cid} not found")
        body = await request.json()
        if body.get("type") != "TEXT":
            return _err(400, BAD_REQUEST, "only TEXT messages are supported")
        text = json.loads(body["content"])["content"]
        mid = state.next("sim-msg-")
        conv["messages"].append({"message_id": mid, "sender": "SHOP", "text": text, "create_time": int(time.time()),
                                 "received_at": time.time()})
        return _ok({"message_id": mid})

    @app.get("/customer_service/202309/conversations/{cid}/messages")
    def list_messages(cid: str) -> JSONResponse:
        conv = state.conversations.get(cid)
        if conv is None:
            return _err(404, NOT_FOUND, f"conversation {cid} not found")
        return _ok({"messages": conv["messages"]})

    @app.get("/customer_service/202309/conversations")
    def list_conversations() -> JSONResponse:
        return _ok({"conversations": [{"id": k, "buyer_id": v["buyer_id"]} for k, v in state.conversations.items()]})

    @app.post("/customer_service/202309/conversations/{cid}/messages/read")
    def mark_read(cid: str) -> JSONResponse:
        return _ok({}) if cid in state.conversations else _err(404, NOT_FOUND, f"conversation {cid} not found")

    def order_json(o: Order) -> dict[str, Any]:
        currency = "IDR" if o.market == "ID" else "EUR" if o.market == "ES" else "MXN" if o.market == "MX" else "USD"
        return {"id": o.order_id, "status": o.status.upper(), "buyer_user_id": o.buyer_id,
                "payment": {"total_amount": f"{o.total:.2f}", "currency": currency},
                "line_items": [{"seller_sku": i.sku, "sku_name": i.option, "quantity": i.qty,
                                "sale_price": f"{i.unit_price:.2f}"} for i in o.items],
                "tracking_number": o.tracking_number, "shipping_provider": o.carrier}

    @app.get("/order/202309/orders")
    def get_orders(ids: str = "") -> JSONResponse:
        wanted = [i for i in ids.split(",") if i][:50]
        if not wanted:
            return _err(400, BAD_REQUEST, "ids is required")
        return _ok({"orders": [order_json(known[i]) for i in wanted if i in known]})

    @app.get("/fulfillment/202309/orders/{order_id}/tracking")
    def get_tracking(order_id: str) -> JSONResponse:
        o = known.get(order_id)
        if o is None:
            return _err(404, NOT_FOUND, f"order {order_id} not found")
        now_ms = int(time.time() * 1000)
        events = sorted(o.tracking_events, key=lambda e: e.days_ago)
        return _ok({"tracking": [{"description": f"{e.description} ({e.location})",
                                  "update_time_millis": now_ms - int(e.days_ago * 86_400_000)} for e in events]})

    @app.post("/return_refund/202309/returns")
    async def create_return(request: Request) -> JSONResponse:
        body = await request.json()
        if body.get("return_type") not in ("REFUND", "RETURN_AND_REFUND", "REPLACEMENT") or not body.get("order_id"):
            return _err(400, BAD_REQUEST, "order_id and a return_type are required")
        rid = state.next("sim-ret-")
        state.decisions.append({"id": rid, "kind": body["return_type"], **body})
        return _ok({"return_id": rid})

    @app.post("/return_refund/202309/cancellations")
    async def cancel(request: Request) -> JSONResponse:
        body = await request.json()
        cid = state.next("sim-cancel-")
        state.decisions.append({"id": cid, "kind": "CANCEL", **body})
        return _ok({"cancel_id": cid})

    # -- simulated buyers and test controls ---------------------------------------------------------
    @app.post("/sim/buyers/{buyer_id}/messages")
    async def buyer_says(buyer_id: str, msg: BuyerMessage) -> JSONResponse:
        with state.lock:
            cid = state.by_buyer.get(buyer_id)
            if cid is None:
                cid = state.by_buyer[buyer_id] = state.next("sim-conv-")
                state.conversations[cid] = {"buyer_id": buyer_id, "messages": []}
            mid = state.next("sim-msg-")
            state.conversations[cid]["messages"].append(
                {"message_id": mid, "sender": "BUYER", "text": msg.text, "create_time": int(time.time())})
        data = {"conversation_id": cid, "message_id": mid, "type": "TEXT", "create_time": int(time.time()),
                "content": json.dumps({"content": msg.text}, ensure_ascii=False),
                "sender": {"role": "BUYER", "im_user_id": buyer_id}, "order_id": msg.order_id}
        return JSONResponse({"conversation_id": cid, "message_id": mid, **await push(NEW_MESSAGE, data)})

    @app.post("/sim/events")
    async def raw_event(event: RawEvent) -> JSONResponse:
        return JSONResponse(await push(event.type, event.data))

    @app.post("/sim/notifications/{nid}/redeliver")
    async def redeliver(nid: str) -> JSONResponse:
        if nid not in state.notifications:
            return _err(404, NOT_FOUND, f"notification {nid} not found")
        return JSONResponse({"notification_id": nid, **await deliver(nid)})

    @app.get("/sim/conversations/{cid}")
    def sim_conversation(cid: str) -> JSONResponse:
        conv = state.conversations.get(cid)
        return JSONResponse(conv) if conv else _err(404, NOT_FOUND, f"conversation {cid} not found")

    @app.get("/sim/decisions")
    def sim_decisions() -> JSONResponse:
        return JSONResponse({"decisions": state.decisions})

    @app.post("/sim/faults")
    def sim_faults(faults: Faults) -> JSONResponse:
        state.faults.extend(faults.statuses)
        return JSONResponse({"pending_faults": len(state.faults)})

    @app.get("/sim/notifications/{nid}")
    def sim_notification(nid: str) -> JSONResponse:
        if nid not in state.notifications:
            return _err(404, NOT_FOUND, f"notification {nid} not found")
        return JSONResponse({"notification_id": nid, "pushed_at": state.pushed_at.get(nid),
                             "event": json.loads(state.notifications[nid])})

    @app.get("/sim/stats")
    def sim_stats() -> JSONResponse:
        return JSONResponse({"calls": len(state.calls), "deliveries": len(state.deliveries),
                             "decisions": len(state.decisions)})

    return app
