from django.urls import path

from vigil.integrations.sia import views

app_name = "sia"

urlpatterns = [path("integrations/sia/", views.receiver_diagnostics, name="diagnostics")]
