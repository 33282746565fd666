"""The site as deployed: gunicorn, DEBUG off, collected static files, PostgreSQL, the demo data.

`.ci/production` starts it and sets RISORSA_DEPLOYED_URL; without it these journeys are skipped.
Each organization kind walks its menu: every page answers 200, every static asset 200, the
browser's console reports no error and the Content-Security-Policy refuses nothing.
"""

import os
import re

import pytest

DEPLOYED = os.environ.get("RISORSA_DEPLOYED_URL", "").rstrip("/")
DEMO_PASSWORD = "risorsa-demo"  # the demo's, see load_demo

pytestmark = pytest.mark.skipif(not DEPLOYED, reason="nessun sito avviato (RISORSA_DEPLOYED_URL)")

PERSONAS = ["comune.responsabile", "aem.operatore", "ponte.operatore", "crema.lettore", "a2a.responsabile"]


@pytest.mark.parametrize("username", PERSONAS)
def test_each_organization_walks_its_menu_on_the_deployed_site(page, username):
    failures: list[str] = []
    page.on(
        "response",
        lambda response: (
            failures.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("console", lambda message: failures.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: failures.append(str(error)))

    page.goto(f"{DEPLOYED}/accounts/login/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(f"{DEPLOYED}/")

    menu = page.locator("nav a.nav-link[href^='/']")
    links = sorted(set(menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")))
    assert len(links) >= 3, links  # the partner has the fewest: dashboard, to-do, people
    for href in links:
        response = page.goto(f"{DEPLOYED}{href}")
        assert response is not None and response.status == 200, href
        page.wait_for_load_state("networkidle")
        assert re.search(r"\S", page.title()), href
    stylesheets = page.evaluate("Array.from(document.styleSheets).length")
    assert stylesheets >= 2  # Bootstrap Italia and Risorsa's own, from the collected files
    assert failures == []
