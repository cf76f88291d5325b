from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "vigil.events"
    label = "events"
    verbose_name = "Events (the unified console)"
