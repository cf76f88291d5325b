from django.urls import path

from vigil.integrations.outbound import views

app_name = "outbound"

urlpatterns = [
    path("integrations/outbound/", views.diagnostics_page, name="diagnostics"),
    path("integrations/outbound/targets/new/", views.target_new, name="target_new"),
    path("integrations/outbound/targets/<int:pk>/", views.target_edit, name="target_edit"),
    path(
        "integrations/outbound/deliveries/<int:pk>/retry/",
        views.delivery_retry,
        name="delivery_retry",
    ),
    path("console/events/<int:pk>/cap.xml", views.event_cap, name="cap"),
]
