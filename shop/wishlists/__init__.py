default_app_config = 'shop.wishlists.apps.WishlistsConfig'
