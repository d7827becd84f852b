from django.db import transaction
from oscar.core.loading import get_model

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_role_grant
from core.audit import audit_event_record

Partner = get_model("partner", "Partner")


@transaction.atomic
def merchant_user_link(*, partner, user: User, actor: User | None) -> None:
    """Let `user` manage `partner`'s catalogue and orders in Oscar's dashboard, and nothing else."""
    if partner.users.filter(pk=user.pk).exists():
        return
    partner.users.add(user)
    user_role_grant(user=user, role=Role.MERCHANT, actor=actor)
    audit_event_record(actor=actor, action="merchant.user_linked", target=partner, data={"user": user.username})
