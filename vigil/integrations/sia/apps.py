from django.apps import AppConfig


class SiaConfig(AppConfig):
    name = "vigil.integrations.sia"
    label = "sia"
    verbose_name = "Alarm panels (SIA DC-09)"
