#!/usr/bin/env bash
# Stops at once, saying how to start them, when PostgreSQL or Redis does not answer.
set -u
python3 - <<'PY'
import socket, sys

services = {
    "PostgreSQL": (5432, "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),
    "Redis": (6379, "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' "
                    "--appendonly no"),
}
down = []
for name, (port, start) in services.items():
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        down.append(f"{name} does not answer on 127.0.0.1:{port}. Start it with:\n    {start}")
if down:
    print("\n".join(down), file=sys.stderr)
    sys.exit(1)
PY
