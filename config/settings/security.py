"""Security settings: the Content-Security-Policy, sign-in (lock-outs, sessions, two factors,
passwords), files encrypted at rest, the digests and keys of integrity records, signed PDFs and personal
data. Imported by config/settings/base.py, whose every importer sees these names.
"""

import base64
import hashlib
from datetime import timedelta

from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.urls import reverse_lazy

from config.env import BASE_DIR, env, fail, read
from core.csp import source_hash, url_source
from core.file_crypto import FileKeyError, parse_master_keys

# Content-Security-Policy (core/csp.py). Scripts: our own files, and inline scripts only with the
# response's nonce ({{ CSP_NONCE }}). Styles: our files and nonce'd <style> elements; style
# *attributes* stay allowed, because bars and meters carry their data-driven width in one
# (style="width: 40%"), and an attribute can neither run script nor select other elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Directives that replace the site-wide ones under a path prefix, for pages whose JavaScript we do
# not write (measured in headless Chromium: tests/e2e/test_csp.py fails on any violation).
# Oscar's templates (store and dashboard) keep a few fixed inline event handlers: exactly these
# are allowed there, by hash.
OSCAR_INLINE_HANDLERS = [
    "window.location.href='/shop/basket/';",  # the mini-basket's "View basket"
    "window.history.go(-1);return false",  # "cancel" on forms
    "history.go(-1);return false",
    "window.print()",  # "Print this page" after checkout
    "javascript:history.go(-1);",  # "Return to previous page" on error pages
    "window.close();return false;",  # dashboard pop-ups
]
# The county map (stations/templates/stations/_map.html) draws township outlines and stations with Leaflet
# from our own static files, and works with no internet. Under them, a tile layer only when MAP_TILE_URL
# is set: a tile server on the county's network, or 天地图 (CGCS2000, like surveyed outlines; AMap's tiles
# are shifted by GCJ-02 and would not line up). Its host is then allowed to serve images.
MAP_TILE_URL = read("MAP_TILE_URL", env.str, "", "MAP_TILE_URL=https://tiles.county.example/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = read("MAP_TILE_ATTRIBUTION", env.str, "", "MAP_TILE_ATTRIBUTION=© 天地图")
if MAP_TILE_URL:
    if url_source(MAP_TILE_URL) is None:
        fail("MAP_TILE_URL", "must be an http(s) URL, e.g. https://tiles.county.example/{z}/{x}/{y}.png")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(url_source(MAP_TILE_URL))
CSP_PATH_DIRECTIVES = {
    "/shop/": {"script-src-attr": [UNSAFE_HASHES, *map(source_hash, OSCAR_INLINE_HANDLERS)]},
    # Wagtail's admin (editors only, signed in) renders its date pickers as inline scripts from form
    # widgets, which have no request to take a nonce from, and its editors inject <style> elements.
    "/cms/": {"script-src": [SELF, UNSAFE_INLINE], "style-src": [SELF, UNSAFE_INLINE]},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",  # first: refuses a locked account or address before any password check
    # Django's, ours and Oscar's sign-ins, each giving later requests their user from the cache
    # (accounts/user_cache.py). A session signed in before they were named so ends: sign in again.
    "accounts.backends.UsernameBackend",
    "accounts.backends.PhoneBackend",
    "accounts.backends.EmailBackend",
]
USER_CACHE_SECONDS = read("USER_CACHE_SECONDS", env.int, 60, "USER_CACHE_SECONDS=60")
# Guessing passwords and SMS codes (accounts/lockout.py): within LOGIN_LOCKOUT_MINUTES of the last failure,
# LOGIN_FAILURE_LIMIT wrong passwords lock an account, SMS_CODE_FAILURE_LIMIT wrong codes a number and
# LOGIN_ADDRESS_FAILURE_LIMIT failures of either kind a client address, for LOGIN_LOCKOUT_MINUTES.
LOGIN_FAILURE_LIMIT = read("LOGIN_FAILURE_LIMIT", env.int, 5, "LOGIN_FAILURE_LIMIT=5")
SMS_CODE_FAILURE_LIMIT = read("SMS_CODE_FAILURE_LIMIT", env.int, 10, "SMS_CODE_FAILURE_LIMIT=10")
LOGIN_ADDRESS_FAILURE_LIMIT = read("LOGIN_ADDRESS_FAILURE_LIMIT", env.int, 30, "LOGIN_ADDRESS_FAILURE_LIMIT=30")
LOGIN_LOCKOUT_MINUTES = read("LOGIN_LOCKOUT_MINUTES", env.int, 30, "LOGIN_LOCKOUT_MINUTES=30")
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # this order: the handler reads them so
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_USERNAME_CALLABLE = "accounts.lockout.attempt_username"
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ADMIN = False  # accounts/admin.py lists attempts; every lift goes through lockout_lift (audited)
# Kept out of the attempt log's copy of the form (Oscar's form fields carry a prefix).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login-username", "login-password", "password1",
                             "password2", "code"]
