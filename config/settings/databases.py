"""Where the data lives: the databases (pooling, the read replica), the cache, month partitions and
backups. Imported by config/settings/base.py, whose every importer sees these names.
"""

from config.env import BASE_DIR, env, fail, read

DATABASES = {
    "default": read("DATABASE_URL", env.db_url, f"sqlite:///{BASE_DIR / 'var' / 'cunzhan.sqlite3'}", "postgres://user:pass@127.0.0.1:5432/cunzhan")
}
if not DATABASES["default"].get("ENGINE"):
    fail("DATABASE_URL", "has an unknown scheme; use sqlite:///path or postgres://user:pass@host:5432/name")
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Reuse connections: a new PostgreSQL connection costs ~7 ms, and a new SQLite one ~5 ms of
# schema parsing; `make bench` measured 2x the portal's throughput with reuse.
DATABASES["default"]["CONN_MAX_AGE"] = read("CONN_MAX_AGE", env.int, 60, "CONN_MAX_AGE=60")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Connection pooling, for many processes against one PostgreSQL (docs/scale.md). With pgbouncer in
# transaction mode in front of the server (scripts/province/up.sh), one server connection serves many
# clients between their transactions: a cursor may not outlive its transaction there, so Django's
# server-side cursors (.iterator() on PostgreSQL) are turned off.
DATABASE_POOLER = read("DATABASE_POOLER", env.str, "", "DATABASE_POOLER=pgbouncer (or leave it empty)")
if DATABASE_POOLER not in ("", "pgbouncer"):
    fail("DATABASE_POOLER", f"is {DATABASE_POOLER!r}; the only pooler known is pgbouncer (or leave it empty)")
# Django's own psycopg pool, one per process (needs the psycopg-pool package): a process with threads
# (gunicorn gthread, Celery threads) shares up to this many connections. Sync gunicorn workers and Celery
# prefork children serve one request at a time, where it is no better than CONN_MAX_AGE; pgbouncer is
# what pools *across* processes.
DATABASE_POOL_MAX_SIZE = read("DATABASE_POOL_MAX_SIZE", env.int, 0, "DATABASE_POOL_MAX_SIZE=4 (0: no pool)")
# A read replica of the default database (streaming replication): report pages and report jobs read
# from it through config.db_router.ReplicaRouter; every write goes to the primary.
REPLICA_DATABASE_URL = read("REPLICA_DATABASE_URL", env.str, "", "postgres://cunzhan@127.0.0.1:5433/cunzhan")
# work_mem of the replica's connections, which serve only report pages and jobs: their sorts and hashes stay
# in memory (the server's 4 MB default sent a two-year report by month to disk). Empty: the server's.
REPORTS_WORK_MEM = read("REPORTS_WORK_MEM", env.str, "64MB", "REPORTS_WORK_MEM=64MB")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = {
        **DATABASES["default"],
        **read("REPLICA_DATABASE_URL", env.db_url, "", "postgres://cunzhan@127.0.0.1:5433/cunzhan"),
        # Report pages read outside the request's transaction: no transaction per request on the replica.
        "ATOMIC_REQUESTS": False,
        "TEST": {"MIRROR": "default"},
    }
    if REPORTS_WORK_MEM:
        DATABASES["replica"]["OPTIONS"] = {**DATABASES["replica"].get("OPTIONS", {}),
                                           "options": f"-c work_mem={REPORTS_WORK_MEM}"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
if DATABASE_POOLER == "pgbouncer":  # the replica is reached directly: its report reads may stream
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
for _database in DATABASES.values():
    if DATABASE_POOL_MAX_SIZE and _database["ENGINE"].endswith("postgresql"):
        try:
            import psycopg_pool  # noqa: F401
        except ImportError:
            fail("DATABASE_POOL_MAX_SIZE", "needs the psycopg-pool package (pip install 'psycopg[pool]')")
        _database.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DATABASE_POOL_MAX_SIZE}
        _database["CONN_MAX_AGE"] = 0  # Django refuses persistent connections beside a pool
# Which requests and tasks may read from the replica (config/db_router.py).
REPLICA_READ_NAMESPACES = ["reports"]
REPLICA_READ_TASKS = ["reports.tasks.run_report_job"]
# The government-service report pages read the daily request rollups (reports/rollups.py), kept exact in the
# transaction of every request change; false reads the requests themselves (the tests' default: their
# fixtures write requests directly, and tests/reports/test_request_rollups.py compares the two ways).
REPORTS_READ_ROLLUPS = read("REPORTS_READ_ROLLUPS", env.bool, True, "REPORTS_READ_ROLLUPS=false")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": read("CACHE_URL", env.cache_url, "locmemcache://cunzhan", "redis://127.0.0.1:6379/1")}
# Rate limits (tracking look-ups, /verify/, SMS sends) are django-ratelimit counters in that cache, by
# client address (core/http.py). Not an installed app: its checks reject the embedded local-memory cache,
# which is right for the one-process demo; production's Redis is shared by every web process.
RATELIMIT_IP_META_KEY = "core.http.ratelimit_ip"
# Month partitions older than this are listed as archivable by `manage.py db_partitions` (never dropped).
PARTITION_RETENTION_MONTHS = read("PARTITION_RETENTION_MONTHS", env.int, 24, "PARTITION_RETENTION_MONTHS=24")

# Backups (core/backup.py, docs/backup.md): `manage.py backup` nightly through Celery beat when a
# passphrase is set (backups are always encrypted with it: keep it apart from the server, in the county's
# safe); `manage.py restore_drill` restores the latest into a fresh database and checks it.
BACKUP_DIR = read("BACKUP_DIR", env.path, BASE_DIR / "var" / "backups", "/srv/cunzhan/backups")
BACKUP_PASSPHRASE = read("BACKUP_PASSPHRASE", env.str, "", "BACKUP_PASSPHRASE=<long random passphrase>")
BACKUP_KEEP_DAILY = read("BACKUP_KEEP_DAILY", env.int, 7, "BACKUP_KEEP_DAILY=7")
BACKUP_KEEP_WEEKLY = read("BACKUP_KEEP_WEEKLY", env.int, 8, "BACKUP_KEEP_WEEKLY=8")
