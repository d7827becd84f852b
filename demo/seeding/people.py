"""The demo's accounts: every one signs in with the published password `cunzhan-demo`.

The people the staff file brings in (demo/data/staff.csv) get accounts from the import, named by their
mobile number, without a password, as a county's would; the demo then gives them the published password,
and a few of them the short sign-in names the logins table prints.
"""

from functools import cache

from django.contrib.auth.hashers import make_password

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_role_grant

DEMO_PASSWORD = "cunzhan-demo"

# For the applicants and customers the activity invents.
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英桂兰玉梅建国建华志强国庆海燕春花德明金凤淑珍立新红霞永福凤英宝山文军素芬长海翠兰振华"


def demo_user(username: str, full_name: str, phone: str = "", **flags) -> User:
    """The demo account `username`, made when missing (accounts the files do not hold: admins, the
    resident, the CMS editors, merchants' managers)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, phone=phone,
                    **{"email": f"{username}@demo.cunzhan.local", **flags})
        user.password = demo_password_hash()
        user.save()
    return user


def demo_login(user: User, *, username: str) -> None:
    """Let an account the files brought in sign in as `username`, with the published password unless it
    has one already; idempotent."""
    changed = []
    if user.username != username:
        user.username = username
        changed.append("username")
    if not user.has_usable_password():
        user.password = demo_password_hash()
        changed.append("password")
    if changed:
        user.save(update_fields=changed)


@cache
def demo_password_hash() -> str:
    # Hashing is deliberately slow (~0.3 s); the demo's accounts can share one salted hash.
    return make_password(DEMO_PASSWORD)


def demo_resident() -> User:
    """The demo resident: applies online, holds a certificate, orders from the store. Signed up by mobile
    number as residents do, so without an e-mail address (the store's thanks then mention none); a demo
    seeded before loses the address it was made up with."""
    user = demo_user("resident", "刘桂兰", "13935000001", email="")
    if user.email.endswith("@demo.cunzhan.local"):
        user.email = ""
        user.save(update_fields=["email"])
    return user


# 等保's three administrators and the data officer: four different people (accounts/roles.py).
ADMINISTRATORS = [("sysadmin", "周建国", Role.SYSTEM_ADMIN), ("secadmin", "吴海燕", Role.SECURITY_ADMIN),
                  ("auditor", "郑立新", Role.AUDIT_ADMIN), ("dataofficer", "冯淑珍", Role.DATA_OFFICER)]


def seed_resident(progress) -> User:
    resident = demo_resident()
    user_role_grant(user=resident, role=Role.RESIDENT, actor=None)
    for username, full_name, role in ADMINISTRATORS:
        user_role_grant(user=demo_user(username, full_name), role=role, actor=None)
    progress.step("people")
    return resident
