"""Incident report pages under /incidents/ (the WEB, SEARCH and PACKET helpers add their routes)."""

from django.urls import URLPattern, URLResolver, path

from vigil.incidents import views, views_list, views_packet

app_name = "incidents"

urlpatterns: list[URLPattern | URLResolver] = [
    path("incidents/", views_list.report_list, name="list"),
    path("incidents/log.csv", views_list.daily_log, name="daily_log"),
    path("incidents/facts/", views_list.facts_check, name="facts"),
    path("incidents/new/", views.report_new, name="new"),
    path("incidents/templates/", views.templates_admin, name="templates"),
    path("incidents/<int:pk>/", views.report_detail, name="detail"),
    path("incidents/<int:pk>/edit/", views.report_edit, name="edit"),
    path("incidents/<int:pk>/submit/", views.report_submit, name="submit"),
    path("incidents/<int:pk>/return/", views.report_return, name="return"),
    path("incidents/<int:pk>/approve/", views.report_approve, name="approve"),
    path("incidents/<int:pk>/addendum/", views.report_addendum, name="addendum"),
    path("incidents/<int:pk>/people/", views.report_people, name="people"),
    path("incidents/<int:pk>/photos/", views.report_photos, name="photos"),
    path("incidents/<int:pk>/photos/<int:item_pk>/", views.report_photo, name="photo"),
    path("incidents/<int:pk>/versions/<int:number>/", views.report_version, name="version"),
    path("incidents/<int:pk>/packet/", views_packet.report_packet, name="packet"),
]
