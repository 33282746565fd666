"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

Every journey is also an accessibility check. The `page` fixture runs axe-core (vendored in
`vendor/`, see its README) with the WCAG 2.1 A and AA rules on every state of a page the journey
reaches, at 1366 px wide and again at 390 px (a phone), and fails the test at teardown listing what
it found (rule, impact, help, page, width, the first elements).

How it cannot skip a page. Playwright has no "before the next action" hook, but every call of its
sync API (``page.goto``, ``locator.click``, ``expect(...).to_be_visible`` ...) goes through one
method, ``SyncBase._sync``. For the length of a test that method is wrapped: after each call made
by the test, if the main frame navigated (a load, a form's response, an HTMX ``hx-push-url``) or
HTMX swapped some content in, the page is first let settle (every navigation request of the main
frame answered, the document loaded), then checked, before the test's next line runs. Browser
events reach Python only while some Playwright call is waiting, so whatever happened is seen at
the end of that very call: a page cannot come and go between two checks unless a single call both
lands on it and leaves it. Even then it is not skipped silently: every page the main frame
committed is recorded, and one that was never checked fails the test by name.

What is checked, once: a page by its path without the query string, its language and the width
(a journey that comes back to its list pays nothing); the page a form's POST answers with (its
errors, typically) as a state of its own; an HTMX swap by the page and its target, checked on the
target alone. axe is put into the page with `page.evaluate`, which the site's
Content-Security-Policy does not govern (the policy is left in force: any violation still fails
the journey, below); resizing to 390 px and back restores the test's viewport and scroll.

`SyncBase._sync` is Playwright's own (pinned in requirements.lock): should an upgrade stop routing
calls through it, the pages reached would go unchecked and every journey would fail by naming
them, not pass quietly. The `axe` fixture gives a test what was checked (`axe.checked_paths()`).
"""

import hashlib
import os
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SETTLE_SECONDS = 15


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason="Chromium non installato (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls stay sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Every page runs under the Content-Security-Policy: anything it refuses (an inline script or
# style, a foreign source) fails the journey, whether reported as an event or on the console.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(`${event.violatedDirective} ${event.blockedURI} at ${event.documentURI}`);
});
"""

# HTMX tells when new content has settled in the page; the audit checks that content.
REPORT_HTMX_SWAPS = """
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail && event.detail.target ? event.detail.target : event.target;
  window.__reportHtmxSwap(target && target.id ? `#${CSS.escape(target.id)}` : "body");
});
"""

RUN_AXE = """
async ([selector, tags]) => {
  // Two frames: the layout of a new width (or of a swap) is done before the rules look at it.
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const context = selector ? document.querySelector(selector) || document : document;
  const results = await window.axe.run(context, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
    iframes: false,
  });
  return results.violations.map((rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    count: rule.nodes.length,
    targets: rule.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    // What axe says of the first element: a contrast's ratio and colours, the missing name ...
    summary: (rule.nodes[0].failureSummary || "").split("\\n").slice(1).join(" ").trim(),
  }));
}
"""

# A swapped element's shape: which tags with which classes it holds, not its text or its count.
SHAPES = """
(selectors) => Object.fromEntries(selectors.map((selector) => {
  const root = document.querySelector(selector);
  if (!root) return [selector, null];  // gone with the page that had it
  const shape = Array.from(root.querySelectorAll("*"), (e) => `${e.tagName}.${e.getAttribute("class")}`);
  return [selector, Array.from(new Set(shape)).sort().join(" ")];
}))
"""

DOCUMENT = (
    "() => ({path: location.pathname, lang: document.documentElement.lang, type: document.contentType})"
)


