"""Settings come from the environment; production refuses to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in unset}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_variables():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="risorsa.comune.cremona.it",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_reads_the_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(60))
    result = manage("check", SECRET_KEY_FILE=str(secret), ALLOWED_HOSTS="x")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "forse", "DEBUG must be a boolean"),
        ("AXES_FAILURE_LIMIT", "cinque", "AXES_FAILURE_LIMIT must be an integer"),
        ("DATABASE_URL", "nonsense://x", "DATABASE_URL is malformed"),
    ],
)
def test_a_malformed_value_is_refused_by_name(name, value, message):
    result = manage("check", **{"SECRET_KEY": "x" * 60, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_sqlite_in_var_is_the_default_and_database_url_switches_to_postgresql():
    show = (
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    )
    default = manage("shell", "-c", show, DEBUG="1")
    postgres = manage(
        "shell", "-c", show, DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/risorsa"
    )
    engine, name = default.stdout.splitlines()[-1].split()
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith("var/risorsa.sqlite3")
    assert postgres.stdout.splitlines()[-1].split() == ["django.db.backends.postgresql", "risorsa"]


def test_italian_time_zone_and_formats(settings):
    from datetime import date

    from django.utils import formats, translation

    assert settings.TIME_ZONE == "Europe/Rome"
    assert settings.USE_TZ
    with translation.override("it"):
        assert formats.date_format(date(2010, 12, 31), "SHORT_DATE_FORMAT") == "31/12/2010"


def _show(expression: str, **env: str) -> str:
    result = manage("shell", "-c", f"from django.conf import settings; print({expression})", DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def test_the_admin_path_is_read_from_the_environment():
    assert _show("settings.ADMIN_PATH") == "gestione-sito/"
    assert _show("settings.ADMIN_PATH", RISORSA_ADMIN_PATH="/riservato/sito") == "riservato/sito/"
    refused = manage("check", DEBUG="1", RISORSA_ADMIN_PATH="../x y")
    assert "RISORSA_ADMIN_PATH must be a URL path" in refused.stderr


def test_the_login_lock_out_takes_the_address_only_from_a_trusted_proxy_header():
    assert _show("settings.AXES_LOCKOUT_PARAMETERS") == "['username']"
    with_proxy = "settings.TRUSTED_PROXY_HEADER, settings.AXES_LOCKOUT_PARAMETERS"
    assert (
        _show(with_proxy, RISORSA_TRUSTED_PROXY_HEADER="X-Forwarded-For")
        == "HTTP_X_FORWARDED_FOR [['username', 'ip_address']]"
    )


def test_pages_are_served_with_debug_off_and_collected_static_files(tmp_path):
    # The manifest storage refuses a static URL for a folder ({% static 'fonts' %} did): every
    # page would answer 500 in production while the tests, with DEBUG on, saw nothing.
    production = {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "testserver",
        "RISORSA_VAR_DIR": str(tmp_path),
    }
    collected = manage("collectstatic", "--noinput", **production)
    assert collected.returncode == 0, collected.stderr
    request_login_page = (
        "from django.test import Client; r = Client().get('/accounts/login/', secure=True); "
        "print(r.status_code, \"default-src 'self'\" in r.headers['Content-Security-Policy'])"
    )
    served = manage("shell", "-c", request_login_page, **production)
    assert served.stdout.splitlines()[-1] == "200 True", served.stderr
