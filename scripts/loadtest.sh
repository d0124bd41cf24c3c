#!/usr/bin/env bash
# The load test (make loadtest): locust, headless, against gunicorn and PostgreSQL.
#
# Makes the database klientstod_loadtest on 127.0.0.1 (or uses LOADTEST_DATABASE_URL)
# and fills it once with generate_load_data (50 processes, 20,000 clients); a later run
# reuses it (LOADTEST_FRESH=1 makes it again). Serves it with gunicorn (3 workers,
# production settings) and runs bench/locustfile.py: LOADTEST_USERS (30) people for
# LOADTEST_TIME (2m). The table goes to var/loadtest_stats.csv and to the terminal.
# Fails if a request failed or the 95th percentile is 300 ms or more.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${LOADTEST_PORT:-8765}
USERS=${LOADTEST_USERS:-30}
DURATION=${LOADTEST_TIME:-2m}
if [ -n "${LOADTEST_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$LOADTEST_DATABASE_URL
else
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/klientstod_loadtest
  if [ -n "${LOADTEST_FRESH:-}" ]; then dropdb -h 127.0.0.1 -U postgres --if-exists klientstod_loadtest; fi
  createdb -h 127.0.0.1 -U postgres klientstod_loadtest 2>/dev/null || true
fi
# Made-up keys for made-up people: this database never holds anyone real.
export KLIENTSTOD_PERSONNUMMER_KEYS=bG9hZC10ZXN0LW9ubHkta2V5LW5ldmVyLWZvci11c2U=
export KLIENTSTOD_PERSONNUMMER_INDEX_KEY=load-test-only-index-key
export DJANGO_SECRET_KEY=load-test-only-secret-key-never-used-for-anything-real
export LOADTEST_PASSWORD=${LOADTEST_PASSWORD:-load-test-password}
mkdir -p var

DJANGO_DEBUG=1 $PY manage.py migrate --noinput -v0
if ! DJANGO_DEBUG=1 $PY manage.py shell -v 0 -c "
from klientstod.models import User; raise SystemExit(0 if User.objects.filter(username='process-01-steering').exists() else 1)"; then
  echo "Generating the load data (50 processes, 20,000 clients; a couple of minutes) …"
  DJANGO_DEBUG=1 $PY manage.py generate_load_data --password "$LOADTEST_PASSWORD" | tail -1
fi
DJANGO_DEBUG=0 $PY manage.py collectstatic --noinput -v0

# Production settings over plain HTTP on loopback; the generated people have no
# authenticator app, so the second factor is not asked for.
# One cache for the three workers, as in production (Redis, if it answers here).
if redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-cli -h 127.0.0.1 -n 2 flushdb >/dev/null
  export DJANGO_CACHE_URL=redis://127.0.0.1:6379/2
fi
export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 \
  DJANGO_SECURE_COOKIES=0 DJANGO_REQUIRE_2FA=0
.venv/bin/gunicorn klientstod.wsgi --workers 3 --bind "127.0.0.1:$PORT" \
  --access-logfile /dev/null --error-logfile var/loadtest_gunicorn.log &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$PORT/health/" >/dev/null && break
  sleep 0.2
done

.venv/bin/locust -f bench/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$USERS" --spawn-rate 1 --run-time "$DURATION" --stop-timeout 10 \
  --csv var/loadtest --only-summary
