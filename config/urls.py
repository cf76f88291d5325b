"""URL root: the web UI, the REST API under /api/ and a health probe."""

from django.urls import include, path

from vigil.api.api import api
from vigil.core import views as core_views

urlpatterns = [
    path("", include("vigil.web.urls")),
    path("", include("vigil.accounts.urls")),
    path("", include("vigil.sites.urls")),
    path("", include("vigil.core.urls")),
    path("", include("vigil.visitors.urls")),
    path("", include("vigil.integrations.webhooks.urls")),
    path("", include("vigil.integrations.urls")),
    path("", include("vigil.integrations.mqtt.urls")),
    path("", include("vigil.integrations.sia.urls")),
    path("", include("vigil.integrations.outbound.urls")),
    path("", include("vigil.events.urls")),
    path("", include("vigil.patrols.urls")),
    path("", include("vigil.rules.urls")),
    path("", include("vigil.incidents.urls")),
    path("", include("vigil.evidence.urls")),
    path("api/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "vigil.core.views.bad_request"
handler403 = "vigil.core.views.permission_denied"
handler404 = "vigil.core.views.page_not_found"
handler500 = "vigil.core.views.server_error"
