"""Who is calling: session cookies (browser, with CSRF tokens) or bearer API tokens (integrations)."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api.deps import ServicesDep
from bot.config import Settings
from bot.errors import ForbiddenError, UnauthenticatedError
from bot.store.models import UserRow
from bot.workspace import auth
from bot.workspace.auth import CurrentUser

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "x-csrf-token"


def session_secret(settings: Settings) -> str:
    """The configured key, or a random one kept (0600) in the data dir so sessions survive restarts."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def _csrf_ok(request: Request) -> bool:
    expected = request.session.get("csrf")
    if not expected:
        return False
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = str((await request.form()).get("csrf_token") or "")
    return bool(sent) and hmac.compare_digest(str(sent), str(expected))


async def optional_user(request: Request, services: ServicesDep) -> CurrentUser | None:
    """The caller, if signed in (token first, then session); CSRF enforced for cookie writes."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        with services.db.session() as s:
            row = auth.user_for_token(session=s, token=header[7:].strip())
            if row is None:
                raise UnauthenticatedError("invalid or revoked API token")
            return auth.public(row, via="token")
    uid = request.session.get("uid")
    if uid is None:
        return None
    with services.db.session() as s:
        urow = s.get(UserRow, int(uid))
        if urow is None or not urow.active:
            request.session.clear()
            return None
        user = auth.public(urow)
    if request.method not in SAFE_METHODS and not await _csrf_ok(request):
        raise ForbiddenError("missing or wrong CSRF token (reload the page and try again)")
    return user


async def current_user(user: Annotated[CurrentUser | None, Depends(optional_user)]) -> CurrentUser:
    if user is None:
        raise UnauthenticatedError("sign in or send an API token (Authorization: Bearer …)")
    return user


UserDep = Annotated[CurrentUser, Depends(current_user)]
OptionalUserDep = Annotated[CurrentUser | None, Depends(optional_user)]


class BodyLimit:
    """Refuses request bodies over a size with 413 before the app reads them (pure ASGI)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _too_large(send, self.max_bytes)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(send, self.max_bytes)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail":"request body larger than {limit} bytes"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
