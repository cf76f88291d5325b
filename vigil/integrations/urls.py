from django.urls import path

from vigil.integrations import views

app_name = "integrations"

urlpatterns = [path("integrations/", views.hub, name="hub")]
