"""A strict Content-Security-Policy on every page (issue 9, point 7)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import login

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def _pages_without_parameters(resolver=None, namespace=None):
    """Names of the project's URL patterns that take no argument (their GET is a page)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner != "admin":
                yield from _pages_without_parameters(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and "<" not in str(pattern.pattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_the_policy_allows_nothing_inline_or_foreign():
    from django.conf import settings

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    flat = " ".join(value for values in directives.values() for value in values)
    assert "unsafe-inline" not in flat
    assert "unsafe-eval" not in flat
    assert "http" not in flat


@pytest.mark.django_db
def test_every_page_carries_the_policy(personas):
    names = sorted(set(_pages_without_parameters()))
    assert "home:dashboard" in names
    for persona in ("comune.responsabile", "aem.operatore", "ponte.lettore", None):
        client = login(personas[persona]) if persona else Client()
        for name in names:
            response = client.get(reverse(name))
            header = response.headers.get("Content-Security-Policy", "")
            assert _directives(header).items() >= STRICT.items(), (persona, name, response.status_code)


@pytest.mark.django_db
def test_error_pages_and_htmx_fragments_carry_the_policy(client_for):
    client = client_for("comune.operatore")
    missing = client.get("/non-esiste/")
    fragment = client.post(reverse("registry:person-list"), {"q": "x"}, headers={"HX-Request": "true"})
    assert missing.status_code == 404
    for response in (missing, fragment):
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_hold_no_inline_script_style_or_handler(client_for):
    client = client_for("comune.responsabile")
    for name in ("home:dashboard", "registry:person-list", "second-factor-enroll", "login"):
        body = client.get(reverse(name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), name
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:|hx-on", body), name
