from django.urls import path

from vigil.sites import views

app_name = "sites"

urlpatterns = [
    path("schools/", views.school_list, name="schools"),
    path("schools/<slug:slug>/", views.school_detail, name="school"),
    path("schools/<slug:slug>/edit/", views.school_edit, name="school_edit"),
    path("schools/<slug:slug>/buildings/<int:pk>/", views.building_detail, name="building"),
]
