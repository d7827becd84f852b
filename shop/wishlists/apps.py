import oscar.apps.wishlists.apps as apps


class WishlistsConfig(apps.WishlistsConfig):
    """Kept for Oscar's models (its other apps import them); the store offers no wish lists, so the
    sharing page is not served (see shop/customer/apps.py)."""

    name = "shop.wishlists"

    def get_urls(self):
        return []
