from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "vigil.integrations.webhooks"
    label = "webhooks"
    verbose_name = "Signed webhooks"
