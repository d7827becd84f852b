#!/usr/bin/env bash
# Stops what scripts/province/up.sh started, by the pid files it wrote: gunicorn servers, Celery workers
# and beat, pgbouncer, the replica. The primary (the machine's server) keeps running and keeps the
# database. --purge also deletes the replica's data directory (the next up.sh takes a new base backup).
set -euo pipefail
cd "$(dirname "$0")/../.."
VAR=$PWD/var/province
PGBIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -1)/bin
say() { printf '[province] %s\n' "$*"; }

stop_pid_file() {
    local file=$1 pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        say "stopping $(basename "$file" .pid) (pid $pid)"
        kill -TERM "$pid"
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$file"
}

for file in "$VAR"/run/web-*.pid "$VAR"/run/celery-*.pid "$VAR"/run/beat.pid "$VAR"/pgbouncer/pgbouncer.pid; do
    [ -e "$file" ] && stop_pid_file "$file"
done
if [ -f "$VAR/replica/postmaster.pid" ]; then
    say "stopping the replica"
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$VAR/replica" -m fast -w stop >/dev/null
fi
if [ "${1:-}" = --purge ]; then
    say "deleting $VAR/replica"
    rm -rf "$VAR/replica" "$VAR/replica.partial"
fi
say "down"
