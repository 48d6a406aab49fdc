"""`care import visits` as a contractor's export arrives: every kind of bad
row, one bad row among 50,000, re-import, XLSX, and an import killed
midway."""
import csv
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
