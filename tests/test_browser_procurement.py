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
import re
import secrets
import unittest

from tests.browser import SAO_WORDS, SaoBrowserMixin

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

# Run by CareDatabase.python as admin: what the pages must show
FACTS = SAO_WORDS + r'''
Procurement = pool.get('care.procurement')
Lot = pool.get('care.procurement.lot')
Bid = pool.get('care.procurement.bid')
Contract = pool.get('care.contract')
Assignment = pool.get('care.contract.assignment')
Person = pool.get('social_assistance.person')
User = pool.get('res.user')


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


class ProcurementBrowserTestCase(SaoBrowserMixin, unittest.TestCase):
    "The procurement officer and a contractor in sao, on the demo county"

    artifacts = 'browser-procurement'

    @classmethod
    def setUpClass(cls):
        cls.create_database()
        cls.build_demo(PERSONS, CONTRACTOR)
        with cls.timed('user and facts'):
            cls.officer_password = 'Buyer-' + secrets.token_hex(6)
            cls.database.create_user(OFFICER, cls.officer_password,
                OFFICER_GROUPS, name='采购专员')
            cls.facts = cls.database.python(FACTS, contractor=CONTRACTOR)
            cls.labels = cls.facts['labels']
        cls.start_server()
        cls.print_timings()

    def setUp(self):
        self.open_browser()

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
        # Every page of the list again: sao may redraw it (first page only)
        # once the tab's count arrives
        self._wait_until(lambda: len(self.all_cells(table,
                    labels['id_number'])) == len(mine['persons']),
            f'the {len(mine["persons"])} identity numbers')
        numbers = self.all_cells(table, labels['id_number'])
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

    # The glossary

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
