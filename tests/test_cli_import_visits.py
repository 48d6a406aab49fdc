"""`care import visits` as a contractor's export arrives: every kind of bad
row, one bad row among 50,000, re-import, XLSX, and an import killed
midway."""
import csv
import io
import os
import re
import signal
import subprocess
import tempfile
import unittest

from tests.support import CareDatabase, environment

SUMMARY = re.compile(
    r'^visits: (\d+) created \((\d+) accepted, (\d+) rejected\), '
    r'(\d+) unchanged, (\d+) rejected rows$', re.M)

WRITE_VISITS = '''
import datetime as dt, random
from care_cli import demo_visits
world = demo_visits.World(pool)
columns = {f: pool.get('care.visit.log').header(f)
    for f in demo_visits.FIELDS}
rng = random.Random(params['seed'])
year = pool.get('ir.date').today().year
rows = []
for month in params['months']:
    number = int(month)
    rows += demo_visits.rows(rng, world, year, number,
        dt.date(year + 1, 1, 1), tuple(params['per_person']))
for row in rows:
    row['external_id'] = params['prefix'] + row['external_id']
demo_visits.write(params['path'], rows, columns)
result = len(rows)
'''
VISIT_OUTCOMES = '''
Visit = pool.get('care.visit')
table = Visit.__table__()
from trytond.transaction import Transaction
cursor = Transaction().connection.cursor()
cursor.execute(*table.select(table.contract, table.external_id, table.state,
        table.reason, table.flagged, order_by=[table.id]))
result = [list(map(str, row)) for row in cursor]
'''
COUNT_VISITS = '''
result = pool.get('care.visit').search_count([])
'''


def summary(process):
    match = SUMMARY.search(process.stdout)
    assert match, process.stdout + process.stderr
    return tuple(map(int, match.groups()))


def read_csv(path):
    with open(path, encoding='utf-8-sig', newline='') as file:
        return list(csv.reader(file))


def write_csv(path, rows):
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        csv.writer(file).writerows(rows)


class ImportVisitsTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db = CareDatabase()
        cls.db.create()
        process = cls.db.care('demo', '--persons', '360', '--without-visits',
            env={'CARE_DEMO_PASSWORD': 'demo-password'})
        assert process.returncode == 0, process.stdout + process.stderr

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='care-visits-')

    def visits_file(self, months, per_person=(6, 10), seed=1,
            name='visits.csv'):
        path = os.path.join(self.tmp, name)
        # Each test's own external ids: the tests share the database
        count = self.db.python(WRITE_VISITS, path=path, months=months,
            per_person=list(per_person), seed=seed,
            prefix=self._testMethodName[5:9].upper() + '-')
        return path, count

    def outcomes(self):
        return self.db.python(VISIT_OUTCOMES)

    def test_every_kind_of_bad_row(self):
        "Each bad row is reported with its line and reason; the rest stored"
        path, count = self.visits_file(['3'], seed=3)
        header, *rows = read_csv(path)
        column = {name: header.index(name) for name in header}
        good = rows[:5]

        def bad(**changes):
            row = list(good[0])
            for name, value in changes.items():
                row[column[name]] = value
            row[column['外部编号']] = f'BAD-{len(bads)}'
            return row
        bads = []
        for changes in [
                {'服务人员': ''},
                {'开始时间': '2025-02-30 09:00'},
                {'结束时间': 'tomorrow'},
                {'合同编号': 'HT1999-999'},
                {'身份证号': '371522194001010000'},
                {'身份证号': '110101190001011235'},
                {'服务项目': 'HC-NONE'},
                {'服务人员证件号': '371522198001011234'},
                {'经度': '200.5'},
                {'纬度': ''},
                ]:
            bads.append(bad(**changes))
        # A row repeating a stored key is left as it is, not rejected
        duplicate = list(good[1])
        write_csv(path, [header] + good + bads + [duplicate])

        process = self.db.care('import', 'visits', path)
        self.assertEqual(process.returncode, 3, process.stderr)
        created, accepted, by_rules, unchanged, rejected = summary(process)
        self.assertEqual((created, unchanged, rejected), (5, 1, len(bads)))
        self.assertEqual(accepted + by_rules, 5)

        rejected_rows = read_csv(os.path.join(self.tmp,
                'visits.rejected.csv'))
        self.assertEqual(rejected_rows[0], header + ['行号', '原因'])
        self.assertEqual([r[-2] for r in rejected_rows[1:]],
            [str(line) for line in range(7, 7 + len(bads))])
        reasons = [r[-1] for r in rejected_rows[1:]]
        for reason, word in zip(reasons, ['服务人员', '开始时间', '结束时间',
                    '合同编号', '身份证号', '身份证号', '服务项目',
                    '服务人员证件号', '经度', '纬度']):
            self.assertIn(word, reason)
        # Chinese reasons, not English source strings
        self.assertTrue(all(re.search('[\u4e00-\u9fff]{4}', r)
                for r in reasons), reasons)

    def test_one_bad_row_among_50000(self):
        "One bad row leaves the others stored; re-importing changes nothing"
        path, count = self.visits_file([str(m) for m in range(1, 13)],
            per_person=(16, 19), seed=5, name='year.csv')
        self.assertGreaterEqual(count, 50000)
        header, *rows = read_csv(path)
        rows[count // 2][header.index('开始时间')] = '2025-13-01 08:00'
        write_csv(path, [header] + rows)
        before = self.db.python(COUNT_VISITS)

        first = self.db.care('import', 'visits', path, timeout=1200)
        self.assertEqual(first.returncode, 3, first.stderr)
        created, accepted, by_rules, unchanged, rejected = summary(first)
        self.assertEqual((created, unchanged, rejected), (count - 1, 0, 1))
        self.assertEqual(self.db.python(COUNT_VISITS), before + count - 1)
        outcomes = self.outcomes()

        second = self.db.care('import', 'visits', path, timeout=1200)
        self.assertEqual(summary(second), (0, 0, 0, count - 1, 1))
        self.assertEqual(self.outcomes(), outcomes)

    def test_xlsx_is_the_same_file(self):
        "The same rows as XLSX are recognised as already stored"
        import openpyxl
        path, count = self.visits_file(['5'], seed=11, name='may.csv')
        first = self.db.care('import', 'visits', path)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(summary(first)[0], count)
        book = openpyxl.Workbook()
        for row in read_csv(path):
            book.active.append(row)
        xlsx = os.path.join(self.tmp, 'may.xlsx')
        book.save(xlsx)
        again = self.db.care('import', 'visits', xlsx)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(summary(again), (0, 0, 0, count, 0))

    def test_bad_cells_reject_their_rows_only(self):
        """A cell over the csv module's limit, bytes that are no text, a NUL,
        start times at the ends of the calendar, an external id of 10,000
        characters: each its row rejected with a reason naming the column
        (and the limit), the good rows around them stored, exit code 3"""
        path, count = self.visits_file(['4'], seed=17, name='april.csv')
        header, *rows = read_csv(path)
        rows = rows[:8]
        at = {name: header.index(name) for name in header}
        garbage = 'GARBAGE-BYTES'
        cases = [  # line, column, value, words of the reason
            (3, '备注', 'x' * 140000, ['备注', '2000']),
            (4, '服务人员', garbage, ['服务人员', 'NUL']),
            (5, '服务人员', '\u5218\x00\u82b3', ['服务人员', 'NUL']),
            (6, '开始时间', '0001-01-01 00:00', ['开始时间', '1900', '2100']),
            (7, '开始时间', '9999-12-31 23:59', ['开始时间', '2100']),
            (8, '外部编号', 'Y' * 10000, ['外部编号', '100']),
            ]
        for line, column, value, _ in cases:
            rows[line - 2][at[column]] = value
        text = io.StringIO(newline='')
        csv.writer(text).writerows([header] + rows)
        with open(path, 'wb') as file:
            file.write(text.getvalue().encode('utf-8').replace(
                    garbage.encode(), b'\xff\xfe\x80\x81'))

        process = self.db.care('import', 'visits', path)
        self.assertEqual(process.returncode, 3, process.stderr)
        self.assertNotIn('Traceback', process.stderr)
        created, accepted, by_rules, unchanged, rejected = summary(process)
        self.assertEqual((created, unchanged, rejected),
            (len(rows) - len(cases), 0, len(cases)))
        # The rejected file holds the long cell as it came
        limit = csv.field_size_limit(1 << 20)
        self.addCleanup(csv.field_size_limit, limit)
        rejected_rows = read_csv(os.path.join(self.tmp,
                'april.rejected.csv'))
        self.assertEqual([r[-2] for r in rejected_rows[1:]],
            [str(line) for line, *_ in cases])
        for row, (line, column, value, words) in zip(
                rejected_rows[1:], cases):
            for word in words:
                self.assertIn(word, row[-1])
        self.assertEqual(rejected_rows[2][at['服务人员']], '\ufffd' * 4)

    def test_not_text_is_unusable(self):
        "A file that is no text in any accepted encoding: exit code 2"
        path = os.path.join(self.tmp, 'visits.csv')
        with open(path, 'wb') as file:
            file.write(b'PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00'
                * 50)
        before = self.db.python(COUNT_VISITS)
        process = self.db.care('import', 'visits', path)
        self.assertEqual(process.returncode, 2, process.stderr)
        self.assertIn('GB18030', process.stderr)
        self.assertNotIn('Traceback', process.stderr)
        self.assertEqual(self.db.python(COUNT_VISITS), before)

    def test_killed_midway_stores_nothing(self):
        "An import killed midway stores nothing; run again, each row once"
        path, count = self.visits_file(['7', '8'], per_person=(10, 12),
            seed=13, name='summer.csv')
        before = self.db.python(COUNT_VISITS)
        with subprocess.Popen(
                self.db.command('import', 'visits', path),
                env=environment(), stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True) as process:
            for line in process.stderr:
                if line.startswith('summer.csv: ') and not line.startswith(
                        'summer.csv: 0/'):
                    break
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
        self.assertEqual(process.returncode, -signal.SIGKILL)
        self.assertEqual(self.db.python(COUNT_VISITS), before)

        again = self.db.care('import', 'visits', path)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(summary(again)[0], count)
        self.assertEqual(self.db.python(COUNT_VISITS), before + count)


if __name__ == '__main__':
    unittest.main()
