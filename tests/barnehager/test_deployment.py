"""The deployment files: docker-compose.yml points at code that exists, and the
production settings pass Django's deployment checks."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"web", "worker", "beat"}


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_a_health_check():
    services = compose()["services"]
    assert set(services) == APP_SERVICES | {"db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    assert {"pgdata", "redisdata", "media"} <= set(compose()["volumes"])


def test_compose_commands_point_at_modules_that_exist():
    services = compose()["services"]
    for name in APP_SERVICES:
        command = services[name]["command"]
        if "gunicorn" in command:
            module, attribute = command.split("gunicorn ", 1)[1].split()[0].split(":")
            assert hasattr(importlib.import_module(module), attribute)
        if "celery" in command:
            app_module = command.split("-A ", 1)[1].split()[0]
            assert importlib.import_module(f"{app_module}.celery").app.main == "kvalitet"
        if "manage.py" in command:
            assert (ROOT / "manage.py").exists()
    assert (ROOT / "Dockerfile").exists()


def test_every_setting_in_the_settings_is_documented_in_env_example():
    documented = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
                  if line and not line.startswith("#")}
    source = (ROOT / "kvalitet" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get\(|environ\[|env_bool\(|env_list\()"([A-Z_]+)"',
                          source))
    assert len(read) > 15
    assert read - documented == set()


def test_check_deploy_with_production_settings_is_clean():
    env = {
        **{key: value for key, value in os.environ.items()
           if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "KVALITET_ENVIRONMENT": "production",
        "DJANGO_SECRET_KEY": "x" * 64 + "production-like-secret-key-for-the-check",
        "DJANGO_ALLOWED_HOSTS": "kvalitet.example.no",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
