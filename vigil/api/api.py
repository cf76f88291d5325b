"""The REST API root: /api/, OpenAPI at /api/docs, token or session auth on every route."""

from __future__ import annotations

from ninja import NinjaAPI

from vigil.accounts.api import router as accounts_router
from vigil.api import errors
from vigil.api.auth import TokenAuth, VerifiedSessionAuth
from vigil.core.api import router as audit_router
from vigil.sites.api import router as sites_router

api = NinjaAPI(
    title="Vigil API",
    version="1",
    description=(
        "School security operations. Authenticate with `Authorization: Bearer <token>` "
        "(issue a token under My account) or a signed-in browser session. Every error is "
        '`{"error": {"code", "message", "field"}}`. Lists take `limit` and `offset`.'
    ),
    auth=[TokenAuth(), VerifiedSessionAuth()],
    docs_url="/docs",
    urls_namespace="api",
)
errors.install(api)
api.add_router("/", accounts_router)
api.add_router("/", sites_router)
api.add_router("/", audit_router)
