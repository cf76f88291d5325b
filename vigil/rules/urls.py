from django.urls import path

from vigil.rules import views

app_name = "rules"

urlpatterns = [
    path("rules/", views.index, name="index"),
    path("rules/<slug:kind>/new/", views.new, name="new"),
    path("rules/<slug:kind>/<int:pk>/", views.edit, name="edit"),
    path("rules/<slug:kind>/<int:pk>/toggle/", views.toggle, name="toggle"),
]
