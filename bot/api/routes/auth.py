"""Sign in and out, who am I, API tokens and (owner only) users."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from bot.api.deps import ServicesDep
from bot.api.security import UserDep, csrf_token
from bot.errors import UnauthenticatedError
from bot.store.models import UserRow
from bot.workspace import auth
from bot.workspace.auth import CurrentUser, Role

router = APIRouter(prefix="/api", tags=["auth"])


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    user: CurrentUser
    csrf_token: str


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=256)
    role: Role
    display_name: str | None = Field(default=None, max_length=120)


def login_session(request: Request, services: Any, username: str, password: str) -> CurrentUser:
    """Check the password and start a fresh session (new CSRF token: no session fixation).
    Too many recent failures for a username (5) or an address (30) pause sign-in for it (15 min)."""
    users: auth.LoginThrottle = request.app.state.user_throttle
    addresses: auth.LoginThrottle = request.app.state.ip_throttle
    user_key, ip_key = username.strip().lower(), request.client.host if request.client else "?"
    users.check(user_key)
    addresses.check(ip_key)
    with services.db.session() as s:
        row = auth.authenticate(session=s, username=username, password=password)
        if row is None:
            users.failed(user_key)
            addresses.failed(ip_key)
            raise UnauthenticatedError("wrong username or password")
        users.succeeded(user_key)
        user = auth.public(row)
    request.session.clear()
    request.session["uid"] = user.id
    return user


@router.post("/auth/login", response_model=LoginOut)
async def login(body: LoginIn, request: Request, services: ServicesDep) -> LoginOut:
    """Start a browser session; send the returned csrf_token as X-CSRF-Token on every write."""
    user = await run_in_threadpool(login_session, request, services, body.username, body.password)
    return LoginOut(user=user, csrf_token=csrf_token(request))


@router.post("/auth/logout", status_code=204)
async def logout(request: Request, user: UserDep) -> None:
    request.session.clear()


@router.get("/me", response_model=CurrentUser)
async def me(user: UserDep) -> CurrentUser:
    return user


@router.post("/tokens", status_code=201)
async def create_token(body: TokenIn, user: UserDep, services: ServicesDep) -> dict[str, str]:
    """A new API token for the caller; shown once."""
    with services.db.session() as s:
        return {"token": auth.create_token(session=s, user_id=user.id, name=body.name), "name": body.name}


@router.get("/users", response_model=list[CurrentUser])
async def list_users(user: UserDep, services: ServicesDep) -> list[CurrentUser]:
    auth.require(user, "owner", "managing users")
    with services.db.session() as s:
        return [auth.public(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]


@router.post("/users", response_model=CurrentUser, status_code=201)
async def add_user(body: UserIn, user: UserDep, services: ServicesDep) -> CurrentUser:
    auth.require(user, "owner", "managing users")
    with services.db.session() as s:
        row = await run_in_threadpool(lambda: auth.add_user(session=s, username=body.username,
                                                            password=body.password, role=body.role,
                                                            display_name=body.display_name))
        return auth.public(row)
