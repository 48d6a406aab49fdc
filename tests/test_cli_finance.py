"""The finance bureau's month on the command line: after the contractors
confirmed and the bureau approved, `care pay` pays each settlement once,
`care import statement` confirms the payments the bank statement names for
their exact amount (and rejects the others with their reasons), and
`care reconcile` shows the three-way match of FORMATS.md to the cent."""
import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from decimal import Decimal

from tests.support import (
    CONFIG, COMMAND_TIMEOUT, PYTHON, ROOT, CareDatabase, CareError, describe,
    environment)

PAY = re.compile(r'^payments: (\d+) processing, total (\d+\.\d\d)$', re.M)
STATEMENT = re.compile(
    r'^statement: (\d+) payments succeeded, (\d+) rejected rows', re.M)
RECONCILIATION = re.compile(r'^reconciliation: (\d+) contracts(.*)$', re.M)
SETTLE = re.compile(r'^settlements: (\d+) computed, (\d+) unchanged, '
    r'net (\d+\.\d\d)$', re.M)
# FORMATS.md "reconciliation export"
RECONCILIATION_HEADER = ['合同编号', '服务机构', '结算金额', '发票金额',
    '已付金额', '差额', '合同余额', '状态']
SETTLEMENT_HEADER = ['月份', '合同编号', '服务机构', '服务人数',
    '有效服务次数', '应付金额', '扣减金额', '结算金额', '状态']
# The treasury's bank statement (care_settlement's
# bank_statement_format.json) and the payment order `care pay` writes
STATEMENT_HEADER = ['交易日期', '收款人', '金额', '附言']
ORDER_COLUMNS = ['收款人', '金额', '附言']
# FORMATS.md, rejected files
LINE, REASON = '行号', '原因'
CENT = Decimal('0.01')
CJK = re.compile(r'[\u4e00-\u9fff]')

# The latest month that has ended with visits that nobody settled (the demo
# settles the last of its months, which have all ended: the one before it),
# and the month before that one.  Only a month that has ended is settled
# (DESIGN.md), whatever the day the test runs.
UNSETTLED_MONTH = '''
from trytond.modules.care_visit.local_time import month_ended
Settlement = pool.get('care.settlement')
Visit = pool.get('care.visit')
settled = {s.month for s in Settlement.search([])}
months = {v['month'] for v in Visit.search_read([], fields_names=['month'])}
target = max(m for m in months - settled if month_ended(m))
year, month = map(int, target.split('-'))
year, month = (year - 1, 12) if month == 1 else (year, month - 1)
result = {'month': target, 'before': f'{year}-{month:02d}'}
'''

# The contractors confirm, each in its own session, then the bureau
# approves (scripts/care_cli/demo_finance.py `_settle_and_approve`) and the
# contractors record their own invoices (`record_invoices`)
APPROVE = '''
import json, sys
from care_cli import database as db
from care_cli import demo_finance
db.load_config(sys.argv[1])
name, month = sys.argv[2], sys.argv[3]

def computed(pool):
    Settlement = pool.get('care.settlement')
    User = pool.get('res.user')
    logins = {u.care_contractor.id: u.login for u in User.search([
                ('care_contractor', '!=', None)])}
    by_login = {}
    for settlement in Settlement.search([('month', '=', month),
                ('state', '=', 'computed')]):
        by_login.setdefault(logins[settlement.contractor.id], []).append(
            settlement.id)
    return logins, by_login

def confirm(pool, ids):
    Settlement = pool.get('care.settlement')
    Settlement.confirm(Settlement.browse(ids))

def approve(pool):
    Settlement = pool.get('care.settlement')
    Settlement.approve(Settlement.search([('month', '=', month),
                ('state', '=', 'confirmed')]))

logins, by_login = db.run_in_session(name, computed)
for login, ids in sorted(by_login.items()):
    db.run_in_session(name, confirm, ids, login=login)
db.run_in_session(name, approve)
demo_finance.record_invoices(name, month)
with db.session(name, readonly=True) as pool:
    Settlement = pool.get('care.settlement')
    User = pool.get('res.user')
    admin, = User.search([('login', '=', 'admin')])
    result = {s.contract.number: {
            'state': s.state,
            'contractor_login': logins.get(s.contractor.id),
            'confirmed_by': s.confirmed_by.login if s.confirmed_by else None,
            'approved_by': s.approved_by.id if s.approved_by else None,
            'approved_by_name': (s.approved_by.party.name
                if s.approved_by else None),
            'admin_employee': admin.employee.id if admin.employee else None,
            'admin_name': admin.name,
            } for s in Settlement.search([('month', '=', month)])}
print('\\n@@RESULT@@' + json.dumps(result))
'''

