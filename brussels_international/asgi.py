"""ASGI entry point (WSGI is the served path: see ARCHITECTURE.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brussels_international.settings")
application = get_asgi_application()
