from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "vigil.patrols"
    label = "patrols"
    verbose_name = "Patrol operations"
