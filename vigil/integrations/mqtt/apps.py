from django.apps import AppConfig


class MqttConfig(AppConfig):
    name = "vigil.integrations.mqtt"
    label = "mqtt"
    verbose_name = "MQTT (Frigate NVR and generic JSON sensors)"
