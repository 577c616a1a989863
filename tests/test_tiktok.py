"""The whole TikTok Shop loop over real HTTP: the simulator (a separate app that checks signatures
and tokens like the platform) pushes signed webhooks to shopbot, shopbot triages, drafts, auto-replies
or hands over, and carries approved decisions back through the API client."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.api.app import create_app
from bot.config import Settings
from bot.integrations.tiktok.client import TikTokShopClient
from bot.integrations.tiktok.signing import NEW_MESSAGE, webhook_signature
from bot.integrations.tiktok.simulator import create_simulator
from bot.services import Services
from bot.store.models import ApprovalRow, AutoReplyRow, ConversationRow, MessageRow, WebhookEventRow
from bot.workspace import auth
from tests.conftest import KNOWLEDGE, PASSWORDS

KEY, SECRET = "test-app-key", "test-app-secret-0123456789"
WISMO = {"buyer": "B-1010", "order_id": "576102938475610025", "text": "hi when will my package arrive?"}
REFUND = {"buyer": "B-1012", "order_id": "576102938475610028",
          "text": "REFUND NOW. the strap snapped on day one, worst quality ever"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(app: Any, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    assert server.started
    return server, thread


def wait_until(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll (never a fixed sleep) until `check` returns something truthy."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Loop:
    services: Services
    shop: str
    sim: str
    tokens: dict[str, str]

    def count(self, model: type, **where: object) -> int:
        with self.services.db.session() as s:
            stmt = select(func.count()).select_from(model)
            for k, v in where.items():
                stmt = stmt.where(getattr(model, k) == v)
            return int(s.scalar(stmt) or 0)

    def api(self, role: str) -> httpx.Client:
        return httpx.Client(base_url=self.shop, headers={"Authorization": f"Bearer {self.tokens[role]}"}, timeout=30)

    def buyer_says(self, body: dict[str, str]) -> dict[str, Any]:
        r = httpx.post(f"{self.sim}/sim/buyers/{body['buyer']}/messages",
                       json={"text": body["text"], "order_id": body.get("order_id")}, timeout=30)
        assert r.status_code == 200 and r.json()["delivered"], r.text
        return dict(r.json())

    def conversation_of(self, external: str) -> int:
        def find() -> int | None:
            with self.services.db.session() as s:
                return s.scalar(select(ConversationRow.id).where(ConversationRow.external_id == external))
        return int(wait_until(find, what=f"conversation {external}"))

    def auto_reply(self, cid: int) -> AutoReplyRow:
        def decided() -> AutoReplyRow | None:
            with self.services.db.session() as s:
                row = s.scalar(select(AutoReplyRow).where(AutoReplyRow.conversation_id == cid)
                               .order_by(AutoReplyRow.id.desc()))
                return row if row is not None and row.status != "pending" else None
        return wait_until(decided, what="the auto-reply decision")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def loop(demo: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    shop_port, sim_port = _port(), _port()
    sim_url, shop_url = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{shop_port}"
    data = tmp_path_factory.mktemp("tiktok")
    settings = Settings(data_dir=data, knowledge_dir=KNOWLEDGE, database_url=f"sqlite:///{Path(data) / 'shop.db'}",
                        chroma_path=demo.settings.resolved_chroma_path, tiktok_app_key=KEY,
                        tiktok_app_secret=SecretStr(SECRET), tiktok_api_base=sim_url, tiktok_auth_base=sim_url,
                        tiktok_shop_cipher="SIM", tiktok_refresh_token=SecretStr("sim-refresh-token"),
                        dispatcher_poll_s=0.1, agent_presence_seconds=60)
    services = Services(settings, embedder=demo.embedder)
    services.dispatcher.policy = services.dispatcher.policy.model_copy(update={"thinking_seconds": 0.3})
    tokens = {}
    with services.db.session() as s:
        for role, password in PASSWORDS.items():
            row = auth.add_user(session=s, username=role, password=password, role=role)
            tokens[role] = auth.create_token(session=s, user_id=row.id, name="t")
    sim_server = _serve(create_simulator(app_key=KEY, app_secret=SECRET, webhook_url=f"{shop_url}/webhooks/tiktok",
                                         orders=services.knowledge.orders), sim_port)
    shop_server, shop_thread = _serve(create_app(settings, services), shop_port)
    yield Loop(services, shop_url, sim_url, tokens)
    shop_server.should_exit = True  # shopbot first, so nothing is sent to a simulator that is gone
    shop_thread.join(timeout=15)
    sim_server[0].should_exit = True


def _push(loop: Loop, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"content-type": "application/json"} | ({"authorization": signature} if signature else {})
    return httpx.post(f"{loop.shop}/webhooks/tiktok", content=body, headers=headers)


def _event(nid: str, ts: float, text: str = "hello?") -> bytes:
    data = {"conversation_id": f"c-{nid}", "message_id": f"m-{nid}", "type": "TEXT",
            "content": json.dumps({"content": text}), "sender": {"role": "BUYER", "im_user_id": "B-1002"}}
    return json.dumps({"type": NEW_MESSAGE, "tts_notification_id": nid, "shop_id": "S", "timestamp": int(ts),
                       "data": data}).encode()


def test_webhook_signatures_valid_forged_stale_and_malformed(loop: Loop) -> None:
    before = loop.count(WebhookEventRow)
    good = _event("sig-ok", time.time())
    assert _push(loop, good, webhook_signature(KEY, SECRET, good)).json()["message"] == "stored"
    forged = _push(loop, good.replace(b"hello?", b"refund!"), webhook_signature(KEY, SECRET, good))
    assert forged.status_code == 401 and "does not match" in forged.json()["message"]
    assert _push(loop, good, webhook_signature(KEY, "wrong-secret", good)).status_code == 401
    assert _push(loop, good, None).status_code == 401
    stale = _event("sig-stale", time.time() - 3600)
    r = _push(loop, stale, webhook_signature(KEY, SECRET, stale))
    assert r.status_code == 401 and "stale" in r.json()["message"]
    junk = b'{"type": 14, "data": '
    r = _push(loop, junk, webhook_signature(KEY, SECRET, junk))
    assert r.status_code == 400 and "malformed" in r.json()["message"]
    assert loop.count(WebhookEventRow) == before + 1


def test_redelivered_events_become_one_message(loop: Loop) -> None:
    sent = loop.buyer_says({"buyer": "B-1006", "text": "halo kak, ada warna lain?"})
    again = httpx.post(f"{loop.sim}/sim/notifications/{sent['notification_id']}/redeliver").json()
    assert again["delivered"] is True
    body = _event("dup-1", time.time())
    sig = webhook_signature(KEY, SECRET, body)
    assert [_push(loop, body, sig).json()["message"] for _ in range(3)] == ["stored", "duplicate", "duplicate"]
    cid = loop.conversation_of(sent["conversation_id"])
    assert loop.count(MessageRow, conversation_id=cid, direction="in") == 1
    assert loop.count(WebhookEventRow, notification_id=sent["notification_id"]) == 1


def test_a_tracking_question_is_answered_automatically(loop: Loop) -> None:
    sent = loop.buyer_says(WISMO)
    cid = loop.conversation_of(sent["conversation_id"])
    decision = loop.auto_reply(cid)
    assert decision.status == "sent", decision.reason
    checks = decision.policy["decision"]["checks"]  # type: ignore[index]
    assert checks["intent"] == "where_is_my_order" and checks["guardrails_passed"] and checks["substantive"]
    thread = httpx.get(f"{loop.sim}/sim/conversations/{sent['conversation_id']}").json()["messages"]
    reply = [m for m in thread if m["sender"] == "SHOP"]
    assert len(reply) == 1 and len(reply[0]["text"]) > 60  # a real answer, not a bare greeting
    with loop.services.db.session() as s:
        out = s.scalar(select(MessageRow).where(MessageRow.conversation_id == cid, MessageRow.direction == "out"))
        conv = s.get(ConversationRow, cid)
        assert out is not None and out.auto and out.external_id == reply[0]["message_id"]
        assert conv is not None and conv.first_response_at is not None
    listed = loop.api("agent").get(f"/api/conversations/{cid}/auto-replies").json()
    assert listed[-1]["status"] == "sent"


def test_a_refund_request_gets_an_acknowledgement_and_an_approval_request(loop: Loop) -> None:
    sent = loop.buyer_says(REFUND)
    cid = loop.conversation_of(sent["conversation_id"])
    decision = loop.auto_reply(cid)
    assert decision.status == "sent" and decision.policy["decision"]["kind"] == "acknowledgement"  # type: ignore[index]
    thread = httpx.get(f"{loop.sim}/sim/conversations/{sent['conversation_id']}").json()["messages"]
    ack = [m["text"] for m in thread if m["sender"] == "SHOP"]
    assert len(ack) == 1 and "refunded" not in ack[0].lower()
    with loop.services.db.session() as s:
        approval = s.scalar(select(ApprovalRow).where(ApprovalRow.conversation_id == cid))
        assert approval is not None and approval.status == "pending" and approval.proposed_by == "shopbot"


def test_an_agent_stepping_in_cancels_the_auto_reply(loop: Loop) -> None:
    dispatcher = loop.services.dispatcher
    dispatcher.policy = dispatcher.policy.model_copy(update={"thinking_seconds": 3})
    try:
        sent = loop.buyer_says({"buyer": "B-1015", "text": "is the ring adjustable?"})
        cid = loop.conversation_of(sent["conversation_id"])
        with httpx.Client(base_url=loop.shop) as browser:  # a person opens the conversation in the workspace
            csrf = browser.post("/api/auth/login", json={"username": "agent",
                                                         "password": PASSWORDS["agent"]}).json()["csrf_token"]
            assert browser.get(f"/api/conversations/{cid}").status_code == 200
            decision = loop.auto_reply(cid)
            assert decision.status == "cancelled" and "agent" in (decision.reason or "")
            sug = browser.get(f"/api/conversations/{cid}").json()["suggestion"]
            r = browser.post(f"/api/drafts/{sug['id']}/send", json={}, headers={"x-csrf-token": csrf})
            assert r.status_code == 200
        thread = httpx.get(f"{loop.sim}/sim/conversations/{sent['conversation_id']}").json()["messages"]
        assert [m["sender"] for m in thread] == ["BUYER", "SHOP"]  # the agent's reply only, delivered once
    finally:
        dispatcher.policy = dispatcher.policy.model_copy(update={"thinking_seconds": 0.3})


def test_an_approved_refund_is_executed_through_the_api_client(loop: Loop) -> None:
    order = "576102938475610017"
    sent = loop.buyer_says({"buyer": "B-1007", "order_id": order,
                            "text": "the play mat arrived torn down the middle, I want a refund please"})
    cid = loop.conversation_of(sent["conversation_id"])

    def pending() -> ApprovalRow | None:
        with loop.services.db.session() as s:
            return s.scalar(select(ApprovalRow).where(ApprovalRow.conversation_id == cid,
                                                      ApprovalRow.status == "pending"))
    approval = wait_until(pending, what="the approval request filed with the acknowledgement")
    assert approval.proposed_by == "shopbot"
    refund = next(o for o in approval.options if o["action"] in ("refund", "partial_refund"))
    r = loop.api("supervisor").post(f"/api/approvals/{approval.id}/approve", json={"option_id": refund["id"]})
    assert r.status_code == 200, r.text
    assert [e["action"] for e in r.json()["audit"]][-1] == "executed"

    def executed() -> list[dict[str, Any]]:
        decisions = httpx.get(f"{loop.sim}/sim/decisions").json()["decisions"]
        return [d for d in decisions if d["order_id"] == order]
    mine = executed()
    assert [d["kind"] for d in mine] == ["REFUND"]
    assert mine[0]["refund_amount"]["amount"] == f"{refund['amount']:.2f}"
    again = loop.api("supervisor").post(f"/api/approvals/{approval.id}/execute").json()  # a retry is idempotent
    assert again["executed"] and len(executed()) == 1
    assert loop.api("agent").post(f"/api/approvals/{approval.id}/execute").status_code == 403
    detail = loop.api("agent").get(f"/api/conversations/{cid}").json()
    assert detail["case"]["steps"][-1]["step"] == "executed"


def test_the_owner_switches_auto_replies_off_at_once(loop: Loop) -> None:
    assert loop.api("supervisor").put("/api/auto-replies/settings", json={"enabled": False}).status_code == 403
    assert loop.api("owner").put("/api/auto-replies/settings", json={"enabled": False}).json() == {
        "switched_on": False}
    try:
        sent = loop.buyer_says({"buyer": "B-1011", "text": "你好，这款有没有优惠券？"})
        decision = loop.auto_reply(loop.conversation_of(sent["conversation_id"]))
        assert decision.status == "skipped" and "switched off" in (decision.reason or "")
    finally:
        loop.api("owner").put("/api/auto-replies/settings", json={"enabled": True})


def test_the_client_signs_retries_and_refreshes_its_token(loop: Loop) -> None:
    client = TikTokShopClient(base_url=loop.sim, auth_url=loop.sim, app_key=KEY, app_secret=SECRET,
                              shop_cipher="SIM", access_token="expired-token", refresh_token="sim-refresh-token",
                              backoff_s=0.01)
    sent = loop.buyer_says({"buyer": "B-1013", "text": "hola?"})
    httpx.post(f"{loop.sim}/sim/faults", json={"statuses": [503, 429]})
    mid = client.send_text(sent["conversation_id"], "Hola, aquí estamos.", "retry-test-1")
    assert mid and client.access_token != "expired-token"  # refreshed after a 401, then retried past 503 and 429
    assert client.send_text(sent["conversation_id"], "Hola, aquí estamos.", "retry-test-1") == mid  # idempotent
    wrong = TikTokShopClient(base_url=loop.sim, auth_url=loop.sim, app_key=KEY, app_secret="not-the-secret",
                             shop_cipher="SIM", access_token="sim-access-token", refresh_token=None, backoff_s=0.01)
    with pytest.raises(Exception, match="signature is invalid"):
        wrong.send_text(sent["conversation_id"], "x", "k")


def test_the_client_reads_orders_tracking_and_conversations(loop: Loop) -> None:
    client = TikTokShopClient(base_url=loop.sim, auth_url=loop.sim, app_key=KEY, app_secret=SECRET,
                              shop_cipher="SIM", access_token=None, refresh_token="sim-refresh-token")
    orders = client.orders([WISMO["order_id"], "000000000000000000"])
    assert [o["id"] for o in orders] == [WISMO["order_id"]] and orders[0]["status"] == "IN_TRANSIT"
    events = client.tracking(WISMO["order_id"])
    assert events and events == sorted(events, key=lambda e: -e["update_time_millis"])
    sent = loop.buyer_says({"buyer": "B-1014", "text": "halo"})
    assert sent["conversation_id"] in [c["id"] for c in client.conversations(page_size=50)]
    assert client.messages(sent["conversation_id"])[0]["text"] == "halo"
    client.mark_read(sent["conversation_id"])
    cancel_id = client.cancel_order(order_id=WISMO["order_id"], reason="buyer asked", idempotency_key="c-1")
    assert cancel_id == client.cancel_order(order_id=WISMO["order_id"], reason="buyer asked", idempotency_key="c-1")
    with pytest.raises(Exception, match="not found"):
        client.tracking("000000000000000000")
