"""Oscar's wish-list pages in the customer's account, forked where the store answers differently."""

from django.contrib.auth.mixins import LoginRequiredMixin
from oscar.apps.customer.wishlists import views as oscar_views


class WishListDetailView(LoginRequiredMixin, oscar_views.WishListDetailView):
    """The owner's page of a list (its quantities form): sign in first. Oscar leaves the pattern open
    because lists can be shared, but sharing has its own page (wishlists:detail); here a visitor would
    only ever get Oscar's 404."""
