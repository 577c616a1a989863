"""The auto-reply policy and the signing rules, as plain functions."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from bot.errors import KnowledgeError
from bot.integrations.tiktok.signing import WebhookRejected, api_signature, verify_webhook, webhook_signature
from bot.routing.autoreply import AutoReplyPolicy, decide, load_policy

POLICY = AutoReplyPolicy(enabled=True, intents=["where_is_my_order", "product_or_size_question"])
GOOD = {"switched_on": True, "now": datetime(2026, 11, 24, 15, tzinfo=UTC), "intent": "where_is_my_order",
        "confidence": 0.95, "approval_required": False, "guardrails_passed": True, "auto_send_ok": True,
        "text": "Your parcel left the Memphis hub this morning and is due on Friday; track it or ask me more.",
        "choices": ["track"], "facts": 2, "script": "in_transit_on_time"}


def test_a_safe_answer_is_sent() -> None:
    d = decide(POLICY, **GOOD)  # type: ignore[arg-type]
    assert d.send and d.kind == "answer"


@pytest.mark.parametrize(("change", "reason"), [
    ({"switched_on": False}, "switched off"),
    ({"guardrails_passed": False}, "guardrails"),
    ({"text": "Hi! How can I help?"}, "substantive"),
    ({"choices": [], "facts": 0}, "substantive"),
    ({"script": "holding"}, "substantive"),
    ({"intent": "coupon_or_price"}, "not auto-answered"),
    ({"confidence": 0.5}, "confidence"),
    ({"auto_send_ok": False}, "left to an agent"),
])
def test_anything_doubtful_is_left_to_an_agent(change: dict[str, object], reason: str) -> None:
    d = decide(POLICY, **{**GOOD, **change})  # type: ignore[arg-type]
    assert not d.send and reason in d.reason


def test_remedies_get_an_acknowledgement_never_an_answer() -> None:
    d = decide(POLICY, **{**GOOD, "intent": "refund_request", "approval_required": True})  # type: ignore[arg-type]
    assert d.send and d.kind == "acknowledgement"
    quiet = POLICY.model_copy(update={"acknowledge_approvals": False})
    assert not decide(quiet, **{**GOOD, "approval_required": True}).send  # type: ignore[arg-type]


def test_opening_hours_are_respected() -> None:
    hours = {"timezone": "Asia/Jakarta", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
    policy = AutoReplyPolicy.model_validate({**POLICY.model_dump(), "hours": hours})
    tuesday_noon_jakarta = datetime(2026, 11, 24, 5, tzinfo=UTC)
    assert decide(policy, **{**GOOD, "now": tuesday_noon_jakarta}).send  # type: ignore[arg-type]
    saturday = datetime(2026, 11, 28, 5, tzinfo=UTC)
    assert "opening hours" in decide(policy, **{**GOOD, "now": saturday}).reason  # type: ignore[arg-type]


def test_a_bad_policy_file_is_a_clear_error() -> None:
    with pytest.raises(KnowledgeError, match="remedy intents"):
        load_policy({"auto_reply": {"enabled": True, "intents": ["refund_request"]}})
    with pytest.raises(KnowledgeError, match="unknown timezone"):
        load_policy({"auto_reply": {"hours": {"timezone": "Mars/Olympus", "days": ["mon"], "start": "09:00",
                                              "end": "10:00"}}})
    with pytest.raises(KnowledgeError, match="extra"):
        load_policy({"auto_reply": {"enabled": True, "send_everything": True}})


def test_request_signatures_cover_path_params_and_body_but_not_the_token() -> None:
    params = {"app_key": "k", "timestamp": "1700000000", "shop_cipher": "c"}
    base = api_signature("s", "/a", params, b'{"x":1}')
    assert base == api_signature("s", "/a", {**params, "access_token": "t", "sign": "old"}, b'{"x":1}')
    assert base != api_signature("s", "/b", params, b'{"x":1}')
    assert base != api_signature("s", "/a", {**params, "page_size": "5"}, b'{"x":1}')
    assert base != api_signature("s", "/a", params, b'{"x":2}')
    assert base != api_signature("other", "/a", params, b'{"x":1}')


def test_webhook_verification() -> None:
    body = f'{{"type": 14, "tts_notification_id": "n1", "timestamp": {int(time.time())}, "data": {{}}}}'.encode()
    ok = verify_webhook(app_key="k", secret="s", body=body, signature=webhook_signature("k", "s", body), max_age_s=60)
    assert ok.tts_notification_id == "n1"
    for sig, why in [(None, "missing"), ("00" * 32, "does not match"), (webhook_signature("k2", "s", body), "match")]:
        with pytest.raises(WebhookRejected, match=why):
            verify_webhook(app_key="k", secret="s", body=body, signature=sig, max_age_s=60)
    latin1 = "ñ".encode("latin-1")
    with pytest.raises(WebhookRejected, match="UTF-8") as err:
        verify_webhook(app_key="k", secret="s", body=latin1, signature=webhook_signature("k", "s", latin1),
                       max_age_s=60)
    assert err.value.status == 400
