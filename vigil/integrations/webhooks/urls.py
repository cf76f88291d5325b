from django.urls import path

from vigil.integrations.webhooks import runner, views

app_name = "webhooks"

urlpatterns = [
    path("hooks/<slug:slug>/", runner.receive, name="receive"),
    path("integrations/webhooks/<slug:slug>/", views.source_diagnostics, name="diagnostics"),
]
