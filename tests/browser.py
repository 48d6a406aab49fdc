"""Driving the sao web client with Playwright and Debian's Chromium, for the
browser tests (tests/test_browser*.py)."""
import os
import re
import secrets
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
# Bound of the "more" rows a list may need to be clicked to show everything
MORE_ROWS = 20


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


# The opening of a snippet (support.CareDatabase.python) that reads the
# words sao shows: db_id(XML_ID), the id of the record of XML_ID;
# menu_path(XML_ID), the names of a menu entry and its parents; tabs(XML_ID),
# the names of an action's list tabs (its domains)
SAO_WORDS = r'''
Menu = pool.get('ir.ui.menu')
ModelData = pool.get('ir.model.data')
ActWindow = pool.get('ir.action.act_window')


def db_id(xml_id):
    return ModelData.get_id(*xml_id.split('.', 1))


def menu_path(xml_id):
    menu, path = Menu(db_id(xml_id)), []
    while menu:
        path.insert(0, menu.name)
        menu = menu.parent
    return path


def tabs(xml_id):
    return [d.name for d in ActWindow(db_id(xml_id)).act_window_domains]
'''

# Whether sao's URL (location.hash) is that of the current tab
URL_SETTLED = '''() => {
    const tab = Sao.Tab.tabs.get_current();
    const session = Sao.Session.current_session;
    return tab && session && decodeURIComponent(window.location.hash)
        == '#' + session.database + '/' + decodeURIComponent(tab.get_url());
}'''
# Resolves after the browser has drawn the next frames (sao's redraws of
# the last event are done)
NEXT_FRAME = """() => new Promise(resolve => requestAnimationFrame(
    () => requestAnimationFrame(() => setTimeout(resolve, 0))))"""
# What Playwright says of an element that sao replaced meanwhile
DETACHED = re.compile(r'detached|not attached|Execution context was '
    r'destroyed|Element is not attached', re.I)
# The id of the current tab's record (null without)
CURRENT_RECORD = '''() => {
    const screen = Sao.Tab.tabs.get_current().screen;
    return screen.current_record ? screen.current_record.id : null;
}'''
# The texts of a sao list's column, found by its header
COLUMN = '''(table, header) => {
    const th = Array.from(table.querySelectorAll(':scope > thead > tr > th'))
        .find(th => th.textContent.trim() == header);
    if (!th) {
        return null;
    }
    return Array.from(table.querySelectorAll(':scope > tbody > tr > td'))
        .filter(td => td.getAttribute('headers') == th.id)
        .map(td => td.textContent.trim());
}'''
# {header: text} of a sao list's row
ROW_CELLS = '''(tr, table) => {
    const result = {};
    for (const th of table.querySelectorAll(':scope > thead > tr > th')) {
        const td = Array.from(tr.children).find(
            td => td.getAttribute('headers') == th.id);
        if (td && th.textContent.trim()) {
            result[th.textContent.trim()] = td.textContent.trim();
        }
    }
    return result;
}'''
# The list's tabs (the action's domains): [name, count or null]
DOMAIN_TABS = '''tab => Array.from(
        tab.querySelectorAll('.tab-domain li[role=presentation] > a'))
    .map(a => {
        const badge = a.querySelector('.badge');
        let name = a.textContent;
        if (badge) {
            name = name.replace(badge.textContent, '');
        }
        return [name.trim(), badge && badge.getAttribute('title')];
    })'''
# The text shown by a selection widget
SELECTED = '''select => select.selectedIndex < 0 ? null
    : select.options[select.selectedIndex].text'''


