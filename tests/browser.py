"""Driving the sao web client with Playwright and Debian's Chromium, for the
browser tests (tests/test_browser*.py)."""
import os
import time
import unittest

from tests import support

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']
# Playwright's bounds, in milliseconds
LAUNCH_TIMEOUT = 60_000
STEP_TIMEOUT = 30_000
PAGE_TIMEOUT = 60_000


def playwright_missing():
    "Why the browser test cannot run here, or None"
    if not os.access(CHROMIUM, os.X_OK):
        return f'{CHROMIUM} is missing (scripts/install-test-tools installs it)'
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ('the playwright package is missing (pip install -e '
            "'.[test]')")
    return None


# Whether sao's URL (location.hash) is that of the current tab
URL_SETTLED = '''() => {
    const tab = Sao.Tab.tabs.get_current();
    const session = Sao.Session.current_session;
    return tab && session && decodeURIComponent(window.location.hash)
        == '#' + session.database + '/' + decodeURIComponent(tab.get_url());
}'''


class SaoBrowserMixin:
    """Headless Chromium on sao: a test case with `server` (a
    support.CareServer) calls open_browser() in setUp"""

    @classmethod
    def create_database(cls):
        """Skip without a browser; else create the class's throw-away
        database (dropped after the class) and time it"""
        reason = playwright_missing()
        if reason:
            raise unittest.SkipTest(reason)
        cls.backend = support.backend()
        cls.timings = {}
        started = time.monotonic()
        cls.database = support.CareDatabase()
        cls.addClassCleanup(cls.database.drop)
        cls.database.create()
        cls.timings['init'] = time.monotonic() - started

    def open_browser(self):
        "Start Chromium with a page that may only reach the server"
        from playwright.sync_api import sync_playwright
        self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            timeout=LAUNCH_TIMEOUT)
        self.addCleanup(self.browser.close)
        context = self.browser.new_context(locale='zh-CN',
            timezone_id='Asia/Shanghai',
            viewport={'width': 1366, 'height': 860})
        context.set_default_timeout(STEP_TIMEOUT)
        context.set_default_navigation_timeout(PAGE_TIMEOUT)
        # Only the server under test: anything else is refused
        context.route('**/*', self._loopback_only)
        self.page = context.new_page()
        self.console = []
        self.page.on('console', lambda message: self.console.append(
                f'{message.type}: {message.text}'))
        self.page.on('pageerror', lambda error: self.console.append(
                f'pageerror: {error}'))

    def _loopback_only(self, route):
        if route.request.url.startswith(self.server.url):
            route.continue_()
        else:
            route.abort()

    def _expect(self, locator, what):
        """Wait until LOCATOR is visible; fail at once with its message when
        sao shows an error dialog instead"""
        errors = self.page.locator('.error-dialog, .message-dialog').filter(
            visible=True)
        locator.or_(errors).first.wait_for(state='visible')
        if errors.count():
            self.fail(f'sao shows an error instead of {what}: '
                + ' / '.join(errors.all_inner_texts()).strip())

    def _wait_until(self, condition, what, timeout=STEP_TIMEOUT / 1000):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f'waited {timeout:.0f} s in vain for {what}')
            self.page.wait_for_timeout(250)
