default_app_config = 'shop.partner.apps.PartnerConfig'
