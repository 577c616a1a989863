"""TikTok Shop signatures: API requests (HMAC-SHA256 over path, sorted parameters and body, wrapped in
the app secret) and webhook pushes (HMAC-SHA256 of app key + raw body, hex, in the Authorization header).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import InvalidInputError

UNSIGNED_PARAMS = ("sign", "access_token")

# Push event types we subscribe to (TikTok Shop webhook `type` numbers).
ORDER_STATUS_CHANGE = 1
CANCELLATION_STATUS_CHANGE = 11
RETURN_STATUS_CHANGE = 12
NEW_CONVERSATION = 13
NEW_MESSAGE = 14
EVENT_NAMES = {ORDER_STATUS_CHANGE: "order_status_change", CANCELLATION_STATUS_CHANGE: "cancellation_status_change",
               RETURN_STATUS_CHANGE: "return_status_change", NEW_CONVERSATION: "new_conversation",
               NEW_MESSAGE: "new_message"}


class WebhookRejected(InvalidInputError):
    """A push that must not be processed: bad signature, stale, malformed. `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


class WebhookEnvelope(BaseModel):
    """The outer shape of every push."""

    model_config = ConfigDict(extra="allow")

    type: int
    tts_notification_id: str = Field(min_length=1, max_length=128)
    shop_id: str | None = Field(default=None, max_length=64)
    timestamp: int
    data: dict[str, Any]


def api_signature(secret: str, path: str, params: dict[str, str], body: bytes = b"") -> str:
    """The `sign` query parameter of an API request."""
    keys = sorted(k for k in params if k not in UNSIGNED_PARAMS)
    base = path + "".join(f"{k}{params[k]}" for k in keys) + body.decode("utf-8")
    wrapped = f"{secret}{base}{secret}"
    return hmac.new(secret.encode(), wrapped.encode("utf-8"), hashlib.sha256).hexdigest()


def webhook_signature(app_key: str, secret: str, body: bytes) -> str:
    """The Authorization header TikTok Shop puts on a push."""
    return hmac.new(secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def verify_webhook(*, app_key: str, secret: str, body: bytes, signature: str | None, max_age_s: float,
                   now: datetime | None = None) -> WebhookEnvelope:
    """Check signature first (constant time), then shape, then age; raise WebhookRejected with a reason."""
    if not signature:
        raise WebhookRejected("missing signature (Authorization header)")
    expected = webhook_signature(app_key, secret, body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise WebhookRejected("signature does not match")
    try:
        envelope = WebhookEnvelope.model_validate(json.loads(body.decode("utf-8")))
    except UnicodeDecodeError as exc:
        raise WebhookRejected("body is not UTF-8", 400) from exc
    except (json.JSONDecodeError, ValidationError) as exc:
        raise WebhookRejected(f"malformed event: {str(exc)[:300]}", 400) from exc
    now = now or datetime.now(UTC)
    age = now.timestamp() - envelope.timestamp
    if abs(age) > max_age_s:
        raise WebhookRejected(f"stale event: sent {int(age)} s ago (limit {int(max_age_s)} s)")
    return envelope
