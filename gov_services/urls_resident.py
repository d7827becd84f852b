"""The resident's side: online applications, my requests, public tracking and rating."""

urlpatterns = []
