"""The operator's request pages inside the counter workspace (/counter/requests/ …)."""

urlpatterns = []
