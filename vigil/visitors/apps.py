from django.apps import AppConfig


class VisitorsConfig(AppConfig):
    name = "vigil.visitors"
    label = "visitors"
    verbose_name = "Visitor management"
