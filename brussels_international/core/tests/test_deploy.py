"""Production settings: ``check --deploy`` passes, demo accounts are refused, headers are set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "DEMO_MODE": "0",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x9Qz" * 12,
    "ALLOWED_HOSTS": "international.brussels",
}


def run_manage(*args: str, env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DEMO_MODE", "BI_TESTING", "SECRET_KEY"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_in_debug():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides={**PRODUCTION_ENV, "DEBUG": "1"})
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG must be off in deployment


def test_demo_mode_is_refused_without_debug():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "DEMO_MODE": "1"})
    assert result.returncode != 0
    assert "DEMO_MODE=1 is only allowed with DEBUG=1" in result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_demo_accounts_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("create_demo_accounts")


@pytest.mark.django_db
def test_demo_accounts_one_per_group_and_idempotent(settings, capsys):
    from django.contrib.auth.models import User

    settings.DEMO_MODE = True
    settings.DEBUG = True
    call_command("setup_groups")
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    users = {u.username: [g.name for g in u.groups.all()] for u in User.objects.all()}
    assert users == {
        "demo-administrator": ["Administrator"],
        "demo-director": ["Director"],
        "demo-communication": ["Communication"],
        "demo-bilateral-relations": ["Bilateral Relations"],
        "demo-multilateral-and-europe": ["Multilateral and Europe"],
        "demo-eu-delegation": ["EU Delegation"],
        "demo-finance-and-travel": ["Finance and Travel"],
        "demo-permits": ["Permits"],
    }
    assert User.objects.get(username="demo-permits").check_password("Brussels-demo-2026")
    assert "demo-eu-delegation" in capsys.readouterr().out


@pytest.mark.django_db
def test_security_headers_on_public_responses(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_only_the_workspace_allows_inline_scripts(client):
    workspace = client.get("/admin/login/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in workspace  # Wagtail's inline panels and date pickers
    public = client.get("/healthz")["Content-Security-Policy"]
    assert "unsafe-inline" not in public.split("script-src", 1)[1].split(";", 1)[0]
