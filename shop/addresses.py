"""Oscar's addresses need a country row; every address here is in China."""

from oscar.core.loading import get_model

Country = get_model("address", "Country")

CHINA = {"iso_3166_1_a3": "CHN", "iso_3166_1_numeric": "156", "printable_name": "中国", "name": "中华人民共和国",
         "display_order": 1, "is_shipping_country": True}


def china_id() -> str:
    """The country key of China, creating the row if a flushed database lost the data migration's copy."""
    Country.objects.get_or_create(iso_3166_1_a2="CN", defaults=CHINA)
    return "CN"
