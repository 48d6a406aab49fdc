"""`care settle` as the bureau runs it each month: the export of FORMATS.md
agrees with the settlement rules to the cent, settling again changes and
duplicates nothing, approved settlements are left as they are."""
import csv
import datetime as dt
import os
import re
import tempfile
import unittest
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.support import CareDatabase

SUMMARY = re.compile(
    r'^settlements: (\d+) computed, (\d+) unchanged, net (\d+\.\d\d)$', re.M)
HEADER = ['月份', '合同编号', '服务机构', '服务人数', '有效服务次数', '应付金额',
    '扣减金额', '结算金额', '状态']

# The month the demo settled, and one the test settles itself
MONTHS = '''
from trytond.transaction import Transaction
Settlement = pool.get('care.settlement')
Visit = pool.get('care.visit')
settled = sorted({s.month for s in Settlement.search([])})
months = sorted({v.month for v in Visit.search([])})
result = {'settled': settled, 'months': months}
'''
# The gross of each contract and month recomputed in plain Python from the
# accepted visits (the demo's contract lines have no monthly caps) and the
# placements' covered days as stored on the lines
EXPECTED = '''
from decimal import Decimal, ROUND_HALF_UP
Visit = pool.get('care.visit')
Line = pool.get('care.contract.line')
Settlement = pool.get('care.settlement')
month = params['month']
prices = {(l.contract.id, l.service.id): (l.unit_price, l.service.unit,
        l.monthly_cap) for l in Line.search([])}
assert all(cap is None for _p, _u, cap in prices.values())
amounts = {}
visits = {}
for v in Visit.search([('month', '=', month), ('state', '=', 'accepted')]):
    price, unit, _cap = prices[v.contract.id, v.service.id]
    if unit not in ('visit', 'hour'):
        continue
    quantity = Decimal(1) if unit == 'visit' else Decimal(
        v.duration // 30) * Decimal('0.5')
    key = (v.contract.number, v.person.id, v.service.id)
    amounts[key] = amounts.get(key, Decimal(0)) + quantity * price
    if quantity:
        visits[v.contract.number] = visits.get(v.contract.number, 0) + 1
gross = {}
for (number, _person, _service), amount in amounts.items():
    gross[number] = gross.get(number, Decimal(0)) + amount.quantize(
        Decimal('0.01'), rounding=ROUND_HALF_UP)
for s in Settlement.search([('month', '=', month)]):
    for line in s.lines:
        if line.covered_days:
            gross[s.contract.number] = gross.get(
                s.contract.number, Decimal(0)) + line.amount
result = {n: [str(g), visits.get(n, 0)] for n, g in gross.items()}
'''


# The settlements and spot-check plans stored for a month
STORED = '''
result = [pool.get('care.settlement').search_count(
        [('month', '=', params['month'])]),
    pool.get('care.check.plan').search_count(
        [('month', '=', params['month'])])]
'''


def read_export(path):
    with open(path, encoding='utf-8-sig', newline='') as file:
        return list(csv.reader(file))


class SettleTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db = CareDatabase()
        cls.db.create()
        cls.db.demo(300, 'demo-password')
        cls.tmp = tempfile.mkdtemp(prefix='care-settle-')

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    def settle(self, month, *args):
        process = self.db.care('settle', '--month', month, *args)
        self.assertEqual(process.returncode, 0, process.stderr)
        match = SUMMARY.search(process.stdout)
        self.assertTrue(match, process.stdout)
        computed, unchanged, net = match.groups()
        return int(computed), int(unchanged), Decimal(net)

    def test_export_follows_the_rules(self):
        "The export's amounts are the rules' amounts, to the cent"
        months = self.db.python(MONTHS)
        month = [m for m in months['months']
            if m not in months['settled']][0]
        path = os.path.join(self.tmp, 'settlement.csv')
        computed, unchanged, net = self.settle(month, '--export', path)
        rows = read_export(path)
        self.assertEqual(rows[0], HEADER)
        numbers = [r[1] for r in rows[1:]]
        self.assertEqual(numbers, sorted(numbers))
        self.assertEqual(computed + unchanged, len(rows) - 1)
        self.assertEqual(sum(Decimal(r[7]) for r in rows[1:]), net)
        expected = self.db.python(EXPECTED, month=month)
        for row in rows[1:]:
            self.assertEqual(row[0], month)
            gross, visits = expected[row[1]]
            self.assertEqual(Decimal(row[5]), Decimal(gross), row)
            self.assertEqual(int(row[4]), visits, row)
            self.assertEqual(Decimal(row[7]),
                max(Decimal(0), Decimal(row[5]) - Decimal(row[6])), row)
            self.assertEqual(row[8], 'computed')

        # Settled again: nothing computed anew, nothing duplicated
        again = self.settle(month, '--export', path)
        self.assertEqual(again, (0, computed + unchanged, net))
        self.assertEqual(read_export(path), rows)

    def test_approved_left_as_they_are(self):
        "The month the demo approved (and paid, but one) is left as it is"
        months = self.db.python(MONTHS)
        settled = months['settled'][-1]
        path = os.path.join(self.tmp, 'approved.csv')
        computed, unchanged, net = self.settle(settled, '--export', path)
        self.assertEqual(computed, 0)
        self.assertTrue(all(r[8] in {'invoiced', 'paid'}
                for r in read_export(path)[1:]))

    def test_bad_month(self):
        "A month not written YYYY-MM is refused with exit code 2"
        process = self.db.care('settle', '--month', '2026-13')
        self.assertEqual(process.returncode, 2)
        self.assertIn('YYYY-MM', process.stderr)

    def test_month_not_ended(self):
        """This month (Asia/Shanghai) has not ended: neither settled nor
        planned; exit 2 with the rule in Chinese, nothing stored"""
        today = dt.datetime.now(ZoneInfo('Asia/Shanghai')).date()
        month = today.strftime('%Y-%m')
        before = self.db.python(STORED, month=month)
        for command in [['settle', '--month', month],
                ['checks', 'plan', '--month', month]]:
            with self.subTest(command=command[0]):
                process = self.db.care(*command)
                self.assertEqual(process.returncode, 2, process.stderr)
                self.assertIn(month, process.stderr)
                self.assertIn('尚未结束', process.stderr)
                self.assertNotIn('Traceback', process.stderr)
        self.assertEqual(self.db.python(STORED, month=month), before)
        self.assertEqual(before, [0, 0])


if __name__ == '__main__':
    unittest.main()
