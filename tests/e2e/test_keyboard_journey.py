"""A social worker without a mouse: Tab, Enter, the arrow keys and typing only, from the login to
the arrears list's search and filter, a customer, and a form sent with an error.

At every step the element that has the focus must be where the eye can find it: inside the
viewport, with a size, not hidden and not covered by something else.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from risorsa.ledger.tests.helpers import import_sample

# Where the focus is, and whether a sighted keyboard user can see it.
FOCUS = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  // Bootstrap Italia draws a checkbox or a radio button on its label.
  const drawn = element.matches("input[type=checkbox], input[type=radio]") && element.labels;
  const box = drawn && element.labels.length ? element.labels[0] : element;
  const rect = box.getBoundingClientRect();
  // A control wholly in the window; a big box (a table's scrolling region, which the browser does
  // not scroll further once part of it shows) at least half shown, or filling half the window.
  const [top_, left_] = [Math.max(rect.top, 0), Math.max(rect.left, 0)];
  const [bottom_, right_] = [Math.min(rect.bottom, innerHeight), Math.min(rect.right, innerWidth)];
  const big = rect.height > 200;
  const inside = rect.width > 0 && rect.height > 0 && (big
    ? bottom_ - top_ >= Math.min(rect.height / 2, innerHeight / 2) && right_ - left_ > 0
    : rect.top >= -1 && rect.left >= -1 && rect.bottom <= innerHeight + 1 && rect.right <= innerWidth + 1);
  const shown = box.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  const [x, y] = [(left_ + right_) / 2, (top_ + bottom_) / 2];
  const top = inside ? document.elementFromPoint(x, y) : null;
  const label = top && top.closest("label");
  const uncovered = !!top
    && (box.contains(top) || element.contains(top) || (!!label && label.control === element));
  const text = (element.innerText || element.value || element.getAttribute("aria-label") || "").trim();
  return {
    element: `<${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}`
      + `${element.name ? " name=" + element.name : ""}> ${text.slice(0, 40)}`,
    visible: inside && shown && uncovered,
    where: `at ${Math.round(rect.left)},${Math.round(rect.top)}, ${Math.round(rect.width)} by `
      + `${Math.round(rect.height)} px in ${innerWidth} by ${innerHeight}`
      + `, shown=${shown}, uncovered=${uncovered}`
      + (top && !uncovered ? ` (under <${top.tagName.toLowerCase()} class="${top.className}">)` : ""),
  };
}
"""

