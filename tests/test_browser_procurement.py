"""Government procurement in the web client: the procurement officer's view
and a contractor's (headless Chromium, sao).

A throw-away database is initialised by `care init` and gets the demo county
of `care demo --persons 150` (a procurement with awarded and failed lots,
running contracts, persons assigned to them and a user for each contractor:
contractor01, ...), and a user `buyer` in the procurement and registry
groups.  `care serve` runs trytond with sao on a free loopback port, and
Playwright drives Debian's Chromium:

- the officer opens 服务购买 > 政府购买服务项目, the year's procurement with
  its lots (采购包: states and awarded bids) and a lot's bids, then
  服务购买 > 服务合同 and a contract with its lines (合同明细) and its
  assignments (服务对象分配), with the persons' full identity numbers;
- contractor01 opens 社会救助 > 特困人员, which lists exactly the persons
  assigned to its contracts with their identity numbers masked (****), and
  服务购买 > 服务合同, which lists exactly its own contracts.

What the pages must show is read from the database by snippets (as admin).
Screenshots and the server's log are left under var/test-artifacts/
(browser-procurement-*-BACKEND.png, browser-procurement-server-BACKEND.log).

Skipped only when /usr/bin/chromium or the playwright package is missing.
"""
import os
import re
import secrets
import time
import unittest

from tests import support
from tests.browser import (
    URL_SETTLED, SaoBrowserMixin)

PERSONS = 150
OFFICER = 'buyer'
OFFICER_GROUPS = ['care_procurement.group_procurement',
    'social_assistance.group_registry']
CONTRACTOR = 'contractor01'
# The glossary's words (the menus and the list tabs the users click)
GLOSSARY = {
    'procurement_menu': ['服务购买', '政府购买服务项目'],
    'contract_menu': ['服务购买', '服务合同'],
    'person_menu': ['社会救助', '特困人员'],
    'all': '全部',
    'active': '在册',
    'lots': '采购包',
    'bids': '投标',
    'lines': '合同明细',
    'assignments': '服务对象分配',
    }
# An identity number in full, and as users outside the registry see it
FULL_NUMBER = re.compile(r'\d{17}[\dX]')
MASKED_NUMBER = re.compile(r'\d{6}\*{8}[\dX*]{4}')
# Bound of the "more" rows a list may need to be clicked to show everything
MORE_ROWS = 20

# Run by CareDatabase.python as admin: what the pages must show
FACTS = r'''
Procurement = pool.get('care.procurement')
Lot = pool.get('care.procurement.lot')
Bid = pool.get('care.procurement.bid')
Contract = pool.get('care.contract')
Assignment = pool.get('care.contract.assignment')
Person = pool.get('social_assistance.person')
User = pool.get('res.user')
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


def string(Model, name):
    return Model.fields_get([name])[name]['string']


lot_states = dict(Lot.fields_get(['state'])['state']['selection'])
procurements = Procurement.search([], order=[('number', 'ASC')])
procurement = procurements[0]
user, = User.search([('login', '=', params['contractor'])])
party = user.care_contractor
contracts = Contract.search([('contractor', '=', party.id)],
    order=[('number', 'ASC')])
assigned = Person.browse(sorted({a.person.id for a in Assignment.search([
                ('contract.contractor', '=', party.id)])}))


def contract_facts(contract):
    return {
        'number': contract.number,
        'services': [l.service.rec_name for l in contract.lines],
        'assignments': len(contract.assignments),
        'persons': sorted({a.person.name for a in contract.assignments}),
        'id_numbers': sorted({a.person.id_number
                for a in contract.assignments}),
        }


result = {
    'labels': {
        'procurement_menu': menu_path(
            'care_procurement.menu_procurement_form'),
        'contract_menu': menu_path('care_procurement.menu_contract_form'),
        'person_menu': menu_path('social_assistance.menu_person_form'),
        'procurement_tabs': tabs('care_procurement.act_procurement_form'),
        'contract_tabs': tabs('care_procurement.act_contract_form'),
        'person_tabs': tabs('social_assistance.act_person_form'),
        'procurement_number': string(Procurement, 'number'),
        'lots': string(Procurement, 'lots'),
        'bids': string(Lot, 'bids'),
        'lot_name': string(Lot, 'name'),
        'lot_state': string(Lot, 'state'),
        'awarded_bid': string(Lot, 'awarded_bid'),
        'bid_contractor': string(Bid, 'contractor'),
        'number': string(Contract, 'number'),
        'lines': string(Contract, 'lines'),
        'assignments': string(Contract, 'assignments'),
        'service': string(pool.get('care.contract.line'), 'service'),
        'assignment_person': string(Assignment, 'person'),
        'person_name': string(Person, 'name'),
        'id_number': string(Person, 'id_number'),
        'lot_states': lot_states,
        },
    'procurements': [p.number for p in procurements],
    'procurement': {
        'number': procurement.number,
        'name': procurement.name,
        'year': procurement.year,
        'lots': [{
                'name': l.name,
                'state': l.state,
                'state_string': lot_states[l.state],
                'winner': (l.awarded_bid.contractor.name
                    if l.awarded_bid else None),
                'bidders': sorted(b.contractor.name for b in l.bids),
                } for l in procurement.lots],
        },
    'contracts': [c.number for c in Contract.search([])],
    'contractor': {
        'name': party.name,
        'contracts': [contract_facts(c) for c in contracts],
        'persons': sorted(p.name for p in assigned),
        'active': sum(p.state == 'active' for p in assigned),
        'id_numbers': sorted(p.id_number for p in assigned),
        },
    }
'''

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


