"""StreamField blocks shared by the portal's pages (guides, news, the phone page)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

INLINE_FEATURES = ["bold", "italic", "link"]
PROSE_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class StepBlock(blocks.StructBlock):
    """One step of applying: "带齐材料到村服务站" — what the resident does, then what happens."""

    title = blocks.CharBlock(label=_("what to do"), max_length=80)
    detail = blocks.RichTextBlock(label=_("detail"), features=INLINE_FEATURES, required=False)

    class Meta:
        icon = "list-ol"
        label = _("Application step")
        template = "portal/blocks/step.html"


class FAQBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=160)
    answer = blocks.RichTextBlock(label=_("answer"), features=INLINE_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "portal/blocks/faq.html"


class ContactBlock(blocks.StructBlock):
    """Where to ask: an office, its phone, address and hours (the department's own service phone is
    shown from the catalogue; this is for anyone else worth calling)."""

    name = blocks.CharBlock(label=_("office or person"), max_length=80)
    phone = blocks.CharBlock(label=_("phone"), max_length=30, required=False)
    address = blocks.CharBlock(label=_("address"), max_length=200, required=False)
    hours = blocks.CharBlock(label=_("hours"), max_length=80, required=False)

    class Meta:
        icon = "mail"
        label = _("Contact")
        template = "portal/blocks/contact.html"


class PhoneBlock(blocks.StructBlock):
    """A service phone number on the phone page (12345 hotline, power-cut line …)."""

    name = blocks.CharBlock(label=_("service"), max_length=80)
    number = blocks.CharBlock(label=_("phone number"), max_length=30)
    hours = blocks.CharBlock(label=_("hours"), max_length=80, required=False)
    note = blocks.CharBlock(label=_("note"), max_length=200, required=False)

    class Meta:
        icon = "mobile-alt"
        label = _("Phone number")


class PhoneGroupBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=60)
    numbers = blocks.ListBlock(PhoneBlock(), label=_("numbers"))

    class Meta:
        icon = "list-ul"
        label = _("Group of phone numbers")
        template = "portal/blocks/phone_group.html"


class ArticleBodyBlock(blocks.StreamBlock):
    """A news article: paragraphs, sub-headings and quotes from officials."""

    heading = blocks.CharBlock(label=_("sub-heading"), max_length=80, form_classname="title",
                               template="portal/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("paragraph"), features=PROSE_FEATURES)
    quote = blocks.BlockQuoteBlock(label=_("quote"))

    class Meta:
        label = _("Article")
