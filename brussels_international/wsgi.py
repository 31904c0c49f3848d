"""WSGI entry point (gunicorn ``brussels_international.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brussels_international.settings")
application = get_wsgi_application()
