"""The JSON API under /api/: each app contributes a router; OpenAPI docs at /api/docs."""

from ninja import NinjaAPI

from stations.api import router as stations_router

api = NinjaAPI(title="Cunzhan API", version="1", urls_namespace="api")
api.add_router("/", stations_router)
