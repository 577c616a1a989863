"""TikTok Shop pushes in, auto-reply switch and history, executing approved decisions."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from bot.api.deps import ServicesDep
from bot.api.security import UserDep
from bot.integrations.tiktok.signing import WebhookRejected, verify_webhook
from bot.workspace import dispatcher, execution
from bot.workspace.auth import require

log = logging.getLogger("shopbot.webhook")
router = APIRouter(tags=["platform"])


@router.post("/webhooks/tiktok")
async def tiktok_webhook(request: Request, services: ServicesDep) -> JSONResponse:
    """Verify the push (HMAC-SHA256 of app key + body with the app secret, freshness), store it durably,
    then acknowledge. Redeliveries are acknowledged without being stored twice."""
    st = services.settings
    if not (st.tiktok_app_key and st.tiktok_app_secret):
        return JSONResponse({"code": 503, "message": "TikTok Shop is not configured"}, status_code=503)
    body = await request.body()
    try:
        envelope = verify_webhook(app_key=st.tiktok_app_key, secret=st.tiktok_app_secret.get_secret_value(),
                                  body=body, signature=request.headers.get("authorization"),
                                  max_age_s=st.tiktok_webhook_max_age_s)
    except WebhookRejected as exc:
        log.warning("webhook refused (%s): %s", exc.status, exc)
        return JSONResponse({"code": exc.status, "message": str(exc)}, status_code=exc.status)
    writer = getattr(request.app.state, "intake", None)
    try:
        if writer is not None:
            stored = await writer.submit(envelope)
        else:
            stored = await run_in_threadpool(dispatcher.store_event, services, envelope)
    except Exception:  # not stored, so not acknowledged: the platform will redeliver
        log.exception("could not store webhook %s", envelope.tts_notification_id)
        return JSONResponse({"code": 503, "message": "could not store the event; retry"}, status_code=503)
    wake = getattr(request.app.state, "wake_dispatcher", None)
    if stored and wake is not None:
        wake()
    return JSONResponse({"code": 0, "message": "stored" if stored else "duplicate"})


class SwitchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool


@router.get("/api/auto-replies/settings")
def auto_reply_settings(services: ServicesDep, user: UserDep) -> dict[str, Any]:
    """The policy from knowledge/rules/auto_reply.yaml and the owner's switch."""
    return {"switched_on": dispatcher.auto_switch(services),
            "policy": services.dispatcher.policy.model_dump(mode="json")}


@router.put("/api/auto-replies/settings")
def switch_auto_replies(body: SwitchIn, services: ServicesDep, user: UserDep) -> dict[str, Any]:
    """Switch automatic replies on or off at once (owner only); off also cancels pending ones."""
    require(user, "owner", "switching auto-replies")
    dispatcher.set_auto_switch(services, on=body.enabled, by=user.username, now=datetime.now(UTC))
    return {"switched_on": body.enabled}


@router.get("/api/conversations/{conversation_id}/auto-replies")
def conversation_auto_replies(conversation_id: int, services: ServicesDep, user: UserDep) -> list[dict[str, Any]]:
    """Every automatic reply decision for a conversation: sent, skipped, cancelled, with the checks."""
    return dispatcher.auto_replies_of(services, conversation_id)


@router.post("/api/approvals/{approval_id}/execute")
def execute(approval_id: int, services: ServicesDep, user: UserDep) -> dict[str, Any]:
    """Carry an approved decision to TikTok Shop (idempotent; also used to retry a failed execution)."""
    require(user, "supervisor", "executing a decision")
    return execution.execute(services=services, approval_id=approval_id, actor=user.username)
