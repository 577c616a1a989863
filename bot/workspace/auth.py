"""Users, roles, password hashing and API tokens; role checks live here, enforced server-side."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import UTC, datetime
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import ForbiddenError, InvalidInputError, TooManyAttemptsError
from bot.store.models import ApiTokenRow, UserRow

Role = Literal["agent", "supervisor", "owner"]
ROLES: tuple[str, ...] = ("agent", "supervisor", "owner")
TOKEN_PREFIX = "sbt_"
_hasher = PasswordHasher()


class CurrentUser(BaseModel):
    """The signed-in person (from a session cookie or an API token)."""

    id: int
    username: str
    display_name: str
    role: Role
    via: Literal["session", "token"] = "session"

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def require(user: CurrentUser, role: str, what: str) -> None:
    """Refuse an action the user's role does not allow."""
    if not user.at_least(role):
        raise ForbiddenError(f"{what} needs the {role} role (you are {user.role})")


def public(row: UserRow, via: Literal["session", "token"] = "session") -> CurrentUser:
    return CurrentUser(id=row.id, username=row.username, display_name=row.display_name,
                       role=row.role, via=via)  # type: ignore[arg-type]


def add_user(*, session: Session, username: str, password: str, role: str,
             display_name: str | None = None) -> UserRow:
    """Create a user; refuses duplicates, unknown roles and weak passwords."""
    username = username.strip().lower()
    if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise InvalidInputError("username must be 1-64 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise InvalidInputError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise InvalidInputError("password must have at least 8 characters")
    if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
        raise InvalidInputError(f"user {username!r} already exists")
    row = UserRow(username=username, display_name=display_name or username, role=role,
                  password_hash=_hasher.hash(password), active=True, ui_language="en")
    session.add(row)
    session.flush()
    return row


def authenticate(*, session: Session, username: str, password: str) -> UserRow | None:
    """The user if the password matches (constant work for unknown users too)."""
    row = session.scalar(select(UserRow).where(UserRow.username == username.strip().lower()))
    if row is None or not row.active:
        _hasher.hash(password)  # same cost either way: no user enumeration by timing
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return row


def create_token(*, session: Session, user_id: int, name: str) -> str:
    """A new API token; the plain value is returned once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiTokenRow(user_id=user_id, name=name[:120] or "token",
                            token_sha256=hashlib.sha256(token.encode()).hexdigest()))
    session.flush()
    return token


def user_for_token(*, session: Session, token: str) -> UserRow | None:
    """The active user behind a token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_sha256 == digest,
                                                   ApiTokenRow.revoked.is_(False)))
    if row is None:
        return None
    user = session.get(UserRow, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = datetime.now(UTC)
    return user


class LoginThrottle:
    """Refuses sign-in for a username (or an address) after too many recent failures (in-process)."""

    def __init__(self, max_failures: int = 5, window_s: float = 900) -> None:
        self.max_failures, self.window_s = max_failures, window_s
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self.failures.get(key, []) if now - t < self.window_s]
        self.failures[key] = times
        return times

    def check(self, key: str) -> None:
        now = time.monotonic()
        with self.lock:
            recent = self._recent(key, now)
            if len(recent) >= self.max_failures:
                wait = int(self.window_s - (now - recent[0])) + 1
                raise TooManyAttemptsError(f"too many failed sign-ins; try again in {wait // 60 + 1} min")

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self.lock:
            self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)
