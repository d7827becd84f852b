"""Oscar's page behind a wish list's sharing link, forked where the store answers differently."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from oscar.apps.wishlists import views as oscar_views


class WishListView(oscar_views.WishListView):
    """Whoever may not see the list gets 404, as for a key that does not exist (Oscar: 403, which tells
    that a private list is there). A visitor who is not signed in is still sent to sign in for a list
    shared with chosen accounts, as in Oscar: theirs may be one of them."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:  # Oscar's answer to a list the user may not see
            raise Http404 from None
