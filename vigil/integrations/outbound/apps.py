from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "vigil.integrations.outbound"
    label = "outbound"
    verbose_name = "Outbound MQTT, webhooks and CAP alerts"
