"""Fitted models cached on disk: trained once, loaded on every start, rebuilt when what they are
built from changes (the file name carries a hash of it)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import joblib

T = TypeVar("T")
log = logging.getLogger("shopbot.models")


def cached_model(path: Path | None, train: Callable[[], T], kind: type[T]) -> T:
    """The object at `path`, or `train()` written there atomically. A corrupt or foreign cache file
    (wrong class, truncated write, another library version) is retrained, never a crash."""
    if path is not None and path.exists():
        try:
            obj = joblib.load(path)
            if isinstance(obj, kind):
                return obj
            log.warning("model cache %s holds a %s, not a %s; retraining", path, type(obj).__name__, kind.__name__)
        except Exception as exc:
            log.warning("model cache %s unreadable (%s); retraining", path, exc)
    model = train()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        joblib.dump(model, tmp)
        tmp.replace(path)
    return model