AXES_VERBOSE = False

# Sessions live in the database. Production reads them through its shared Redis first ("cached_db": no query
# on most requests); the embedded default cannot, because its local-memory cache belongs to one process and a
# sign-out in one process would leave the session alive in another's copy.
SESSION_ENGINE = read("SESSION_ENGINE", env.str, "django.contrib.sessions.backends.db",
                      "SESSION_ENGINE=django.contrib.sessions.backends.cached_db")

# Counter PCs are shared (accounts/middleware.py): a staff session ends when the browser closes and after
# this many minutes without a request. Residents keep SESSION_COOKIE_AGE (two weeks).
STAFF_SESSION_IDLE_MINUTES = read("STAFF_SESSION_IDLE_MINUTES", env.int, 30, "STAFF_SESSION_IDLE_MINUTES=30")

# Two-factor sign-in (accounts/two_factor.py; 等保 2.0 asks it of administrators): holders of these roles
# (and platform superusers) give a code from an authenticator app after their password. Officers and
# operators may be added by the county's policy; an empty list asks it of nobody (the demo's default).
TWO_FACTOR_ROLES = read("TWO_FACTOR_ROLES", env.list,
                        ["county_admin", "township_admin", "system_admin", "security_admin", "audit_admin",
                         "data_officer"], "TWO_FACTOR_ROLES=county_admin,township_admin,system_admin,security_admin")
OTP_TOTP_ISSUER = read("OTP_TOTP_ISSUER", env.str, "村站", "OTP_TOTP_ISSUER=乐亭县村站")

LOGIN_URL = reverse_lazy("accounts:login")
LOGIN_REDIRECT_URL = reverse_lazy("accounts:landing")
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff (等保 2.0): complexity and no reuse of the last few (accounts/passwords.py); expiry below.
    {"NAME": "accounts.passwords.StaffPasswordComplexityValidator", "OPTIONS": {"min_length": 10, "min_classes": 3}},
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
]
# A staff password older than this is changed at the next sign-in (0: never).
STAFF_PASSWORD_MAX_AGE_DAYS = read("STAFF_PASSWORD_MAX_AGE_DAYS", env.int, 90, "STAFF_PASSWORD_MAX_AGE_DAYS=90")

# Private files are encrypted at rest (core/storage.py, core/file_crypto.py): a data key per file, wrapped
# with the county's master key named by FILE_MASTER_KEY_ID among FILE_MASTER_KEYS ("id:<base64 of 32
# bytes>", comma-separated; keep retired keys listed until `manage.py rotate_file_keys` has rewrapped every
# file). Keep them apart from the database and its backups. The development key is published: production
# refuses it.
DEVELOPMENT_FILE_MASTER_KEYS = "dev:" + base64.b64encode(hashlib.sha256(b"cunzhan-development-file-key").digest()).decode()
try:
    FILE_MASTER_KEYS = parse_master_keys(read("FILE_MASTER_KEYS", env.str, DEVELOPMENT_FILE_MASTER_KEYS,
                                              "FILE_MASTER_KEYS=k2026:<base64 of 32 random bytes>"))
except FileKeyError as error:
    fail("FILE_MASTER_KEYS", str(error))
FILE_MASTER_KEY_ID = read("FILE_MASTER_KEY_ID", env.str, next(iter(FILE_MASTER_KEYS), ""), "FILE_MASTER_KEY_ID=k2026")
# New private files are sealed with AES-256-GCM, or with SM4-GCM (国密, GB/T 32907) when "sm4-gcm"; files of
# either kind are read whatever this says, so it may change at any time.
FILE_CIPHER = read("FILE_CIPHER", env.str, "aes-256-gcm", "FILE_CIPHER=sm4-gcm")
if FILE_CIPHER not in ("aes-256-gcm", "sm4-gcm"):
    fail("FILE_CIPHER", f"is {FILE_CIPHER!r}; choose aes-256-gcm or sm4-gcm")
