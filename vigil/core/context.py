"""Who is acting, from where: the request context the audit log reads.

The web and API middleware set it for each request; management commands set it for their run.
Model saves deep inside a workflow can then write a complete audit row without every function
passing the request around.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestContext:
    actor: Any = None  # a User, or None for the system
    ip: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    via: str = "system"  # "web", "api", "cli", "system"


_current: ContextVar[RequestContext | None] = ContextVar("vigil_request_context", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext()


@contextmanager
def acting(
    actor: Any = None, *, ip: str = "", via: str = "system", request_id: str | None = None
) -> Iterator[RequestContext]:
    ctx = RequestContext(actor=actor, ip=ip, via=via)
    if request_id:
        ctx.request_id = request_id
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