# What the database holds of the month's settlements, read through the ORM:
# per contract the net, the state, the invoice, the payments by state, the
# contract amount and all the nets settled (approved and later) up to the
# month
FINANCE = '''
from decimal import Decimal
Settlement = pool.get('care.settlement')
Payment = pool.get('account.payment')
Invoice = pool.get('account.invoice')
InvoiceLine = pool.get('account.invoice.line')
month = params['month']
result = {}
for s in Settlement.search([('month', '=', month)]):
    payments = Payment.search([('care_settlement', '=', s.id)])
    earlier = Settlement.search([('contract', '=', s.contract.id),
            ('month', '<=', month)])
    origin = f'care.settlement,{s.id}'
    invoices = {l.invoice for l in InvoiceLine.search([
                ('origin', '=', origin)])}
    result[s.contract.number] = {
        'contractor': s.contractor.name,
        'state': s.state,
        'net': str(s.net),
        'invoice': s.invoice.id if s.invoice else None,
        'invoice_state': s.invoice.state if s.invoice else None,
        'invoice_total': str(s.invoice.total_amount) if s.invoice else None,
        'invoice_reference': s.invoice.reference if s.invoice else None,
        'contractor_invoice_number': s.contractor_invoice_number,
        'contractor_invoice_amount': (str(s.contractor_invoice_amount)
            if s.contractor_invoice_amount is not None else None),
        'invoices_of_lines': sorted(i.id for i in invoices),
        'payments': [[p.id, p.state, str(p.amount), p.reference,
                p.party.name] for p in payments],
        'contract_amount': str(s.contract.amount),
        'settled_to_date': str(sum((e.net for e in earlier
                        if e.state in ('approved', 'invoiced', 'paid')),
                    Decimal(0))),
        }
'''


def read_csv(path):
    with open(path, encoding='utf-8-sig', newline='') as file:
        return list(csv.reader(file))


def read_dicts(path):
    with open(path, encoding='utf-8-sig', newline='') as file:
        return list(csv.DictReader(file))


def write_csv(path, header, rows):
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)


def money(text):
    "A Decimal of an amount written with exactly two decimals"
    assert re.fullmatch(r'-?\d+\.\d\d', text), text
    return Decimal(text)


def run_script(database, script, *args):
    """Run the python SCRIPT (which prints @@RESULT@@ and JSON) with the
    configuration, the database name and ARGS; return the JSON"""
    process = subprocess.run([PYTHON, '-c', script, CONFIG, database.name,
            *map(str, args)], cwd=ROOT, env=environment(),
        capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
        stdin=subprocess.DEVNULL)
    if process.returncode != 0 or '@@RESULT@@' not in process.stdout:
        raise CareError('script failed: ' + describe(process))
    return json.loads(process.stdout.rsplit('@@RESULT@@', 1)[1])


