#!/usr/bin/env bash
# A province deployment on one machine (docs/scale.md): the PostgreSQL primary (the machine's server at
# 127.0.0.1:5432), a streaming read replica of it started here (pg_basebackup, port 5433, data in
# var/province/replica), pgbouncer in transaction mode in front of the primary (port 6432, when installed),
# several gunicorn servers (ports 8101, 8102, …) and several Celery workers plus beat, sharing nothing
# but the database and Redis. Report pages and report jobs read from the replica (config/db_router.py).
#
#   bash scripts/province/up.sh          # or: make province
#   bash scripts/province/down.sh        # stops everything it started (--purge also deletes the replica)
#
# Settings (environment): DB_NAME (cz_province), PRIMARY_PORT (5432), REPLICA_PORT (5433), POOLER_PORT
# (6432), WEB_SERVERS (2), WEB_WORKERS (2 per server), CELERY_WORKERS (2), WEB_PORT_BASE (8100),
# REDIS_DB_BASE (10: broker there, cache the next), POOLER=auto|pgbouncer|none.
# Local only: everything listens on 127.0.0.1, the database user is the superuser postgres (production
# splits the owner from the application's role: scripts/run-production.sh), simulators are on.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VAR=$ROOT/var/province
DB_NAME=${DB_NAME:-cz_province}
PRIMARY_HOST=127.0.0.1 PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433} POOLER_PORT=${POOLER_PORT:-6432}
WEB_SERVERS=${WEB_SERVERS:-2} WEB_WORKERS=${WEB_WORKERS:-2} CELERY_WORKERS=${CELERY_WORKERS:-2}
WEB_PORT_BASE=${WEB_PORT_BASE:-8100} REDIS_DB_BASE=${REDIS_DB_BASE:-10}
POOLER=${POOLER:-auto}
BIN=$ROOT/.venv/bin
PGBIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -1)/bin
say() { printf '[province] %s\n' "$*"; }
as_postgres() { runuser -u postgres -- "$@"; }

