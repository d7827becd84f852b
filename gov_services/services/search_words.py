"""A county's own search words (SearchSynonym): what residents say → the catalogue's words."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import SearchSynonym
from stations.models import Region
from stations.scope import require, scope_for


def _require_county_admin(actor: User, county: Region) -> None:
    require(scope_for(actor).is_county_admin and scope_for(actor).covers(county.path),
            _("Only the county's admins change its search words."))


@transaction.atomic
def search_synonym_save(*, actor: User, county: Region, word: str, means: str) -> SearchSynonym:
    """Add a word (or change what it means) for the county."""
    _require_county_admin(actor, county)
    word, terms = word.strip(), " ".join(means.split())
    errors = {}
    if not word or len(word) > 20 or " " in word:
        errors["word"] = [_("One word of up to 20 characters, as residents say it.")]
    if not terms:
        errors["means"] = [_("Give at least one word of the items' names.")]
    if errors:
        raise ValidationError(errors)
    row, _created = SearchSynonym.objects.update_or_create(county=county, word=word,
                                                           defaults={"means": terms[:200], "updated_by": actor})
    audit_event_record(actor=actor, action="gov_services.search_word.save", target=row,
                       data={"word": word, "means": row.means})
    return row


@transaction.atomic
def search_synonym_delete(*, actor: User, synonym: SearchSynonym) -> None:
    if synonym.county is None:
        raise ValidationError(_("A word for every county is changed by the platform's administrator."))
    _require_county_admin(actor, synonym.county)
    audit_event_record(actor=actor, action="gov_services.search_word.delete", target=synonym,
                       data={"word": synonym.word, "means": synonym.means})
    synonym.delete()
