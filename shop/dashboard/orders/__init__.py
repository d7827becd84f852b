default_app_config = 'shop.dashboard.orders.apps.OrdersDashboardConfig'
