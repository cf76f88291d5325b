"""Evidence pages under /evidence/."""

from django.urls import path

from vigil.evidence import views

app_name = "evidence"

urlpatterns = [
    path("evidence/", views.evidence_list, name="list"),
    path("evidence/upload/", views.evidence_upload, name="upload"),
    path("evidence/<int:pk>/", views.evidence_item, name="item"),
    path("evidence/<int:pk>/view/", views.evidence_view, name="view"),
    path("evidence/<int:pk>/thumbnail/", views.evidence_thumbnail, name="thumbnail"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="download"),
    path("evidence/<int:pk>/hold/", views.evidence_hold, name="hold"),
]
