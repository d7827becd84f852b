"""The Django admin as the project installs it: Django's, less the pages another screen owns."""

from django.contrib.admin.apps import AdminConfig


class CunzhanAdminConfig(AdminConfig):
    def ready(self):
        super().ready()  # every installed app's admin module, Oscar's included
        from shop.admin import store_admin_withdraw

        store_admin_withdraw(self.module.site)
