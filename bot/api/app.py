"""The FastAPI application factory; shared clients are created in the lifespan, not at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot import __version__
from bot.api.routes import health, knowledge, messages
from bot.config import Settings, get_settings
from bot.errors import BackendError, InvalidInputError, NotFoundError, ShopbotError
from bot.services import Services


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; tests pass their own Settings (tmp data dir) or Services."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc = services or Services(settings or get_settings())
        svc.db  # noqa: B018 - migrate before the first request
        app.state.services = svc
        yield

    app = FastAPI(title="shopbot", version=__version__, lifespan=lifespan,
                  description="After-sales copilot for TikTok Shop sellers.")
    app.include_router(health.router)
    app.include_router(knowledge.router)
    app.include_router(messages.router)

    status_of = {InvalidInputError: 422, NotFoundError: 404, BackendError: 503}

    @app.exception_handler(ShopbotError)
    async def _domain_error(_: Request, exc: ShopbotError) -> JSONResponse:
        code = next((c for t, c in status_of.items() if isinstance(exc, t)), 400)
        return JSONResponse(status_code=code, content={"detail": str(exc)})

    return app
