"""TikTok Shop Open API client: signed requests, access tokens, timeouts, retries with backoff,
idempotency keys on writes and a client-side rate limit. Every call returns the envelope's `data`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.errors import BackendError
from bot.integrations.tiktok.signing import api_signature

log = logging.getLogger("shopbot.tiktok")
VERSION = "202309"
RETRY_STATUS = {429, 500, 502, 503, 504}


class RateLimiter:
    """A token bucket shared by the client's threads."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.capacity, self.clock = per_second, max(1.0, per_second), clock
        self.tokens, self.at = self.capacity, clock()
        self.lock = threading.Lock()

    def wait(self) -> None:
        while True:
            with self.lock:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
                self.at = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                delay = (1 - self.tokens) / self.rate
            time.sleep(delay)


class TikTokShopClient:
    """The Customer Service, order, logistics and return/refund calls shopbot relies on."""

    def __init__(self, *, base_url: str, auth_url: str, app_key: str, app_secret: str, shop_cipher: str,
                 access_token: str | None, refresh_token: str | None, timeout_s: float = 10.0,
                 max_retries: int = 3, rate_per_s: float = 20.0, backoff_s: float = 0.2,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.app_key, self.secret, self.shop_cipher = app_key, app_secret, shop_cipher
        self.access_token, self.refresh_token = access_token, refresh_token
        self.expires_at = 0.0 if access_token is None else float("inf")
        self.max_retries, self.backoff_s = max_retries, backoff_s
        self.limiter = RateLimiter(rate_per_s)
        self.http = httpx.Client(base_url=base_url, timeout=timeout_s, transport=transport)
        self.auth = httpx.Client(base_url=auth_url, timeout=timeout_s, transport=transport)
        self._token_lock = threading.Lock()

    def close(self) -> None:
        self.http.close()
        self.auth.close()

    # -- tokens -------------------------------------------------------------------------------
    def _token(self) -> str:
        with self._token_lock:
            if self.access_token is None or time.time() >= self.expires_at - 60:
                self._refresh()
            assert self.access_token is not None
            return self.access_token

    def _refresh(self) -> None:
        if not self.refresh_token:
            raise BackendError("TikTok Shop: no access token and no refresh token configured")
        r = self.auth.get("/api/v2/token/refresh", params={
            "app_key": self.app_key, "app_secret": self.secret, "refresh_token": self.refresh_token,
            "grant_type": "refresh_token"})
        data = self._envelope(r, "/api/v2/token/refresh")
        self.access_token = str(data["access_token"])
        self.refresh_token = str(data.get("refresh_token") or self.refresh_token)
        self.expires_at = float(data.get("access_token_expire_in") or time.time() + 3600)

    # -- transport ----------------------------------------------------------------------------
    @staticmethod
    def _envelope(r: httpx.Response, path: str) -> dict[str, Any]:
        try:
            body = r.json()
        except ValueError as exc:
            raise BackendError(f"TikTok Shop {path}: HTTP {r.status_code}, not JSON") from exc
        if r.status_code >= 400 or body.get("code", 0) != 0:
            raise BackendError(f"TikTok Shop {path}: HTTP {r.status_code}, code {body.get('code')}: "
                               f"{body.get('message')}")
        data = body.get("data") or {}
        return data if isinstance(data, dict) else {"items": data}

    def call(self, method: str, path: str, *, params: dict[str, str] | None = None,
             body: dict[str, Any] | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
        """One signed call with retries on network errors, 429 and 5xx (never on other 4xx)."""
        raw = b"" if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        last: Exception | None = None
        for attempt in range(self.max_retries + 1):
            query = {"app_key": self.app_key, "timestamp": str(int(time.time())), "shop_cipher": self.shop_cipher,
                     **(params or {})}
            query["sign"] = api_signature(self.secret, path, query, raw)
            headers = {"x-tts-access-token": self._token(), "content-type": "application/json"}
            if idempotency_key:
                headers["idempotency-key"] = idempotency_key
            self.limiter.wait()
            try:
                r = self.http.request(method, path, params=query, content=raw or None, headers=headers)
                if r.status_code not in RETRY_STATUS:
                    if r.status_code == 401 and attempt == 0 and self.refresh_token:
                        with self._token_lock:
                            self._refresh()
                        continue
                    return self._envelope(r, path)
                last = BackendError(f"TikTok Shop {path}: HTTP {r.status_code}")
                wait = float(r.headers.get("retry-after") or 0)
            except httpx.HTTPError as exc:
                last, wait = BackendError(f"TikTok Shop {path}: {type(exc).__name__}: {exc}"), 0.0
            if attempt < self.max_retries:
                time.sleep(max(wait, self.backoff_s * 2 ** attempt))
                log.warning("retrying %s %s (attempt %d): %s", method, path, attempt + 2, last)
        assert last is not None
        raise last

    # -- customer service -----------------------------------------------------------------------
    def send_text(self, conversation_id: str, text: str, idempotency_key: str) -> str:
        """Send a text message to the buyer; returns the platform message id."""
        content = json.dumps({"content": text}, ensure_ascii=False)
        data = self.call("POST", f"/customer_service/{VERSION}/conversations/{conversation_id}/messages",
                         body={"type": "TEXT", "content": content}, idempotency_key=idempotency_key)
        return str(data["message_id"])

    def messages(self, conversation_id: str, page_size: int = 20) -> list[dict[str, Any]]:
        data = self.call("GET", f"/customer_service/{VERSION}/conversations/{conversation_id}/messages",
                         params={"page_size": str(page_size)})
        return list(data.get("messages", []))

    def conversations(self, page_size: int = 20) -> list[dict[str, Any]]:
        data = self.call("GET", f"/customer_service/{VERSION}/conversations", params={"page_size": str(page_size)})
        return list(data.get("conversations", []))

    def mark_read(self, conversation_id: str) -> None:
        self.call("POST", f"/customer_service/{VERSION}/conversations/{conversation_id}/messages/read", body={})

    # -- orders and logistics -----------------------------------------------------------------------
    def orders(self, order_ids: list[str]) -> list[dict[str, Any]]:
        data = self.call("GET", f"/order/{VERSION}/orders", params={"ids": ",".join(order_ids)})
        return list(data.get("orders", []))

    def tracking(self, order_id: str) -> list[dict[str, Any]]:
        data = self.call("GET", f"/fulfillment/{VERSION}/orders/{order_id}/tracking")
        return list(data.get("tracking", []))

    # -- decisions ----------------------------------------------------------------------------------
    def create_aftersale(self, *, order_id: str, kind: str, amount: float | None, currency: str, reason: str,
                         idempotency_key: str) -> str:
        """Seller-initiated refund / return / replacement on an order; returns the platform id."""
        body: dict[str, Any] = {"order_id": order_id, "return_type": kind, "reason_text": reason[:500]}
        if amount is not None:
            body["refund_amount"] = {"amount": f"{amount:.2f}", "currency": currency}
        data = self.call("POST", f"/return_refund/{VERSION}/returns", body=body, idempotency_key=idempotency_key)
        return str(data["return_id"])

    def cancel_order(self, *, order_id: str, reason: str, idempotency_key: str) -> str:
        data = self.call("POST", f"/return_refund/{VERSION}/cancellations",
                         body={"order_id": order_id, "cancel_reason": reason[:500]}, idempotency_key=idempotency_key)
        return str(data["cancel_id"])

    def decide_return(self, *, return_id: str, approve: bool, reason: str, idempotency_key: str) -> None:
        verb = "approve" if approve else "reject"
        self.call("POST", f"/return_refund/{VERSION}/returns/{return_id}/{verb}",
                  body={"decision_reason": reason[:500]}, idempotency_key=idempotency_key)