mkdir -p "$VAR/run" "$VAR/log"
pg_isready -q -h $PRIMARY_HOST -p "$PRIMARY_PORT" || { say "no PostgreSQL at $PRIMARY_HOST:$PRIMARY_PORT"; exit 1; }
redis-cli -h 127.0.0.1 ping >/dev/null || { say "no Redis at 127.0.0.1:6379"; exit 1; }
PSQL=(psql -h $PRIMARY_HOST -p "$PRIMARY_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)

# 1. The primary: replication connections from loopback, and the database, migrated.
if ! psql "host=$PRIMARY_HOST port=$PRIMARY_PORT user=postgres replication=true dbname=postgres" \
        -c "IDENTIFY_SYSTEM" >/dev/null 2>&1; then
    HBA=$("${PSQL[@]}" -d postgres -c "SHOW hba_file")
    say "allowing replication connections from 127.0.0.1 in $HBA (loopback only, like its other lines)"
    printf '\n# scripts/province/up.sh: a local read replica\nhost replication postgres 127.0.0.1/32 trust\n' >>"$HBA"
    "${PSQL[@]}" -d postgres -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
fi
if [ -z "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
    say "creating database $DB_NAME"
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$DB_NAME\""
fi
PRIMARY_URL=postgres://postgres@$PRIMARY_HOST:$PRIMARY_PORT/$DB_NAME
say "migrating $DB_NAME on the primary"
DATABASE_URL=$PRIMARY_URL $BIN/python manage.py migrate --no-input -v0

# 2. The replica: a base backup of the whole primary cluster, then streaming (standby.signal, -R).
REPLICA_DIR=$VAR/replica
if ! pg_isready -q -h 127.0.0.1 -p "$REPLICA_PORT"; then
    if [ ! -f "$REPLICA_DIR/PG_VERSION" ]; then
        say "base backup of the primary into $REPLICA_DIR"
        rm -rf "$REPLICA_DIR.partial" && mkdir -p "$REPLICA_DIR.partial" && chown postgres: "$REPLICA_DIR.partial"
        chmod 700 "$REPLICA_DIR.partial"
        as_postgres "$PGBIN/pg_basebackup" -h $PRIMARY_HOST -p "$PRIMARY_PORT" -U postgres \
            -D "$REPLICA_DIR.partial" -R -X stream -c fast
        # Debian keeps the server's configuration in /etc: the copy gets a small one of its own.
        cat >"$REPLICA_DIR.partial/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
unix_socket_directories = '/tmp'
hot_standby = on
# Long report queries on the replica are not cancelled by the primary's vacuum; the price is that
# the primary keeps rows those queries still see a little longer.
hot_standby_feedback = on
max_connections = 100
shared_buffers = 128MB
# The first start syncs the copied files: one syncfs() instead of an fsync per file.
recovery_init_sync_method = syncfs
EOF
        printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$REPLICA_DIR.partial/pg_hba.conf"
        : >"$REPLICA_DIR.partial/pg_ident.conf"
        chown postgres: "$REPLICA_DIR.partial"/*.conf
        mv "$REPLICA_DIR.partial" "$REPLICA_DIR"   # complete: only now is it taken for a replica
    fi
    say "starting the replica on 127.0.0.1:$REPLICA_PORT"
    touch "$VAR/log/replica.log" && chown postgres: "$VAR/log/replica.log"
    as_postgres "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -l "$VAR/log/replica.log" -w -t 600 start >/dev/null
fi
REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB_NAME
in_recovery=$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d "$DB_NAME" -qAt -c "SELECT pg_is_in_recovery()")
[ "$in_recovery" = t ] || { say "the server on port $REPLICA_PORT is not a replica"; exit 1; }

# 3. Connection pooling: pgbouncer in transaction mode in front of the primary, when installed.
APP_URL=$PRIMARY_URL POOLER_SETTING=""
if [ "$POOLER" = auto ] && ! command -v pgbouncer >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing pgbouncer (Debian's package)"
    apt-get install -y -q pgbouncer >"$VAR/log/apt-pgbouncer.log" 2>&1 || say "could not install pgbouncer: no pooler"
fi
if [ "$POOLER" = auto ]; then POOLER=$(command -v pgbouncer >/dev/null && echo pgbouncer || echo none); fi
if [ "$POOLER" = pgbouncer ]; then
    command -v pgbouncer >/dev/null || { say "pgbouncer is not installed (apt-get install pgbouncer)"; exit 1; }
    mkdir -p "$VAR/pgbouncer" && chown postgres: "$VAR/pgbouncer"
    cat >"$VAR/pgbouncer/pgbouncer.ini" <<EOF
[databases]
$DB_NAME = host=$PRIMARY_HOST port=$PRIMARY_PORT dbname=$DB_NAME
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $POOLER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $VAR/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
reserve_pool_size = 5
server_idle_timeout = 60
ignore_startup_parameters = extra_float_digits,options
logfile = $VAR/pgbouncer/pgbouncer.log
pidfile = $VAR/pgbouncer/pgbouncer.pid
EOF
    echo '"postgres" ""' >"$VAR/pgbouncer/userlist.txt"
    chown postgres: "$VAR/pgbouncer"/*
    if ! pg_isready -q -h 127.0.0.1 -p "$POOLER_PORT"; then
        say "starting pgbouncer (transaction pooling) on 127.0.0.1:$POOLER_PORT"
        as_postgres pgbouncer -d "$VAR/pgbouncer/pgbouncer.ini"
        for _ in $(seq 20); do pg_isready -q -h 127.0.0.1 -p "$POOLER_PORT" && break; sleep 0.5; done
    fi
    APP_URL=postgres://postgres@127.0.0.1:$POOLER_PORT/$DB_NAME POOLER_SETTING=pgbouncer
fi

# 4. The application's environment, written out for the processes below (and for a shell: `. var/province/env`).
SECRET_FILE=$VAR/secret_key
[ -f "$SECRET_FILE" ] || $BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))' >"$SECRET_FILE"
cat >"$VAR/env" <<EOF
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL=$APP_URL
export DATABASE_POOLER=$POOLER_SETTING
export REPLICA_DATABASE_URL=$REPLICA_URL
export CELERY_BROKER_URL=redis://127.0.0.1:6379/$REDIS_DB_BASE
export CACHE_URL=redis://127.0.0.1:6379/$((REDIS_DB_BASE + 1))
export SECRET_KEY=$(cat "$SECRET_FILE")
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false
export ENABLE_SIMULATORS=true
export CONN_MAX_AGE=60
EOF
# shellcheck disable=SC1091
. "$VAR/env"
$BIN/python manage.py collectstatic --no-input -v0

# 5. Web and worker processes, each with a pid file (down.sh stops exactly these).
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
URLS=()
for i in $(seq "$WEB_SERVERS"); do
    port=$((WEB_PORT_BASE + i)) pid=$VAR/run/web-$i.pid
    URLS+=("http://127.0.0.1:$port")
    running "$pid" && continue
    say "starting gunicorn $i on 127.0.0.1:$port ($WEB_WORKERS sync workers)"
    $BIN/gunicorn config.wsgi --bind 127.0.0.1:$port --workers "$WEB_WORKERS" --timeout 60 --daemon \
        --pid "$pid" --error-logfile "$VAR/log/web-$i.log" --log-level warning
done
for i in $(seq "$CELERY_WORKERS"); do
    pid=$VAR/run/celery-$i.pid
    running "$pid" && continue
    say "starting Celery worker $i"
    $BIN/celery -A config worker -n "province$i@%h" --concurrency 1 --max-tasks-per-child 200 --detach \
        --pidfile "$pid" --logfile "$VAR/log/celery-$i.log" --loglevel INFO
done
if ! running "$VAR/run/beat.pid"; then
    say "starting Celery beat"
    $BIN/celery -A config beat --detach --pidfile "$VAR/run/beat.pid" --logfile "$VAR/log/beat.log" \
        --schedule "$VAR/run/celerybeat-schedule" --loglevel INFO
fi
for url in "${URLS[@]}"; do
    for _ in $(seq 60); do curl -fs -o /dev/null "$url/" && break; sleep 1; done
    curl -fs -o /dev/null "$url/" || { say "$url does not answer; see $VAR/log/"; exit 1; }
done
lag=$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d "$DB_NAME" -qAt \
    -c "SELECT coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000), 0)")
IFS=,; urls="${URLS[*]}"; unset IFS
say "up: web ${urls}; primary $PRIMARY_HOST:$PRIMARY_PORT${POOLER_SETTING:+ via pgbouncer :$POOLER_PORT}," \
    "replica :$REPLICA_PORT (replay lag ${lag} ms since its last commit); $CELERY_WORKERS Celery workers + beat"
say "load test against it:"
echo "  BENCH_PROVINCE_URL=$urls BENCH_PROVINCE_DATABASE_URL=$PRIMARY_URL .venv/bin/python -m benches --only province-load"
say "stop: bash scripts/province/down.sh"
