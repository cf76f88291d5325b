from django.urls import path

from vigil.integrations.mqtt import views

app_name = "mqtt"

urlpatterns = [
    path("integrations/mqtt/", views.broker_diagnostics, name="diagnostics"),
    path("integrations/mqtt/topics/new/", views.topic_new, name="topic_new"),
    path("integrations/mqtt/topics/<int:pk>/", views.topic_edit, name="topic_edit"),
]