# The focus after a form comes back with errors: on the summary of the errors, or on the first
# field marked invalid (by the server's aria-invalid or by the browser's own validation).
FOCUS_ON_ERROR = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return false;
  if (element.closest("[data-error-summary]")) return true;
  const form = element.form;
  const invalid = form && Array.from(form.elements).find(
    (field) => field.matches("input, select, textarea") && field.matches("[aria-invalid=true], :invalid"));
  return !!invalid && invalid === element;
}
"""

BEFORE_FOCUS = """
(selector) => {
  const target = document.querySelector(selector);
  const focused = document.activeElement;
  return !!target && !!focused && focused !== document.body
    && !!(focused.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING);
}
"""


@pytest.fixture
def rossi(transactional_db, personas, utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    return utility.customers.get(code="C100000")


class Keyboard:
    """The keys a keyboard user presses, each followed by the check that the focus is visible."""

    def __init__(self, page):
        self.page = page
        self.path: list[str] = []  # what the focus went through, for the failure messages

    def focus(self) -> dict | None:
        for _ in range(3):
            try:
                focused = self.page.evaluate(FOCUS)
                break
            except PlaywrightError as error:  # a key sent a form: look again on the page it leads to
                if "context was destroyed" not in error.message:
                    raise
                self.page.wait_for_load_state()
        if focused is not None:
            self.path.append(focused["element"])
            assert focused["visible"], f"Focus non visibile su {focused['element']} ({focused['where']})"
        return focused

    def press(self, key: str) -> dict | None:
        self.page.keyboard.press(key)
        return self.focus()

    def follow(self, url) -> None:
        """Enter on a link or a form that leads to another page (`url`): the focus is looked at there."""
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(url)
        self.focus()

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.focus()

    def tab_to(self, selector: str, *, limit: int = 60) -> None:
        """Tab (Shift+Tab if it comes before the focus) until `selector` has the focus."""
        self.path = []
        if self.page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
        key = "Shift+Tab" if self.page.evaluate(BEFORE_FOCUS, selector) else "Tab"
        for _ in range(limit):
            focused = self.press(key)
            assert focused is not None, f"Il focus ha lasciato la pagina prima di {selector}: {self.path}"
            if self.page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
                return
        raise AssertionError(f"{selector} non raggiunto in {limit} tasti Tab: {self.path}")


def test_a_social_worker_reaches_search_filter_and_form_errors_with_the_keyboard_alone(
    page, live_server, rossi, personas
):
    keys = Keyboard(page)
    # Bootstrap scrolls smoothly: the focus is looked at once the window has stopped moving.
    page.emulate_media(reduced_motion="reduce")

    # The login page puts the focus on the user name; the password follows; Enter sends them.
    page.goto(f"{live_server.url}/accounts/login/")
    focused = keys.focus() or {}
    if "name=username" not in focused.get("element", ""):
        keys.tab_to("input[name=username]")
    keys.type("comune.operatore")
    keys.tab_to("input[name=password]")
    keys.type("password-di-prova-123")
    keys.follow(f"{live_server.url}/")

    # The main menu leads to the arrears list.
    keys.tab_to("nav a[href='/ledger/arrears/']")
    keys.follow(re.compile(r"/ledger/arrears/$"))

    # The first Tab shows the skip link; Enter on it skips the header: the next Tab is in the page.
    keys.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main", keys.path
    keys.press("Enter")
    keys.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), keys.path

    # The search: by name, codice fiscale or customer code.
    results = page.locator("#results")
    keys.tab_to("#main input[name=q]")
    keys.type("ROSSI")
    keys.press("Enter")
    expect(results).to_contain_text("C100000")
    expect(results).not_to_contain_text("C100001")  # BIANCHI LUCIA
    keys.tab_to("#main input[name=q]")  # the focus stays in the box after the search
    page.keyboard.press("Control+A")
    keys.press("Delete")
    keys.press("Enter")
    expect(results).to_contain_text("C100001")

    # A filter: the service, chosen with the arrow keys; Home brings back every service.
    service = page.locator("#main select[name=servizio]")
    keys.tab_to("#main select[name=servizio]")
    keys.press("ArrowDown")
    expect(service).to_have_value("ENERGIA")
    keys.press("ArrowDown")
    expect(service).to_have_value("GAS")
    expect(results).to_contain_text("C100001")  # BIANCHI LUCIA owes for gas too
    expect(results).not_to_contain_text("C100000")  # ROSSI MARIO only for electricity
    keys.press("Home")
    expect(service).to_have_value("")
    expect(results).to_contain_text("C100000")
    keys.focus()

    # The customer's page, then the protection form sent empty: the focus goes to the error.
    keys.tab_to(f"#results a[href='{reverse('ledger:customer-detail', args=[rossi.pk])}']")
    keys.follow(re.compile(rf"/ledger/customers/{rossi.pk}/$"))
    keys.tab_to(f"main a[href='{reverse('protection:create', args=[rossi.pk])}']")
    keys.follow(re.compile(rf"/protection/new/{rossi.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proponi una tutela")
    keys.tab_to("main form button[type=submit]")
    page.keyboard.press("Enter")  # back on this page, with the errors (or stopped by the browser)
    try:
        page.wait_for_function(FOCUS_ON_ERROR, timeout=5_000)
    except PlaywrightTimeoutError:
        focused = page.evaluate(FOCUS)
        raise AssertionError(
            "Dopo l'invio con un errore il focus non è sul riepilogo degli errori "
            f"né sul primo campo non valido, ma su {focused and focused['element']}"
        ) from None
    keys.focus()
    expect(page.locator("[aria-invalid=true], :invalid").first).to_be_visible()