@dataclass
class AxeAudit:
    """The accessibility check of one page (tab) of a journey; see the module's docstring."""

    widths: tuple[dict[str, int], ...] = (DESKTOP, PHONE)
    # (path, language, state, width); the state is "" for a page, "(POST)" for a page answering a
    # form, "htmx #results ~1a2b3c4d" for what HTMX swapped into #results (the hash is of its
    # shape, the set of its elements' tags and classes: an empty list and a full one are two states,
    # the same list with other rows is not).
    checked: set[tuple[str, str, str, int]] = field(default_factory=set)
    violations: list[dict] = field(default_factory=list)
    reached: list[str] = field(default_factory=list)  # paths the main frame committed, in order
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _page: object = None
    _navigations: set = field(default_factory=set)  # the main frame's requests not yet answered
    _swaps: set[str] = field(default_factory=set)
    _method: str = "GET"  # of the request whose answer is the current document
    _dirty: bool = False
    _busy: bool = False

    def attach(self, page) -> None:
        self._page = page

        def on_request(request):
            if request.is_navigation_request() and request.frame == page.main_frame:
                self._navigations.add(request)
                self._dirty = True

        def on_answered(request):
            self._navigations.discard(request)

        def on_response(response):
            request = response.request
            if (
                request.is_navigation_request()
                and request.frame == page.main_frame
                and not 300 <= response.status < 400
            ):
                self._method = request.method

        def on_navigated(frame):
            if frame == page.main_frame and urlsplit(frame.url).scheme in ("http", "https"):
                self.reached.append(urlsplit(frame.url).path)
                self._dirty = True

        page.on("request", on_request)
        page.on("response", on_response)
        page.on("requestfinished", on_answered)
        page.on("requestfailed", on_answered)
        page.on("framenavigated", on_navigated)

    def swapped(self, selector: str) -> None:
        self._swaps.add(selector)
        self._dirty = True

    def checked_paths(self, *, lang: str | None = None) -> dict[str, set[int]]:
        """path -> the widths at which that page was checked (in `lang`, if given)."""
        widths: dict[str, set[int]] = defaultdict(set)
        for path, page_lang, target, width in self.checked:
            if not target and (lang is None or page_lang == lang):
                widths[path].add(width)
        return widths

    def after_call(self) -> None:
        """Called after each Playwright call of the test: settle, then check what is new."""
        if self._busy or not self._dirty or self._page is None or self._page.is_closed():
            return
        self._busy = True
        started = time.monotonic()
        try:
            self._settle()
            self._check_current()
        except PlaywrightError as error:  # the page went away under the check: said at teardown
            self.problems.append(f"controllo interrotto su {self._page.url}: {error.message.splitlines()[0]}")
        finally:
            self.seconds += time.monotonic() - started
            self._busy = False

    def _settle(self) -> None:
        page = self._page
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            while self._navigations and time.monotonic() < deadline:
                page.wait_for_timeout(20)
            if self._navigations:
                self.problems.append(f"navigazione non conclusa in {SETTLE_SECONDS} s: {page.url}")
                self._navigations.clear()
            page.wait_for_load_state("load")
            if not self._navigations:  # nothing new started while the document loaded
                return

    def _check_current(self) -> None:
        page = self._page
        self._dirty = False
        swaps, self._swaps = self._swaps, set()
        if urlsplit(page.url).scheme not in ("http", "https"):
            return
        document = page.evaluate(DOCUMENT)
        path, lang = document["path"], document["lang"]
        if document["type"] != "text/html":
            self.checked.update((path, lang, "", width["width"]) for width in self.widths)
            return
        # A page that answers a form (its errors, typically) is another state of that page.
        page_state = "" if self._method == "GET" else f"({self._method})"
        shapes = page.evaluate(SHAPES, sorted(swaps)) if swaps else {}
        swap_states = sorted(
            f"htmx {selector} ~{hashlib.sha256(shape.encode()).hexdigest()[:8]}"
            for selector, shape in shapes.items()
            if shape is not None
        )
        todo: list[tuple[str, dict[str, int]]] = []
        for width in self.widths:
            if (path, lang, page_state, width["width"]) not in self.checked:
                todo.append((page_state, width))
            else:  # the whole page has been seen at this width: only what HTMX brought is new
                todo.extend(
                    (target, width)
                    for target in swap_states
                    if (path, lang, target, width["width"]) not in self.checked
                )
        if not todo:
            return
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        restore, scroll = page.viewport_size, page.evaluate("() => [scrollX, scrollY]")
        try:
            for target, width in todo:
                if page.viewport_size != width:
                    page.set_viewport_size(width)
                self.checked.add((path, lang, target, width["width"]))
                if not target.startswith("htmx "):  # the whole page holds what was swapped into it
                    self.checked.update((path, lang, swap, width["width"]) for swap in swap_states)
                selector = target.split(" ~")[0].removeprefix("htmx ") if target.startswith("htmx ") else ""
                for rule in page.evaluate(RUN_AXE, [selector, AXE_TAGS]):
                    self.violations.append(
                        rule | {"page": page.url, "width": width["width"], "target": target}
                    )
        finally:
            if restore and page.viewport_size != restore:
                page.set_viewport_size(restore)
                page.evaluate("([x, y]) => scrollTo(x, y)", scroll)

    def report(self) -> str:
        """The failures in words, grouped by rule; empty when the journey found none."""
        lines: list[str] = []
        by_rule: dict[str, list[dict]] = defaultdict(list)
        for violation in self.violations:
            by_rule[violation["id"]].append(violation)
        for rule_id, found in sorted(by_rule.items()):
            lines.append(f"- {rule_id} [{found[0]['impact']}] {found[0]['help']}")
            for violation in found:
                target = violation["target"]
                where = violation["page"] + (f" ({target.split(' ~')[0]})" if target else "")
                lines.append(
                    f"    {where} @ {violation['width']}px: {violation['count']} elementi: "
                    + ", ".join(violation["targets"])
                )
                if violation["summary"]:
                    lines.append(f"      {violation['summary'][:240]}")
        checked_paths = {path for path, *_ in self.checked}
        missed = [path for path in dict.fromkeys(self.reached) if path not in checked_paths]
        if missed:
            lines.append(f"- pagine raggiunte ma non controllate (lasciate nella stessa azione): {missed}")
        lines.extend(f"- {problem}" for problem in self.problems)
        if not lines:
            return ""
        head = f"axe-core ({', '.join(AXE_TAGS)}), {len(by_rule)} regole violate:"
        return "\n".join([head, *lines])


