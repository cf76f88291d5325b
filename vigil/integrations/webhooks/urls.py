from django.urls import path

from vigil.integrations.webhooks import runner

app_name = "webhooks"

urlpatterns = [path("hooks/<slug:slug>/", runner.receive, name="receive")]
