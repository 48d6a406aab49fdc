"""The web client as a registry officer uses it (headless Chromium, sao).

A throw-away database gets a three-person roster through `care import
persons` and a user `officer` of the registry group; `care serve` runs
trytond with sao on a free loopback port; Playwright drives Debian's
Chromium to log in, open 社会救助 > 特困人员 from the menu, search a person by
identity number and open the form, which must show the Chinese labels and
the person's name.  Screenshots and the server's log are left under
var/test-artifacts/ (browser-*-BACKEND.png, browser-server-BACKEND.log).

Skipped only when /usr/bin/chromium or the playwright package is missing
(scripts/install-test-tools and setup.cfg's `test` extra install them).
"""
import os
import tempfile
import unittest

from tests import support
from tests.browser import SAO_WORDS, SaoBrowserMixin
from trytond.modules.social_assistance.tests.tools import make_id_number

OFFICER = 'officer'
REGISTRY_GROUP = 'social_assistance.group_registry'
# The glossary's words the officer must see: the menu and the form's labels
MENU = ['社会救助', '特困人员']
LABELS = ['身份证号', '姓名']


PERSONS = [
    # 身份证号, 姓名, 镇街, 村居, 供养方式, 生活自理能力, 认定日期
    (make_id_number('19400312', '102'), '张桂兰', '燕店镇', '燕店村',
        '分散供养', '部分丧失', '2020-03-01'),
    (make_id_number('19380521', '215'), '李德福', '燕店镇', '前屯村',
        '集中供养', '完全丧失', '2019-07-15'),
    (make_id_number('19471103', '321'), '王秀英', '古云镇', '古云村',
        '分散供养', '具备', '2021-11-20'),
    ]
HEADERS = ['身份证号', '姓名', '镇街', '村居', '供养方式', '生活自理能力', '认定日期']


class BrowserTestCase(SaoBrowserMixin, unittest.TestCase):
    "A registry officer finds a person in sao"

    artifacts = 'browser'

    @classmethod
    def setUpClass(cls):
        cls.create_database()

        cls.folder = tempfile.TemporaryDirectory(prefix='caretest-roster-')
        cls.addClassCleanup(cls.folder.cleanup)
        roster = os.path.join(cls.folder.name, 'roster.csv')
        with open(roster, 'w', encoding='utf-8', newline='') as file:
            file.write(','.join(HEADERS) + '\r\n')
            for person in PERSONS:
                file.write(','.join(person) + '\r\n')
        with cls.timed('import'):
            process = cls.database.care('import', 'persons', roster,
                '--create-divisions')
            if process.returncode != 0 or '3 created' not in process.stdout:
                raise support.CareError('care import persons: '
                    + support.describe(process))

        cls.password = 'Officer-' + os.urandom(6).hex()
        cls.database.create_user(OFFICER, cls.password, [REGISTRY_GROUP],
            name='登记员')
        # The menu's words as the officer reads them (the translations)
        cls.menu_path = cls.database.python(MENU_PATH, as_user=OFFICER,
            xml_id='social_assistance.menu_person_form')
        cls.start_server()

    def setUp(self):
        self.open_browser()

    def test_officer_finds_person(self):
        "The officer logs in, searches a person by number and sees the form"
        self.run_steps('officer', self._officer_finds_person)

    def _officer_finds_person(self):
        number, name = PERSONS[1][:2]
        page = self.page
        # The login dialog: database, user name, then the password
        self.login(OFFICER, self.password, screenshot='login')

        # The menu: 社会救助 > 特困人员 (as the translations name it)
        tab = self.open_menu(self.menu_path)
        search = tab.locator('.filter-box input.form-control').first
        search.wait_for(state='visible')
        rows = tab.locator('table.tree > tbody > tr')
        rows.get_by_text(PERSONS[0][1], exact=True).first.wait_for()
        self.screenshot('person-list')

        # The search by identity number leaves that one person
        search.fill(number)
        search.press('Enter')
        self._wait_until(lambda: rows.filter(has_text=name).count() == 1
            and rows.filter(has_text=PERSONS[0][1]).count() == 0,
            f'the list shows only {name} after searching {number}')
        self.open_row(rows.filter(has_text=name).first, name)

        # The form: Chinese labels, the person's name and number
        form = tab.locator('.form')
        form.locator('label').first.wait_for(state='visible')
        self._wait_until(lambda: name in self.values(form),
            f'the form shows {name}')
        self.screenshot('person-form')
        labels = [t.strip().rstrip(':：').strip()
            for t in form.locator('label').all_inner_texts()]
        for label in LABELS:
            self.assertIn(label, labels,
                f'label {label} not on the form; its labels: {labels}')
        values = self.values(form)
        self.assertIn(name, values)
        self.assertIn(number, values, 'the registry sees the full number')
        tabs = page.locator('#tablist > li').all_inner_texts()
        self.assertEqual(len(tabs), 1, f'one tab expected: {tabs}')
        self.assertIn(self.menu_path[-1], tabs[0])
        self.assertEqual(self.menu_path, MENU, 'the glossary\'s menu words')
        print(f'\n[{self.backend}] init {self.timings["init"]:.1f} s, '
            f'import {self.timings["import"]:.1f} s, '
            f'serve {self.timings["serve"]:.1f} s; '
            f'menu {" > ".join(self.menu_path)}')
        errors = [m.splitlines()[0] for m in self.console
            if m.startswith('error')]
        if errors:
            print('browser console errors:\n  ' + '\n  '.join(errors))


# Run by CareDatabase.python as the officer: the menu entry's path of names
MENU_PATH = SAO_WORDS + "result = menu_path(params['xml_id'])\n"

if __name__ == '__main__':
    unittest.main()
