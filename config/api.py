"""The JSON API under /api/: each app contributes a router; OpenAPI docs at /api/docs."""

from core.api import CunzhanAPI
from gov_services.requests.api import router as requests_router
from stations.api import router as stations_router

api = CunzhanAPI(title="Cunzhan API", version="1", urls_namespace="api")
api.add_router("/", stations_router)
api.add_router("/", requests_router)
