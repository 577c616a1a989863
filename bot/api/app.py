"""The FastAPI application factory; shared clients are created in the lifespan, not at import."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.sessions import SessionMiddleware

from bot import __version__
from bot.api.routes import auth, health, knowledge, messages, platform, workspace
from bot.api.security import BodyLimit, current_user, session_secret
from bot.config import Settings, get_settings
from bot.errors import (
    BackendError,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ShopbotError,
    TooManyAttemptsError,
    UnauthenticatedError,
)
from bot.services import Services
from bot.workspace.auth import LoginThrottle

log = logging.getLogger("shopbot")


async def dispatch_loop(services: Services, wake: asyncio.Event) -> None:
    """Process stored pushes and due auto-replies; wakes at once on a new push, else at the next due time."""
    from datetime import UTC, datetime

    poll = services.settings.dispatcher_poll_s
    while True:
        try:
            await asyncio.to_thread(services.dispatcher.run_once)
            due = await asyncio.to_thread(services.dispatcher.next_due)
        except Exception:  # keep serving; the failure is logged and retried on the next round
            log.exception("dispatcher round failed")
            due = None
        wait = poll if due is None else max(0.0, min(poll, (due - datetime.now(UTC)).total_seconds()))
        wake.clear()
        with suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=wait)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; tests pass their own Settings (tmp data dir) or Services."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc = services or Services(settings or get_settings())
        svc.db  # noqa: B018 - migrate before the first request
        app.state.services = svc
        from bot.integrations.tiktok.intake import IntakeWriter

        app.state.intake = IntakeWriter(svc.db)
        tasks = [asyncio.create_task(app.state.intake.run())]
        if svc.settings.dispatcher:
            wake = asyncio.Event()
            app.state.wake_dispatcher = wake.set
            tasks.append(asyncio.create_task(dispatch_loop(svc, wake)))
        if svc.settings.demo and svc.settings.demo_stream_seconds > 0:
            from bot.workspace import demo

            tasks.append(asyncio.create_task(demo.stream(svc, svc.settings.demo_stream_seconds)))
        yield
        for task in tasks:
            task.cancel()

    cfg = services.settings if services else (settings or get_settings())
    app = FastAPI(title="shopbot", version=__version__, lifespan=lifespan,
                  description="After-sales copilot for TikTok Shop sellers: inbox, drafts, approvals, cases. "
                              "Browser sessions send X-CSRF-Token on writes; integrations use "
                              "`Authorization: Bearer <token>` (create one with `shopbot users token`).")
    signed_in = [Depends(current_user)]
    app.state.user_throttle = LoginThrottle(max_failures=5)
    app.state.ip_throttle = LoginThrottle(max_failures=30)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(knowledge.router, dependencies=signed_in)
    app.include_router(messages.router, dependencies=signed_in)
    app.include_router(workspace.router)
    app.include_router(platform.router)
    from bot.web.routes import mount_web

    mount_web(app)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(cfg), session_cookie="shopbot_session",
                       max_age=int(cfg.session_hours * 3600), same_site="lax", https_only=cfg.secure_cookies)
    app.add_middleware(BodyLimit, max_bytes=cfg.max_body_bytes)

    status_of = {InvalidInputError: 422, NotFoundError: 404, BackendError: 503, ForbiddenError: 403,
                 UnauthenticatedError: 401, ConflictError: 409, TooManyAttemptsError: 429}

    @app.exception_handler(ShopbotError)
    async def _domain_error(_: Request, exc: ShopbotError) -> JSONResponse:
        code = next((c for t, c in status_of.items() if isinstance(exc, t)), 400)
        return JSONResponse(status_code=code, content={"detail": str(exc)})

    return app
