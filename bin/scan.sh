#!/usr/bin/env bash
# An outside security scanner (wapiti, from PyPI) against Kvalitet running under gunicorn on
# loopback with the demo data, logged in as a consultant and as a municipal admin.
# Fails on any finding that `.ci/scan-accepted.json` does not explain (see the README's
# "Security scan" section). Bounded in time: each scan stops after SCAN_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."

SCAN_VENV=${SCAN_VENV:-.venv-scan}
PORT=${SCAN_PORT:-8765}
SCAN_SECONDS=${SCAN_SECONDS:-120}
WORK=var/scan
PY=.venv/bin/python

# The scanner lives in its own environment: its pinned dependencies must not meet the app's.
if ! "$SCAN_VENV/bin/wapiti" --version >/dev/null 2>&1; then
    python3 -m venv "$SCAN_VENV"
    "$SCAN_VENV/bin/pip" install --quiet -r .ci/scan-requirements.txt
fi

rm -rf "$WORK" && mkdir -p "$WORK"
export KVALITET_ENVIRONMENT=test DATABASE_URL="sqlite:///$PWD/$WORK/scan.sqlite3" \
    CELERY_TASK_ALWAYS_EAGER=true MEDIA_ROOT="$PWD/$WORK/media" DJANGO_ALLOW_ASYNC_UNSAFE=true
unset REDIS_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo >/dev/null
$PY manage.py collectstatic --noinput -v0

# One sync worker: the scan's database is SQLite, which takes one writer at a time.
.venv/bin/gunicorn kvalitet.wsgi --bind "127.0.0.1:$PORT" --workers 1 --timeout 60 \
    --access-logfile "$WORK/access.log" --error-logfile "$WORK/error.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    sleep 0.2
done

status=0
for login in consultant.baerum@demo.kvalitet.no admin.baerum@demo.kvalitet.no; do
    name=${login%%@*}
    cookie=$(SCAN_LOGIN="$login" $PY manage.py shell --no-imports -c "$(cat .ci/scan_session.py)" | tail -n 1)
    # Hard stop: the crawl (SCAN_SECONDS) plus twelve modules of at most 30 s each, and margin.
    timeout --kill-after=10 $((SCAN_SECONDS + 600)) "$SCAN_VENV/bin/wapiti" -u "http://127.0.0.1:$PORT/" --scope folder \
        -H "Cookie: $cookie" --endpoint "http://127.0.0.1:9/" --dns-endpoint localhost \
        -x "http://127.0.0.1:$PORT/konto/logg-ut/" \
        -x "http://127.0.0.1:$PORT/admin/logout/" \
        -x "http://127.0.0.1:$PORT/static/*" \
        -m "exec,file,sql,xss,permanentxss,redirect,crlf,csrf,methods,http_headers,csp,cookieflags" \
        --max-scan-time "$SCAN_SECONDS" --max-attack-time 30 --max-links-per-page 40 \
        --max-files-per-dir 30 \
        --tasks 4 --timeout 20 --flush-session --store-session "$WORK/session-$name" \
        -f json -o "$WORK/$name.json" -v 0 >"$WORK/$name.log" 2>&1 || true
    if [ -f "$WORK/$name.json" ]; then
        $PY .ci/scan_findings.py "$WORK/$name.json" .ci/scan-accepted.json || status=1
    else
        echo "The scan as $name left no report (see $WORK/$name.log)" >&2
        status=1
    fi
done
if awk '$9 == 500 {found = 1} END {exit !found}' "$WORK/access.log"; then
    echo "The scan made the server answer 500:" >&2
    awk '$9 == 500' "$WORK/access.log" | head -20 >&2
    status=1
fi
exit $status
