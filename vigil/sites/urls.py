from django.urls import path

from vigil.sites.views import schools

app_name = "sites"

# Each topic adds its own block; keep the blocks apart so parallel work does not collide.
urlpatterns = [
    path("schools/", schools.school_list, name="schools"),
    path("schools/<slug:slug>/", schools.school_detail, name="school"),
    path("schools/<slug:slug>/edit/", schools.school_edit, name="school_edit"),
    path("schools/<slug:slug>/buildings/<int:pk>/", schools.building_detail, name="building"),
]
