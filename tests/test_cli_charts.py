"""`care charts` as the bureau runs it after settling a month: one readable
PNG a chart, the figures drawn are the database's (counted here again with
the ORM), a month without data still gets its charts, and the Chinese font
is found."""
import os
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

from tests.support import CONFIG, PYTHON, CareDatabase, environment

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__))), 'scripts'))
from care_cli import charts  # noqa: E402

FILES = ['settled-vs-budget.png', 'visits-per-town.png', 'visit-reasons.png',
    'check-failures.png', 'under-served.png', 'complaints-satisfaction.png']
PNG = b'\x89PNG\r\n\x1a\n'
# A month long before the demo's
EMPTY = '2020-01'

# The month the demo settled and approved, and one with inspection results
MONTHS = '''
Settlement = pool.get('care.settlement')
Check = pool.get('care.check')
result = {
    'settled': max(s.month for s in Settlement.search(
            [('state', 'in', ['approved', 'invoiced', 'paid'])])),
    'checked': max(c.month for c in Check.search(
            [('result', 'in', ['pass', 'fail'])])),
    }
'''
# What the chart functions drew for a month, beside the same figures
# counted record by record with the ORM (small demo: a few thousand visits)
PLOTTED = '''
import os
import tempfile
from collections import Counter, defaultdict
from decimal import Decimal
from care_cli import charts
from trytond.modules.care_procurement.tools import month_bounds
charts.setup(charts.cjk_font())
month = params['month']
out = tempfile.mkdtemp()
plotted = {chart.__name__: chart(month, os.path.join(out, name))
    for name, chart in charts.CHARTS}
plotted['visits_per_town'] = sorted(map(list, plotted['visits_per_town']))

Visit = pool.get('care.visit')
Check = pool.get('care.check')
Contract = pool.get('care.contract')
Plan = pool.get('care.contract.assignment.plan')
Settlement = pool.get('care.settlement')
Report = pool.get('care.settlement', type='report')
towns = defaultdict(lambda: [0, 0])
reasons = defaultdict(Counter)
for visit in Visit.search([('month', '=', month)]):
    town = visit.person.town.name if visit.person.town else None
    towns[town][visit.state == 'rejected'] += 1
    reasons[visit.contractor.name][visit.reason or 'accepted'] += 1
checks = defaultdict(lambda: {'fail': 0, 'pass': 0, 'pending': 0})
for check in Check.search([('month', '=', month)]):
    checks[check.contract.contractor.name][check.result] += 1
Complaint = pool.get('care.complaint')
complaints = defaultdict(lambda: {'received': 0, 'substantiated': 0,
        'asked': 0, 'satisfied': 0})
for complaint in Complaint.search([('month', '=', month),
            ('contract', '!=', None)]):
    counts = complaints[complaint.contract.contractor.name]
    counts['received'] += 1
    counts['substantiated'] += (complaint.substantiated == 'yes'
        and complaint.state == 'answered')
for check in Check.search([('month', '=', month),
            ('satisfaction', '!=', None)]):
    counts = complaints[check.contract.contractor.name]
    counts['asked'] += 1
    counts['satisfied'] += check.satisfaction in {'4', '5'}
first, last = month_bounds(month)
contracts = Contract.search([('state', '!=', 'draft'),
        ('start_date', '<=', last), ('end_date', '>=', first)])
settled = {c.number: [c.amount, Decimal(0)] for c in contracts}
for settlement in Settlement.search([('month', '<=', month),
            ('state', 'in', ['approved', 'invoiced', 'paid'])]):
    if settlement.contract.number in settled:
        settled[settlement.contract.number][1] += settlement.net
planned, short = defaultdict(set), defaultdict(set)
for plan in Plan.search([('assignment.contract', 'in', contracts),
            ('service.unit', 'in', ['visit', 'hour']),
            ('quantity', '>', 0),
            ('assignment.start_date', '<=', last),
            ['OR', ('assignment.end_date', '=', None),
                ('assignment.end_date', '>=', first)]]):
    planned[plan.assignment.contract.contractor.name].add(
        plan.assignment.person.id)
for settlement in Settlement.search([('month', '=', month)]):
    for row in Report.under_served(settlement):
        short[settlement.contractor.name].add((row.name, row.id_number))
result = {'plotted': plotted, 'expected': {
        'towns': sorted([t, a, r] for t, (a, r) in towns.items()),
        'reasons': reasons,
        'checks': checks,
        'complaints': complaints,
        'settled': settled,
        'planned': {c: len(p) for c, p in planned.items()},
        'short': {c: len(p) for c, p in short.items()},
        }}
'''


def png_size(path):
    "The width and height of a PNG file (its IHDR chunk); fail if not a PNG"
    with open(path, 'rb') as file:
        head = file.read(24)
    if head[:8] != PNG or head[12:16] != b'IHDR':
        raise AssertionError(f'{path} is not a PNG file')
    return int.from_bytes(head[16:20], 'big'), int.from_bytes(
        head[20:24], 'big')


class ChartsTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db = CareDatabase()
        cls.addClassCleanup(cls.db.drop)
        cls.db.create()
        cls.db.demo(300, 'demo-password')
        cls.months = cls.db.python(MONTHS)
        cls.tmp = tempfile.mkdtemp(prefix='care-charts-')

    def charts(self, month):
        "Run care charts for the month; return the folder of the files"
        out = os.path.join(self.tmp, month)
        process = self.db.care('charts', '--month', month, '--out', out)
        self.assertEqual(process.returncode, 0, process.stderr)
        # One line a file; matplotlib warns of each character it cannot draw
        self.assertEqual(process.stdout.splitlines(),
            [os.path.join(out, f) for f in FILES])
        self.assertNotIn('missing from font', process.stderr)
        for name in FILES:
            with self.subTest(file=name):
                path = os.path.join(out, name)
                width, height = png_size(path)
                self.assertGreaterEqual(width, 800)
                self.assertGreaterEqual(height, 300)
                self.assertGreater(os.path.getsize(path), 10000)
        return out

    def test_settled_month(self):
        "The charts of the month settled draw what the database holds"
        month = self.months['settled']
        self.charts(month)
        data = self.db.python(PLOTTED, month=month)
        plotted, expected = data['plotted'], data['expected']
        towns = [[t or charts._('(no town)'), a, r]
            for t, a, r in expected['towns']]
        self.assertEqual(plotted['visits_per_town'], sorted(towns))
        self.assertGreater(sum(a for _t, a, _r in towns), 0)
        self.assertEqual(plotted['visit_reasons'], expected['reasons'])
        self.assertEqual(plotted['check_failures'], expected['checks'])
        # Amounts come as text in JSON: compared as decimals
        self.assertEqual(
            {number: [Decimal(d['amount']), Decimal(d['settled'][month])]
                for number, d in plotted['settled_vs_budget'].items()},
            {number: list(map(Decimal, amounts))
                for number, amounts in expected['settled'].items()})
        self.assertTrue(any(Decimal(d['settled'][month])
                for d in plotted['settled_vs_budget'].values()))
        self.assertEqual(
            {c: d['planned'] for c, d in plotted['under_served'].items()},
            expected['planned'])
        self.assertEqual(
            {c: d['under_served']
                for c, d in plotted['under_served'].items()
                if d['under_served']},
            expected['short'])

    def test_checked_month(self):
        "Failure rates are drawn from the month's inspections with a result"
        month = self.months['checked']
        self.charts(month)
        data = self.db.python(PLOTTED, month=month)
        checks = data['plotted']['check_failures']
        self.assertEqual(checks, data['expected']['checks'])
        self.assertGreater(sum(c['fail'] for c in checks.values()), 0)

    def test_complaints_and_satisfaction(self):
        "Complaints and satisfaction are drawn from the month's records"
        month = self.months['checked']
        data = self.db.python(PLOTTED, month=month)
        plotted = data['plotted']['complaints_satisfaction']
        self.assertEqual(plotted, data['expected']['complaints'])
        self.assertGreater(sum(c['received'] for c in plotted.values()), 0)
        self.assertGreater(
            sum(c['substantiated'] for c in plotted.values()), 0)
        self.assertGreater(sum(c['asked'] for c in plotted.values()), 0)

    def test_month_without_data(self):
        "A month without data still gets its charts, saying so"
        self.charts(EMPTY)
        data = self.db.python(PLOTTED, month=EMPTY)
        self.assertEqual(data['plotted'], {'settled_vs_budget': {},
                'visits_per_town': [], 'visit_reasons': {},
                'check_failures': {}, 'under_served': {},
                'complaints_satisfaction': {}})

    def test_bad_arguments(self):
        "A month not written YYYY-MM, or a file as folder: exit code 2"
        process = self.db.care('charts', '--month', '2026-13', '--out',
            self.tmp)
        self.assertEqual(process.returncode, 2)
        self.assertIn('YYYY-MM', process.stderr)
        path = os.path.join(self.tmp, 'a-file')
        open(path, 'w').close()
        process = self.db.care('charts', '--month', EMPTY, '--out', path)
        self.assertEqual(process.returncode, 2)
        self.assertIn(path, process.stderr)


class FontTestCase(unittest.TestCase):

    def test_cjk_font(self):
        "A font with the county's characters is found (scripts/install-fonts)"
        from matplotlib import font_manager
        from matplotlib.ft2font import FT2Font
        family = charts.cjk_font()
        self.assertTrue(family, 'no CJK font: run scripts/install-fonts')
        path = font_manager.findfont(font_manager.FontProperties(
                family=family), fallback_to_default=False)
        characters = FT2Font(path).get_charmap()
        for character in '莘县民政局镇街道结算':
            self.assertIn(ord(character), characters, (character, path))

    def test_no_font_message(self):
        "Without a CJK font care charts names scripts/install-fonts"
        code = ('import sys; from care_cli import charts, main; '
            'charts.cjk_font = lambda: None; '
            'sys.exit(main.main(sys.argv[1:]))')
        with tempfile.TemporaryDirectory() as out:
            process = subprocess.run([PYTHON, '-c', code, '-c', CONFIG,
                    'charts', '--month', EMPTY, '--out', out],
                capture_output=True, text=True, timeout=120,
                env=environment(), stdin=subprocess.DEVNULL)
        self.assertEqual(process.returncode, 1, process.stderr)
        self.assertIn('scripts/install-fonts', process.stderr)


if __name__ == '__main__':
    unittest.main()