if FILE_MASTER_KEY_ID not in FILE_MASTER_KEYS:
    fail("FILE_MASTER_KEY_ID", f"names {FILE_MASTER_KEY_ID!r}, which FILE_MASTER_KEYS does not hold")

# The digest of new integrity records (core/digests.py): links of the audit hash chain and the backup manifest's
# file fingerprints. "sha256" or "sm3" (GB/T 32905, 国密); records keep theirs, so mixed histories verify.
DIGEST_ALGORITHM = read("DIGEST_ALGORITHM", env.str, "sha256", "DIGEST_ALGORITHM=sm3").lower()
if DIGEST_ALGORITHM not in ("sha256", "sm3"):
    fail("DIGEST_ALGORITHM", "must be sha256 or sm3")

# The algorithm of new certificate-token keys (department and officials' keys made or rotated from now on):
# "Ed25519" or "SM2" (GB/T 32918, 国密). Keys already made keep theirs, and tokens of both verify everywhere.
CERTIFICATE_TOKEN_ALGORITHM = read("CERTIFICATE_TOKEN_ALGORITHM", env.str, "Ed25519", "CERTIFICATE_TOKEN_ALGORITHM=SM2")
if CERTIFICATE_TOKEN_ALGORITHM not in ("Ed25519", "SM2"):
    fail("CERTIFICATE_TOKEN_ALGORITHM", "must be Ed25519 or SM2")

# Certificate PDFs carry an RFC 3161 timestamp from this time-stamping authority (PAdES B-T) when set;
# unset, they are signed without a trusted time (B-B). A TSA that does not answer fails the render, which
# is retried by its task and then shown to the department with a retry button: no certificate is ever
# silently left without the time it was promised.
PDF_TIMESTAMP_URL = read("PDF_TIMESTAMP_URL", env.str, "", "PDF_TIMESTAMP_URL=http://tsa.county.example/tsr")
PDF_TIMESTAMP_TIMEOUT = read("PDF_TIMESTAMP_TIMEOUT", env.int, 10, "PDF_TIMESTAMP_TIMEOUT=10 (seconds)")
# PAdES B-LT: every signed PDF embeds the chains and revocation data of its signer and its TSA (the demo CA's
# CRL and the TSA simulator's are made here). A real TSA's root is read from PDF_TIMESTAMP_TRUST_ROOTS (PEM),
# and its revocation data — like a real county CA's — is fetched over the network when PDF_VALIDATION_FETCH.
# The demo's TSA simulator answers at SITE_URL/sim/tsa/ (ENABLE_SIMULATORS): set PDF_TIMESTAMP_URL to it.
PDF_TIMESTAMP_TRUST_ROOTS = read("PDF_TIMESTAMP_TRUST_ROOTS", env.str, "",
                                 "PDF_TIMESTAMP_TRUST_ROOTS=/etc/cunzhan/tsa-root.pem")
PDF_VALIDATION_FETCH = read("PDF_VALIDATION_FETCH", env.bool, False, "PDF_VALIDATION_FETCH=true")
TSA_SIMULATOR_KEY_DIR = read("TSA_SIMULATOR_KEY_DIR", env.str, str(BASE_DIR / "var" / "tsa_simulator"),
                             "TSA_SIMULATOR_KEY_DIR=var/tsa_simulator")

# Retention of personal data (core/retention.py): days after which each rule deletes or anonymises,
# per rule code (`manage.py personal_data_retention --dry-run` lists the codes); unlisted rules keep their
# default. The county's archives rules decide; the inventory at /ops/personal-data/ says them in words.
PERSONAL_DATA_RETENTION_DAYS = read("PERSONAL_DATA_RETENTION_DAYS",
                                    lambda name, default: env.dict(name, cast={"value": int}, default=default), {},
                                    "PERSONAL_DATA_RETENTION_DAYS=request_scans=1095;request_applicant=1825")
# Days the data officer has to answer a resident's request to correct or delete their data.
PERSONAL_DATA_REQUEST_DAYS = read("PERSONAL_DATA_REQUEST_DAYS", env.int, 15, "PERSONAL_DATA_REQUEST_DAYS=15")
