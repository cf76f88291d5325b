from django.urls import path

from vigil.events import views

app_name = "events"

urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/rows/", views.console_rows, name="rows"),
    path("console/state/", views.console_state, name="state"),
    path("console/stream/", views.console_stream, name="stream"),
    path("console/mine/", views.console_mine, name="mine"),
    path("console/events/<int:pk>/", views.event_detail, name="detail"),
    path("console/events/<int:pk>/acknowledge/", views.event_acknowledge, name="acknowledge"),
    path("console/events/<int:pk>/note/", views.event_note, name="note"),
    path("console/events/<int:pk>/resolve/", views.event_resolve, name="resolve"),
    path("console/events/<int:pk>/dispatch/", views.event_dispatch, name="dispatch"),
]