class FinanceCliTestCase(unittest.TestCase):
    """One month paid, confirmed by the bank and reconciled; the steps
    build on each other (test_1 … test_4, in that order)"""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='care-finance-')
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.db = CareDatabase()
        cls.addClassCleanup(cls.db.drop)
        cls.db.create()
        cls.db.demo(300, 'demo-password')

        # A month that has ended, with visits that nobody settled yet
        months = cls.db.python(UNSETTLED_MONTH)
        cls.month, cls.last_month = months['month'], months['before']

        path = cls.path('settlements.csv')
        process = cls.db.care('settle', '--month', cls.month,
            '--export', path)
        if process.returncode != 0 or not SETTLE.search(process.stdout):
            raise CareError(describe(process))
        rows = read_csv(path)
        cls.settlement_header = rows[0]
        # the settlement export: {contract: (contractor, net)}
        cls.settled = {r[1]: (r[2], money(r[7])) for r in rows[1:]}
        cls.approval = run_script(cls.db, APPROVE, cls.month)
        cls.order = cls.statement = cls.balances = None

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp, name)

    def finance(self):
        "FINANCE of the month: {contract number: values}"
        return self.db.python(FINANCE, month=self.month)

    def paying(self):
        "{contract: net} of the settlements with something to pay"
        return {c: net for c, (_p, net) in self.settled.items() if net > 0}

    def care(self, *args, returncode=0):
        process = self.db.care(*args)
        self.assertEqual(process.returncode, returncode, describe(process))
        return process

    def import_statement(self, path, returncode):
        "Import the statement; return (succeeded, rejected) of its summary"
        process = self.care('import', 'statement', path,
            returncode=returncode)
        match = STATEMENT.search(process.stdout)
        self.assertTrue(match, describe(process))
        return int(match.group(1)), int(match.group(2))

    def reconcile(self, name):
        "Export the month's reconciliation; return (summary, rows)"
        path = self.path(name)
        process = self.care('reconcile', '--month', self.month,
            '--export', path)
        match = RECONCILIATION.search(process.stdout)
        self.assertTrue(match, describe(process))
        rows = read_csv(path)
        self.assertEqual(rows[0], RECONCILIATION_HEADER)
        return match, rows[1:]

    def balances_before(self):
        "{contract: 合同余额} of the month before, as its export gives it"
        if self.balances is None:
            path = self.path('reconciliation-before.csv')
            self.care('reconcile', '--month', self.last_month,
                '--export', path)
            type(self).balances = {r[0]: money(r[6])
                for r in read_csv(path)[1:]}
        return self.balances

    def check_reconciliation(self, rows, unpaid=()):
        """Each row as FORMATS.md says, from the database read through the
        ORM, to the cent; UNPAID the contracts not paid yet"""
        finance = self.finance()
        numbers = [r[0] for r in rows]
        self.assertEqual(numbers, sorted(numbers))
        # every settlement of the month is approved or later: one row each
        self.assertEqual(sorted(numbers), sorted(finance))
        for row in rows:
            number, contractor, settled, invoiced, paid, difference, \
                balance, status = row
            values = finance[number]
            net = Decimal(values['net'])
            succeeded = sum((Decimal(p[2]) for p in values['payments']
                    if p[1] == 'succeeded'), Decimal(0))
            # 发票金额: the contractor's own invoice, recorded before paying
            invoice = Decimal(values['contractor_invoice_amount'] or 0)
            with self.subTest(contract=number):
                self.assertEqual(contractor, values['contractor'])
                self.assertEqual(contractor, self.settled[number][0])
                self.assertEqual(money(settled), net)
                self.assertEqual(money(settled), self.settled[number][1])
                self.assertEqual(money(invoiced), invoice)
                self.assertEqual(money(invoiced), net)
                self.assertEqual(money(paid), succeeded)
                self.assertEqual(money(difference), net - succeeded)
                self.assertEqual(money(balance),
                    Decimal(values['contract_amount'])
                    - Decimal(values['settled_to_date']))
                # the month takes its net off the balance of the month
                # before (the contract's amount when nothing was settled)
                self.assertEqual(money(balance), self.balances_before().get(
                        number, Decimal(values['contract_amount'])) - net)
                if number in unpaid:
                    self.assertEqual(status, 'unpaid')
                    self.assertEqual(values['state'], 'invoiced')
                    self.assertEqual(money(difference), net)
                else:
                    self.assertEqual(status, 'matched')
                    self.assertEqual(values['state'], 'paid')
                    self.assertEqual(money(difference), 0)

    def test_1_pay_once(self):
        "One payment per settlement with a net, for the net; never twice"
        self.assertEqual(self.settlement_header, SETTLEMENT_HEADER)
        # Approved: invoiced with a net to pay, paid without one; confirmed
        # by the contractor's own user, approved by the bureau's employee
        # that admin acts as (a party of admin's name)
        for number, values in self.approval.items():
            with self.subTest(contract=number):
                self.assertEqual(values['state'], 'invoiced'
                    if self.settled[number][1] > 0 else 'paid')
                self.assertEqual(values['confirmed_by'],
                    values['contractor_login'])
                self.assertIsNotNone(values['admin_employee'])
                self.assertEqual(values['approved_by'],
                    values['admin_employee'])
                self.assertEqual(values['approved_by_name'],
                    values['admin_name'])
        paying = self.paying()
        # enough for a statement with two bad rows and good ones
        self.assertGreaterEqual(len(paying), 3, self.settled)
        finance = self.finance()
        for number, values in finance.items():
            with self.subTest(contract=number):
                self.assertEqual(Decimal(values['net']),
                    self.settled[number][1])
                self.assertEqual(values['payments'], [])
                if number in paying:
                    # one supplier invoice, posted, for the net
                    self.assertEqual((values['invoice_state'],
                            Decimal(values['invoice_total'])),
                        ('posted', paying[number]))
                    self.assertEqual(values['invoices_of_lines'],
                        [values['invoice']])
                    # the contractor's 数电票, its number on the supplier
                    # invoice as Tryton keeps a supplier's number
                    self.assertEqual((values['contractor_invoice_amount'],
                            values['invoice_reference']),
                        (values['net'],
                            values['contractor_invoice_number']))
                    self.assertRegex(values['invoice_reference'],
                        r'^\d{20}$')
                else:
                    self.assertEqual(values['invoices_of_lines'], [])

        path = self.path('order.csv')
        process = self.care('pay', '--month', self.month, '--login',
            'finance', '--export', path)
        match = PAY.search(process.stdout)
        self.assertTrue(match, describe(process))
        self.assertEqual(int(match.group(1)), len(paying))
        self.assertEqual(Decimal(match.group(2)), sum(paying.values()))
        order = read_dicts(path)
        for column in ORDER_COLUMNS:
            self.assertIn(column, order[0])
        # one row a settlement, by its invoice reference, for its net
        references = {finance[c]['invoice_reference']: c for c in paying}
        self.assertEqual(len(references), len(paying))
        self.assertEqual(sorted(r['附言'] for r in order), sorted(references))
        for row in order:
            number = references[row['附言']]
            with self.subTest(contract=number):
                self.assertEqual(money(row['金额']), paying[number])
                self.assertEqual(row['收款人'], self.settled[number][0])
        finance = self.finance()
        for number, values in finance.items():
            with self.subTest(contract=number):
                expected = ([['processing', self.settled[number][1]]]
                    if number in paying else [])
                self.assertEqual([[p[1], Decimal(p[2])]
                        for p in values['payments']], expected)
                self.assertEqual(values['state'], 'invoiced'
                    if number in paying else 'paid')

        # Paid again: nothing, not even an empty order row
        again = self.path('order-again.csv')
        process = self.care('pay', '--month', self.month, '--export', again)
        self.assertEqual(PAY.search(process.stdout).groups(), ('0', '0.00'),
            process.stdout)
        self.assertEqual(len(read_csv(again)), 1)
        self.assertEqual({n: v['payments'] for n, v in
                self.finance().items()},
            {n: v['payments'] for n, v in finance.items()})
        type(self).order = order
        type(self).references = references

    def test_2_bank_statement(self):
        """A row whose amount is 0.01 off and one with an unknown
        reference are rejected with their reasons; the others pay"""
        self.assertIsNotNone(self.order, 'test_1 did not pay the month')
        # The bank books every payment of the order, two of them wrongly
        rows = [[dt.date.today().isoformat(), r['收款人'], r['金额'],
                r['附言']] for r in self.order]
        wrong_amount, wrong_reference = rows[0], rows[-1]
        wrong_amount[2] = f'{money(wrong_amount[2]) + CENT:.2f}'
        # (the reference is the contractor's invoice number, all digits)
        unknown = wrong_reference[3][:-1] + 'X'
        self.assertNotIn(unknown, self.references)
        wrong_reference[3] = unknown
        path = self.path('bank.csv')
        write_csv(path, STATEMENT_HEADER, rows)

        succeeded, rejected = self.import_statement(path, returncode=3)
        self.assertEqual((succeeded, rejected), (len(rows) - 2, 2))
        rejected_path = self.path('bank.rejected.csv')
        rejected_rows = read_dicts(rejected_path)
        self.assertEqual(list(rejected_rows[0]),
            STATEMENT_HEADER + [LINE, REASON])
        # line numbers: the header is line 1
        self.assertEqual([(r[LINE], [r[c] for c in STATEMENT_HEADER])
                for r in rejected_rows],
            [('2', wrong_amount), (str(len(rows) + 1), wrong_reference)])
        amount_reason = rejected_rows[0][REASON]
        reference_reason = rejected_rows[1][REASON]
        # each reason names the problem: the amounts, the reference
        self.assertIn(wrong_amount[2], amount_reason)
        self.assertIn(self.order[0]['金额'], amount_reason)
        self.assertIn(unknown, reference_reason)
        with self.subTest('the reasons are in Chinese'):
            self.assertRegex(amount_reason, CJK)
            self.assertRegex(reference_reason, CJK)

        finance = self.finance()
        unpaid = {self.references[self.order[0]['附言']],
            self.references[self.order[-1]['附言']]}
        for number, net in self.paying().items():
            values = finance[number]
            with self.subTest(contract=number):
                if number in unpaid:
                    self.assertEqual(values['state'], 'invoiced')
                    self.assertEqual([p[1] for p in values['payments']],
                        ['processing'])
                    self.assertEqual(values['invoice_state'], 'posted')
                else:
                    self.assertEqual(values['state'], 'paid')
                    self.assertEqual([p[1] for p in values['payments']],
                        ['succeeded'])
                    self.assertEqual(values['invoice_state'], 'paid')
        type(self).statement = (path, rows, unpaid, rejected_path)

    def test_3_reconcile(self):
        "The three-way match: matched where the bank paid, unpaid elsewhere"
        self.assertIsNotNone(self.statement, 'test_2 did not run')
        _path, _rows, unpaid, _rejected = self.statement
        summary, rows = self.reconcile('reconciliation.csv')
        self.check_reconciliation(rows, unpaid=unpaid)
        self.assertEqual(summary.group(0),
            f'reconciliation: {len(rows)} contracts, '
            f'{len(rows) - len(unpaid)} matched, {len(unpaid)} unpaid')

    def test_4_corrected_rows(self):
        """The rejected rows, corrected in the rejected file, pay the rest;
        the first statement again pays nothing twice"""
        self.assertIsNotNone(self.statement, 'test_2 did not run')
        path, statement_rows, unpaid, rejected_path = self.statement
        corrected = []
        for row in read_dicts(rejected_path):
            line = int(row[LINE])
            right = self.order[line - 2]
            row['金额'], row['附言'] = right['金额'], right['附言']
            corrected.append(row)
        self.assertEqual({self.references[r['附言']] for r in corrected},
            unpaid)
        corrected_path = self.path('bank-corrected.csv')
        # as it was saved from the spreadsheet, 行号 and 原因 included
        write_csv(corrected_path, list(corrected[0]),
            [list(r.values()) for r in corrected])
        self.assertEqual(self.import_statement(corrected_path, returncode=0),
            (2, 0))
        self.assertFalse(os.path.exists(
                self.path('bank-corrected.rejected.csv')))

        summary, rows = self.reconcile('reconciliation-all.csv')
        self.check_reconciliation(rows)
        self.assertEqual({r[7] for r in rows}, {'matched'})
        self.assertEqual(summary.group(0),
            f'reconciliation: {len(rows)} contracts, {len(rows)} matched')

        # The first statement again: every row refused, nothing paid twice
        before = self.finance()
        self.assertEqual(self.import_statement(path, returncode=3),
            (0, len(statement_rows)))
        after = self.finance()
        self.assertEqual(after, before)
        for number, net in self.paying().items():
            with self.subTest(contract=number):
                self.assertEqual(sum(Decimal(p[2])
                        for p in after[number]['payments']
                        if p[1] != 'failed'), net)

    def test_bad_month(self):
        "A month not written YYYY-MM: exit 2, in Chinese"
        process = self.care('reconcile', '--month', '2026-13', returncode=2)
        self.assertIn('2026-13', process.stderr)
        self.assertRegex(process.stderr, CJK)
        self.assertNotIn('Traceback', process.stderr)

    def test_statement_without_reference(self):
        "A statement without the 附言 column: exit 2, naming the column"
        path = self.path('no-reference.csv')
        write_csv(path, STATEMENT_HEADER[:3],
            [[dt.date.today().isoformat(), '某某服务中心', '100.00']])
        before = self.finance()
        process = self.care('import', 'statement', path, returncode=2)
        self.assertIn('附言', process.stderr)
        self.assertRegex(process.stderr.replace('附言', ''), CJK)
        self.assertNotIn('Traceback', process.stderr)
        self.assertFalse(os.path.exists(self.path('no-reference.rejected.csv')))
        self.assertEqual(self.finance(), before)

    def test_0_pay_refused_to_others(self):
        """care pay --login runs as that user with Tryton's access checks: a
        contractor (contractor01, and one whose settlement of the month is
        invoiced), or a registry officer, is refused in Chinese (exit 1)
        and nothing is paid; an unknown login is exit 2"""
        logins = [v['contractor_login'] for v in self.approval.values()
            if v['state'] == 'invoiced' and v['contractor_login']]
        self.assertTrue(logins, self.approval)
        self.db.create_user('registry_clerk', 'Registry-password-1',
            ['social_assistance.group_registry'])
        before = self.finance()
        # the contractor01, and one whose settlement waits
        for login in sorted({'contractor01', logins[0]}) + [
                'registry_clerk']:
            with self.subTest(login=login):
                process = self.care('pay', '--month', self.month,
                    '--login', login, returncode=1)
                self.assertRegex(process.stderr, CJK)
                self.assertNotIn('Traceback', process.stderr)
                self.assertNotRegex(process.stdout, PAY)
        process = self.care('pay', '--month', self.month, '--login',
            'nobody-such', returncode=2)
        self.assertIn('nobody-such', process.stderr)
        self.assertNotIn('Traceback', process.stderr)
        self.assertEqual(self.finance(), before)
        # test_1 pays later: no payment of the month exists yet
        self.assertEqual({n: v['payments'] for n, v in before.items()},
            {n: [] for n in before})

    def test_unlock(self):
        """care unlock LOGIN clears the failed logins that make Tryton's
        back-off refuse even the right password"""
        count = self.db.python(ATTEMPTS, login='finance', add=3)
        self.assertEqual(count, 3)
        process = self.care('unlock', 'finance')
        self.assertIn('finance', process.stdout)
        self.assertIn('3', process.stdout)
        self.assertEqual(self.db.python(ATTEMPTS, login='finance', add=0), 0)
        process = self.care('unlock', 'nobody-such', returncode=2)
        self.assertNotIn('Traceback', process.stderr)


# Add ADD failed logins of LOGIN (as trytond records a wrong password);
# the number recorded
ATTEMPTS = '''
Attempt = pool.get('res.user.login.attempt')
from trytond.transaction import Transaction
for _ in range(params['add']):
    Attempt.add(params['login'])
table = Attempt.__table__()
cursor = Transaction().connection.cursor()
cursor.execute(*table.select(table.id,
        where=table.login == params['login']))
result = len(cursor.fetchall())
'''


if __name__ == '__main__':
    unittest.main()
