"""Read-only JSON API of the directory (django-ninja)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Brussels International API", version="1", urls_namespace="api")
