"""ASGI entry point (uvicorn, started by `vigil run`)."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# WhiteNoise serves static files with a synchronous file iterator; under ASGI Django consumes it
# in a thread and warns on every file. The files are small and the behaviour is correct.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)
application = get_asgi_application()