class ProcurementBrowserTestCase(SaoBrowserMixin, unittest.TestCase):
    "The procurement officer and a contractor in sao, on the demo county"

    @classmethod
    def setUpClass(cls):
        cls.create_database()

        step = time.monotonic()
        cls.demo_password = 'Demo-' + secrets.token_hex(6)
        logins = cls.database.demo(PERSONS, cls.demo_password)
        if CONTRACTOR not in logins:
            raise support.CareError(f'care demo made no user {CONTRACTOR}: '
                f'{logins}')
        cls.timings['demo'] = time.monotonic() - step

        step = time.monotonic()
        cls.officer_password = 'Buyer-' + secrets.token_hex(6)
        cls.database.create_user(OFFICER, cls.officer_password,
            OFFICER_GROUPS, name='采购专员')
        cls.facts = cls.database.python(FACTS, contractor=CONTRACTOR)
        cls.labels = cls.facts['labels']
        cls.timings['facts'] = time.monotonic() - step

        step = time.monotonic()
        cls.server = support.CareServer(cls.database, support.free_port(),
            support.artifact_path(
                f'browser-procurement-server-{cls.backend}.log'))
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()
        cls.timings['serve'] = time.monotonic() - step
        print(f'\n[{cls.backend}] init {cls.timings["init"]:.1f} s, '
            f'demo {cls.timings["demo"]:.1f} s, '
            f'user and facts {cls.timings["facts"]:.1f} s, '
            f'serve {cls.timings["serve"]:.1f} s')

    def setUp(self):
        self.open_browser()
        self.screenshots = []

    def run_steps(self, name, steps):
        "Run STEPS; on failure, leave a screenshot and the browser's console"
        stale = support.artifact_path(
            f'browser-procurement-failure-{name}-{self.backend}.png')
        if os.path.exists(stale):
            os.remove(stale)
        started = time.monotonic()
        try:
            steps()
        except BaseException:
            try:
                self.page.screenshot(path=stale, full_page=True)
            except Exception:
                pass
            if self.console:
                print('\nbrowser console:\n' + '\n'.join(self.console[-30:]))
            raise
        errors = [m for m in self.console if m.startswith('pageerror')]
        self.assertEqual(errors, [], 'uncaught errors in the web client')
        print(f'\n[{self.backend}] {name}: browser '
            f'{time.monotonic() - started:.1f} s; screenshots:\n  '
            + '\n  '.join(os.path.relpath(p, support.ROOT)
                for p in self.screenshots))

    def screenshot(self, name):
        "Save the page as var/test-artifacts/browser-procurement-NAME-*.png"
        path = support.artifact_path(
            f'browser-procurement-{name}-{self.backend}.png')
        self.page.screenshot(path=path, full_page=True)
        self.screenshots.append(path)
        return path

    # The procurement officer

    def test_officer_procurement_and_contract(self):
        "The officer sees the procurement, its lots, a contract"
        self.run_steps('officer', self._officer)

    def _officer(self):
        labels, facts = self.labels, self.facts
        procurement = facts['procurement']
        lots = procurement['lots']
        self.login(OFFICER, self.officer_password)

        # 服务购买 > 政府购买服务项目, the tab of all of them
        tab = self.open_menu(labels['procurement_menu'])
        self.domain_tab(tab, labels['procurement_tabs'][-1])
        table = self.list_table(tab)
        self._wait_until(lambda: sorted(self.cell_texts(table,
                    labels['procurement_number']) or [])
            == sorted(facts['procurements']), 'the list of procurements')
        row = table.locator('tbody > tr').filter(
            has_text=procurement['number'])
        self.assertIn(str(procurement['year']),
            [t.strip() for t in row.locator('td').all_inner_texts()],
            'the year is shown as such (no thousands separator)')
        self.screenshot('officer-procurement-list')

        # The procurement: its lots with their states and awarded bids
        self.open_row(row, procurement['number'])
        form = tab.locator('.form')
        self._wait_until(lambda: procurement['name'] in self.values(form),
            f'the form of {procurement["number"]}')
        lot_list = self.one2many(form, labels['lots'])
        self.wait_count(lot_list, len(lots))
        lot_table = lot_list.locator('table.tree').first
        self._wait_until(lambda: self.cell_texts(lot_table,
                labels['lot_name']) == [l['name'] for l in lots],
            'the lots in the procurement form')
        self.assertEqual(self.cell_texts(lot_table, labels['lot_state']),
            [l['state_string'] for l in lots], 'the lots\' states')
        awarded = self.cell_texts(lot_table, labels['awarded_bid'])
        for lot, text in zip(lots, awarded):
            if lot['winner']:
                self.assertIn(lot['winner'], text,
                    f'the awarded bid of {lot["name"]}')
            else:
                self.assertEqual(text, '', f'{lot["name"]} has no award')
        states = {l['state'] for l in lots}
        self.assertIn('awarded', states)
        self.assertIn('failed', states, 'the demo has a failed lot')
        self.screenshot('officer-procurement-form')

        # An awarded lot (a dialog): its bids
        lot = next(l for l in lots if l['winner'])
        lot_table.locator('tbody > tr > td').filter(
            has_text=lot['name']).first.dblclick()
        dialog = self.page.locator('.window-form').filter(visible=True)
        self._expect(dialog, f'the lot {lot["name"]}')
        dialog.locator('.nav-tabs a').get_by_text(labels['bids'],
            exact=True).click()
        bid_list = self.one2many(dialog, labels['bids'])
        self.wait_count(bid_list, len(lot['bidders']))
        bid_table = bid_list.locator('table.tree').first
        self._wait_until(lambda: sorted(self.cell_texts(bid_table,
                    labels['bid_contractor']) or []) == lot['bidders'],
            f'the bids of {lot["name"]}')
        self.screenshot('officer-lot-bids')
        dialog.locator('.modal-footer button').first.click()
        dialog.wait_for(state='hidden')

        # 服务购买 > 服务合同: all contracts, then the contractor's
        contract = facts['contractor']['contracts'][0]
        tab = self.open_menu(labels['contract_menu'], tabs=2)
        self.domain_tab(tab, labels['contract_tabs'][-1])
        table = self.list_table(tab)
        self._wait_until(lambda: sorted(self.cell_texts(table,
                    labels['number']) or []) == sorted(facts['contracts']),
            'the list of contracts')
        self.screenshot('officer-contract-list')
        self.open_row(table.locator('tbody > tr').filter(
                has_text=contract['number']), contract['number'])
        form = tab.locator('.form')
        self._wait_until(lambda: contract['number'] in self.values(form),
            f'the form of {contract["number"]}')
        lines = self.one2many(form, labels['lines'])
        self.wait_count(lines, len(contract['services']))
        self.assertEqual(self.cell_texts(lines.locator('table.tree').first,
                labels['service']), contract['services'])
        self.screenshot('officer-contract-lines')

        form.locator('.nav-tabs a').get_by_text(labels['assignments'],
            exact=True).click()
        assignments = self.one2many(form, labels['assignments'])
        self.wait_count(assignments, contract['assignments'])
        persons = self.wait_cells(assignments.locator('table.tree').first,
            labels['assignment_person'], 'the persons of the assignments')
        for text in persons:
            self.assertRegex(text, FULL_NUMBER,
                'the registry sees full identity numbers')
        self.screenshot('officer-contract-assignments')
        self.assertEqual(self.tab_titles(), [labels['procurement_menu'][-1],
                labels['contract_menu'][-1]])
        self.check_glossary()

    # A contractor

    def test_contractor_sees_own_persons_and_contracts(self):
        "contractor01 sees its own persons (numbers masked) and contracts"
        self.run_steps('contractor', self._contractor)

    def _contractor(self):
        labels = self.labels
        mine = self.facts['contractor']
        self.assertTrue(mine['persons'], f'{CONTRACTOR} has persons')
        self.assertLess(len(mine['persons']), PERSONS)
        self.login(CONTRACTOR, self.demo_password)

        # 社会救助 > 特困人员: its active persons first, then all of them
        tab = self.open_menu(labels['person_menu'])
        active = self.domain_tab(tab, labels['person_tabs'][0], click=False)
        self._wait_until(lambda: active.locator('.badge').get_attribute(
                'title') == str(mine['active']),
            f'{mine["active"]} on the tab {labels["person_tabs"][0]}')
        table = self.list_table(tab)
        self._wait_until(lambda: len(self.all_cells(table,
                    labels['person_name'])) == mine['active'],
            f'{mine["active"]} active persons in the list')
        self.screenshot('contractor-persons-active')
        self.domain_tab(tab, labels['person_tabs'][-1])
        self._wait_until(lambda: sorted(self.all_cells(table,
                    labels['person_name'])) == mine['persons'],
            f'the {len(mine["persons"])} persons assigned to {mine["name"]}')
        numbers = self.cell_texts(table, labels['id_number'])
        self.assertEqual(len(numbers), len(mine['persons']))
        for number in numbers:
            self.assertRegex(number, f'^{MASKED_NUMBER.pattern}$',
                'identity numbers are masked for contractors')
        self.assertEqual(sorted(numbers), sorted(
                n[:6] + '*' * 8 + n[-4:] for n in mine['id_numbers']))
        self.screenshot('contractor-persons')

        # 服务购买 > 服务合同: its own contracts only
        tab = self.open_menu(labels['contract_menu'], tabs=2)
        self.domain_tab(tab, labels['contract_tabs'][-1])
        table = self.list_table(tab)
        numbers = [c['number'] for c in mine['contracts']]
        self._wait_until(lambda: sorted(self.cell_texts(table,
                    labels['number']) or []) == numbers,
            f'the contracts of {mine["name"]}: {numbers}')
        self.assertLess(len(numbers), len(self.facts['contracts']))
        self.screenshot('contractor-contracts')

        # Its contract's assignments: its persons, numbers masked
        contract = mine['contracts'][0]
        self.open_row(table.locator('tbody > tr').filter(
                has_text=contract['number']), contract['number'])
        form = tab.locator('.form')
        self._wait_until(lambda: contract['number'] in self.values(form),
            f'the form of {contract["number"]}')
        form.locator('.nav-tabs a').get_by_text(labels['assignments'],
            exact=True).click()
        assignments = self.one2many(form, labels['assignments'])
        self.wait_count(assignments, contract['assignments'])
        persons = self.wait_cells(assignments.locator('table.tree').first,
            labels['assignment_person'], 'the persons of the assignments')
        for text in persons:
            self.assertRegex(text, MASKED_NUMBER)
            self.assertNotRegex(text, FULL_NUMBER)
        self.screenshot('contractor-contract-assignments')
        self.check_glossary()

    # Driving sao

    def login(self, login, password):
        "Log in as LOGIN and wait for the menu"
        page = self.page
        page.goto(self.server.url, wait_until='load')
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
        dialog.locator('#login').press('Enter')
        ask = page.locator('.ask-dialog').filter(
            has=page.locator('input[type=password]'))
        self._expect(ask.locator('input[type=password]'), 'the password')
        ask.locator('input[type=password]').fill(password)
        ask.locator('.btn-primary').click()
        self._expect(page.locator('#menu td').filter(visible=True).first,
            'the menu')
        page.locator('.login-dialog').wait_for(state='detached')

    def open_menu(self, path, tabs=1):
        """Click the menu's entries of PATH; return the tab it opens (the
        TABS-th one)"""
        menu = self.page.locator('#menu')
        for name in path:
            entry = menu.locator('td').get_by_text(name, exact=True)
            self._expect(entry, f'the menu entry {name}')
            entry.click()
        self._wait_until(lambda: len(self.tab_titles()) == tabs
            and self.tab_titles()[-1] == path[-1], f'the tab {path[-1]}')
        tab = self.page.locator('#tabcontent > .tab-pane.active')
        tab.locator('.filter-box input.form-control').first.wait_for(
            state='visible')
        return tab

    def tab_titles(self):
        return [t.split('\n')[-1].strip() for t in
            self.page.locator('#tablist > li').all_inner_texts()]

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

    @staticmethod
    def list_table(tab):
        return tab.locator('.content-box table.tree').first

    def open_row(self, row, text):
        """Open the record of the list's ROW from its cell that shows TEXT (a
        plain cell: many-to-one cells are links that open other tabs)"""
        cell = row.locator('td').filter(has_text=text).first
        # Select the row first: sao puts the list's state in the URL on
        # selection, and a hash change it handles after the form has
        # replaced the list opens the list again in a second tab
        cell.click()
        self.page.wait_for_function(URL_SETTLED)
        self.page.wait_for_timeout(300)
        cell.dblclick()

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

    @staticmethod
    def cell_texts(table, header):
        "The texts of the column HEADER of the sao list TABLE (None if none)"
        return table.evaluate(COLUMN, header)

    def wait_cells(self, table, header, what):
        "The texts of the column HEADER once the list shows rows"
        self._wait_until(lambda: self.cell_texts(table, header), what)
        return self.cell_texts(table, header)

    def all_cells(self, table, header):
        """The texts of the column HEADER once every row is shown (sao shows
        lists by pages; a row 'more' shows the next)"""
        for _ in range(MORE_ROWS):
            more = table.locator('tbody > tr.more-row').filter(visible=True)
            if not more.count():
                break
            more.first.click()
            self.page.wait_for_timeout(200)
        return self.cell_texts(table, header) or []

    @staticmethod
    def values(form):
        "The values shown by the form's entries"
        return form.locator('input, textarea').evaluate_all(
            'elements => elements.map(e => e.value)')

    def check_glossary(self):
        "The menu and the tabs the users clicked are the glossary's words"
        labels = self.labels
        for key in ['procurement_menu', 'contract_menu', 'person_menu']:
            self.assertEqual(labels[key], GLOSSARY[key], key)
        for key in ['procurement_tabs', 'contract_tabs', 'person_tabs']:
            self.assertEqual(labels[key][-1], GLOSSARY['all'], key)
        self.assertEqual(labels['person_tabs'][0], GLOSSARY['active'])
        for key in ['lots', 'bids', 'lines', 'assignments']:
            self.assertEqual(labels[key], GLOSSARY[key], key)
        for value in labels['lot_states'].values():
            self.assertNotRegex(value, '[A-Za-z]',
                'the lots\' states are translated')



if __name__ == '__main__':
    unittest.main()