_AUDITS: list[AxeAudit] = []
_TOTALS = {"checks": 0, "seconds": 0.0}


def pytest_terminal_summary(terminalreporter):
    if _TOTALS["checks"]:
        terminalreporter.write_line(
            f"axe-core: {_TOTALS['checks']} controlli (pagina per larghezza) in {_TOTALS['seconds']:.1f} s"
        )


def _audit_after_each_call():
    """Wrap SyncBase._sync so that every page being audited is checked after each call."""
    import greenlet
    from playwright._impl._sync_base import SyncBase

    original = SyncBase._sync
    test_greenlet = greenlet.getcurrent()

    def _sync(self, awaitable):
        result = original(self, awaitable)
        # Only the test's own calls: not the audit's (it is busy) nor an event handler's.
        if greenlet.getcurrent() is test_greenlet:
            for audit in list(_AUDITS):
                audit.after_call()
        return result

    SyncBase._sync = _sync
    return lambda: setattr(SyncBase, "_sync", original)


@pytest.fixture
def axe():
    """The accessibility audit of the test's page: what it checked and what it found."""
    return AxeAudit()


@pytest.fixture
def page(browser, axe):
    context = browser.new_context(viewport=DESKTOP, locale="it-IT")
    violations: list[str] = []
    context.expose_binding("__reportCspViolation", lambda _source, text: violations.append(text))
    context.expose_binding("__reportHtmxSwap", lambda _source, target: axe.swapped(target))
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.add_init_script(REPORT_HTMX_SWAPS)
    page = context.new_page()

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    page.set_default_timeout(10_000)
    axe.attach(page)
    _AUDITS.append(axe)
    unwrap = _audit_after_each_call()
    try:
        yield page
        axe.after_call()  # the state the test ended on
    finally:
        unwrap()
        _AUDITS.remove(axe)
        _TOTALS["checks"] += len(axe.checked)
        _TOTALS["seconds"] += axe.seconds
        context.close()
    assert violations == [], f"Violazioni della Content-Security-Policy: {violations}"
    report = axe.report()
    assert not report, "Accessibilità (WCAG 2.1 A/AA):\n" + report


@pytest.fixture
def screenshot(page, request):
    """screenshot("step") saves tests/e2e/artifacts/<test>-<step>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page, live_server):
    def log_in_as(username: str, password: str = "password-di-prova-123"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Nome utente").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Accedi").click()
        page.wait_for_url(f"{live_server.url}/")

    return log_in_as