class SaoBrowserMixin(support.CareServerMixin):
    """Headless Chromium on sao: a test case creates its database and starts
    the server in setUpClass, and calls open_browser() in setUp.  Its
    screenshots are var/test-artifacts/ARTIFACTS-NAME-BACKEND.png"""

    artifacts = 'browser'

    # The class's database and server

    @classmethod
    def create_database(cls):
        """Skip without a browser; else create the class's throw-away
        database (dropped after the class) and time it"""
        reason = playwright_missing()
        if reason:
            raise unittest.SkipTest(reason)
        super().create_database()

    @classmethod
    def build_demo(cls, persons, login):
        """Build the demo county of PERSONS persons, its users' password
        `demo_password`; fail unless it made the user LOGIN"""
        with cls.timed('demo'):
            cls.demo_password = 'Demo-' + secrets.token_hex(6)
            logins = cls.database.demo(persons, cls.demo_password)
            if login not in logins:
                raise support.CareError(f'care demo made no user {login}: '
                    f'{logins}')

    # The browser

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
        self.screenshots = []

    def _loopback_only(self, route):
        if route.request.url.startswith(self.server.url):
            route.continue_()
        else:
            route.abort()

    def run_steps(self, name, steps):
        """Run STEPS and check that the web client raised no error; on
        failure, leave a screenshot and print the browser's console"""
        stale = support.artifact_path(
            f'{self.artifacts}-failure-{name}-{self.backend}.png')
        if os.path.exists(stale):
            os.remove(stale)
        started = time.monotonic()
        try:
            steps()
            self.assertEqual(self.page_errors(), [],
                'uncaught errors in the web client')
        except BaseException:
            try:
                self.page.screenshot(path=stale, full_page=True)
            except Exception:
                pass
            if self.console:
                print('\nbrowser console:\n' + '\n'.join(self.console[-30:]))
            raise
        print(f'\n[{self.backend}] {name}: browser '
            f'{time.monotonic() - started:.1f} s; screenshots:\n  '
            + '\n  '.join(os.path.relpath(p, support.ROOT)
                for p in self.screenshots))

    def screenshot(self, name):
        "Save the page as var/test-artifacts/ARTIFACTS-NAME-BACKEND.png"
        path = support.artifact_path(
            f'{self.artifacts}-{name}-{self.backend}.png')
        self.page.screenshot(path=path, full_page=True)
        self.screenshots.append(path)
        return path

    def page_errors(self):
        "The uncaught errors of the web client so far"
        return [m for m in self.console if m.startswith('pageerror')]

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
        """Wait until CONDITION; fail at once when sao shows an error dialog
        or raises an uncaught error (a page that will never come).  The
        condition queries the page afresh each time: an element sao
        redraws meanwhile (detached from the DOM) only means not yet"""
        deadline = time.monotonic() + timeout
        errors = self.page.locator('.error-dialog, .message-dialog').filter(
            visible=True)
        while not self._holds(condition):
            if self.page_errors():
                self.fail(f'the web client failed while waiting for {what}: '
                    + ' / '.join(self.page_errors()))
            if errors.count():
                self.fail(f'sao shows an error instead of {what}: '
                    + ' / '.join(errors.all_inner_texts()).strip())
            if time.monotonic() > deadline:
                self.fail(f'waited {timeout:.0f} s in vain for {what}')
            # until the next animation frame: the page's state, not a delay
            self.page.evaluate(NEXT_FRAME)

    @staticmethod
    def _holds(condition):
        "CONDITION(), false while sao redraws what it looks at"
        from playwright.sync_api import Error
        try:
            return condition()
        except Error as error:
            if DETACHED.search(str(error)):
                return False
            raise

    # Logging in, the menu and the tabs

    def login(self, login, password, screenshot=None):
        """Log in as LOGIN and wait for the menu; SCREENSHOT names a
        screenshot of the filled-in login dialog"""
        page = self.page
        # The server lists no databases ([database] list = False): the
        # address names it, as the README tells users
        page.goto(f'{self.server.url}#{self.database.name}',
            wait_until='load')
        dialog = page.locator('.login-dialog')
        dialog.locator('#login').wait_for(state='visible')
        # A list of the databases (several) or an entry (one, read-only)
        database = dialog.locator('#database:visible').first
        database.wait_for()
        if database.evaluate('e => e.tagName') == 'SELECT':
            database.select_option(self.database.name)
        elif database.get_attribute('readonly') is None:
            database.fill(self.database.name)
        else:
            self.assertEqual(database.input_value(), self.database.name)
        dialog.locator('#login').fill(login)
        if screenshot:
            self.screenshot(screenshot)
        dialog.locator('#login').press('Enter')
        ask = page.locator('.ask-dialog').filter(
            has=page.locator('input[type=password]'))
        self._expect(ask.locator('input[type=password]'), 'the password')
        ask.locator('input[type=password]').fill(password)
        ask.locator('.btn-primary').click()
        self._expect(page.locator('#menu td').filter(visible=True).first,
            'the menu')
        page.locator('.login-dialog').wait_for(state='detached')

    def open_menu_folder(self, path):
        "Unfold the menu's entries of PATH (those not unfolded yet)"
        menu = self.page.locator('#menu')
        for name, child in zip(path, path[1:] + [None]):
            entry = menu.locator('td').get_by_text(name, exact=True)
            self._expect(entry, f'the menu entry {name}')
            if child is not None:
                below = menu.locator('td').get_by_text(child, exact=True)
                if below.count() and below.first.is_visible():
                    continue
            entry.click()

    def open_menu(self, path, tabs=1):
        """Open the menu's entry PATH; return the tab of the list it opens,
        the TABS-th tab"""
        self.open_menu_folder(path)
        active = self.page.locator('#tablist > li.active')

        def opened():
            titles = self.tab_titles()
            return (len(titles) == tabs and titles[-1] == path[-1]
                and active.count()
                and active.inner_text().split('\n')[-1].strip() == path[-1])
        self._wait_until(opened, f'the tab {path[-1]}')
        tab = self.page.locator('#tabcontent > .tab-pane.active')
        # The list itself: a context form may come before the filter
        table = self.list_table(tab)
        self._wait_until(lambda: table.is_visible(), f'the list {path[-1]}')
        return tab

    def tab_titles(self):
        "The titles of the open tabs"
        return [t.split('\n')[-1].strip() for t in
            self.page.locator('#tablist > li').all_inner_texts()]

    def domain_tabs(self, tab):
        "The list's tabs: [name, count (None without)]"
        return tab.evaluate(DOMAIN_TABS)

    def domain_tab(self, tab, name, click=True):
        "The list's tab (of the action's domains) NAME, clicked"
        item = tab.locator('.tab-domain li[role=presentation]').filter(
            has_text=re.compile('^\\s*' + re.escape(name)))
        self._expect(item, f'the list tab {name}')
        if click:
            item.locator('a').click()
            self._wait_until(lambda: 'active' in (
                    item.get_attribute('class') or ''),
                f'the list tab {name} active')
        return item

    def wait_pager(self, tab, count):
        "Wait until the tab's counter says the list holds COUNT records"
        badge = tab.locator('.navbar-text .badge').first
        self._wait_until(lambda: (badge.get_attribute('title') or ''
                ).endswith(f'/{count}'),
            f'{count} records in the list')

    # Lists

    @staticmethod
    def list_table(tab):
        "The list of TAB"
        return tab.locator('.content-box table.tree').first

    @staticmethod
    def headers(table):
        "The list's column headers (shown ones)"
        return [t.strip() for t in table.locator(
                ':scope > thead > tr > th').filter(visible=True)
            .all_inner_texts() if t.strip()]

    def cell_texts(self, table, header):
        """The texts of the column HEADER of the sao list TABLE (None if
        none), the table found afresh when sao redraws it meanwhile"""
        for _ in range(MORE_ROWS):
            try:
                return table.evaluate(COLUMN, header)
            except Exception as error:
                if not DETACHED.search(str(error)):
                    raise
                table.wait_for(state='attached')
        return table.evaluate(COLUMN, header)

    def wait_cells(self, table, header, what):
        "The texts of the column HEADER once the list shows rows"
        self._wait_until(lambda: self.cell_texts(table, header), what)
        return self.cell_texts(table, header)

    def all_cells(self, table, header):
        """The texts of the column HEADER once every row is shown (sao shows
        lists by pages; a row 'more' shows the next)"""
        rows = table.locator(':scope > tbody > tr')
        for _ in range(MORE_ROWS):
            more = table.locator('tbody > tr.more-row').filter(visible=True)
            if not self._holds(more.count):
                break
            shown = rows.count()
            more.first.click()
            # the next page's rows are drawn (or the row 'more' is gone)
            self._wait_until(lambda: rows.count() != shown
                or not more.count(), 'the next rows of the list')
        return self.cell_texts(table, header) or []

    @staticmethod
    def row_cells(table, row):
        "{header: text} of the list's ROW"
        return row.evaluate(ROW_CELLS, table.element_handle())

    def open_row(self, row, text):
        """Open the record of the list's ROW from its cell that shows TEXT (a
        plain cell: many-to-one cells are links that open other tabs)"""
        cell = row.locator('td').filter(has_text=text).first
        # Select the row first, as a person would: sao puts the list's state
        # in the URL on selection, and a hash change it handles after the
        # form has replaced the list opens the list again in a second tab
        # (Playwright's double-click is faster than any hand)
        cell.click()
        self._wait_until(lambda: 'selected' in (
                row.get_attribute('class') or ''), f'the row {text} selected')
        self.page.wait_for_function(URL_SETTLED)
        # sao has handled the hash change of the selection
        self.page.evaluate(NEXT_FRAME)
        cell.dblclick()

    # Forms

    @staticmethod
    def values(form):
        "The values shown by the form's entries"
        return form.locator('input, textarea').evaluate_all(
            'elements => elements.map(e => e.value)')

    @staticmethod
    def selected(form, names):
        "{name: text shown} of the selection widgets NAMES of FORM"
        return {n: form.locator(f'select[name={n}]').evaluate(SELECTED)
            for n in names}

    def current_record(self):
        "The id of the current tab's record (None without)"
        return self.page.evaluate(CURRENT_RECORD)

    def one2many(self, form, label):
        "The one-to-many field of FORM labelled LABEL"
        field = form.locator('.form-one2many').filter(
            has=self.page.locator('.form-one2many-string').get_by_text(
                label, exact=True))
        self._expect(field.first, f'the list {label}')
        return field.first

    def wait_count(self, one2many, count):
        "Wait until the counter of a one-to-many field says COUNT records"
        badge = one2many.locator('.form-one2many-toolbar .badge').first
        self._wait_until(lambda: (badge.get_attribute('title') or ''
                ).replace(' ', '').endswith(f'/{count}'),
            f'{count} records in the list '
            + one2many.locator('.form-one2many-string').inner_text())

    def choose(self, form, name, text):
        """Set the many-to-one NAME of FORM to the record named TEXT as a
        person does: type the name, leave the field and pick the record in
        the search dialog when sao opens one"""
        page = self.page
        entry = form.locator(f'input[name={name}]')
        entry.fill(text)
        entry.press('Tab')
        dialog = page.locator('.modal-dialog').filter(visible=True).filter(
            has=page.locator('table.tree'))
        self._wait_until(lambda: dialog.count()
            or entry.input_value() == text, f'{text} found for {name}')
        if dialog.count():
            row = dialog.locator('table.tree > tbody > tr').filter(
                has=page.get_by_text(text, exact=True))
            self._wait_until(lambda: row.count() == 1,
                f'{text} alone in the search dialog')
            row.locator('td.selection-state input').click()
            dialog.locator('.modal-footer .btn-primary').click()
            dialog.wait_for(state='hidden')
        self._wait_until(lambda: entry.input_value() == text,
            f'{text} in the field {name}')
