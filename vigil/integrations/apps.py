from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """The "Integrations" hub and the parts every integration's diagnostics page shares.

    No models: each integration keeps its own app (vigil/integrations/<name>/).
    """

    name = "vigil.integrations"
    label = "integrations"
    verbose_name = "Integrations"
