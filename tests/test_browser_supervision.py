"""The supervisor's month in the web client (headless Chromium, sao).

A throw-away database is initialised by `care init` and gets the demo county
of `care demo --persons 500`: three months of visits (some flagged by online
supervision), a county spot-check plan a month and a special check (专项抽查)
in one town for the last month, whose inspections are still pending, the earlier months' inspections done (a few failed) and the
rectifications they opened (closed, answered, overdue), and the user
`supervisor` (group 监督检查, linked to the inspector 孙建国).  `care serve`
runs trytond with sao on a free loopback port, and Playwright drives Debian's
Chromium through 服务购买 > 监督检查 as the supervisor:

1. the menu 监督检查 and its entries, in Chinese;
2. 线上监管队列: the tabs by flag (打卡位置距住址超过500米, ...) with their
   counts; the tab 行程速度异常 lists the visits with that flag;
3. 未获服务对象: the list and its Chinese column headers;
4. 抽查计划: the plans with their month, 抽查类型 (全县抽查 / 专项抽查), 名称,
   抽查比例, 随机种子 and state 已抽取;
5. 探访抽查: the tab 待检查; a pending inspection is filled in (检查人员,
   检查日期, 抽查方式, the answers) and passed with 合格; the form shows
   合格 and the database holds what was entered;
6. 整改: the rectifications with their states (已销号, 已反馈, 逾期未整改).

Each step is a test of its own (a fresh login), so that one broken page does
not hide the others.  What the pages must show is read from the database by
snippets; the glossary below holds the Chinese words the supervisor must
read.  Screenshots and the server's log are left under var/test-artifacts/
(browser-supervision-*-BACKEND.png, browser-supervision-server-BACKEND.log).

Skipped only when /usr/bin/chromium or the playwright package is missing.
"""
import datetime as dt
import re
import unittest
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.browser import NEXT_FRAME, SAO_WORDS, SELECTED, SaoBrowserMixin

# Enough persons for a month with three failed inspections: its third
# rectification is left unanswered and runs overdue
PERSONS = 500
SUPERVISOR = 'supervisor'
# The glossary's words (zh_CN): what the supervisor reads and clicks
GLOSSARY = {
    'menu': ['服务购买', '监督检查'],
    'entries': ['线上监管队列', '未获服务对象', '抽查计划', '探访抽查', '整改',
        '投诉'],
    'flags': {
        'far': '打卡位置距住址超过500米',
        'travel': '行程速度异常',
        'late': '补录超过3天',
        'hours': '非服务时段（6:00–22:00以外）',
        'reported_dead': '已报告死亡',
        },
    'all': '全部',
    'queue_headers': ['外部编号', '服务合同', '特困人员', '服务项目', '服务人员',
        '开始时间', '服务时长（分钟）', '状态', '不通过原因', '预警'],
    'not_served_headers': ['服务合同', '服务机构', '特困人员', '镇街',
        '最近一次有效服务日期', '未获服务天数'],
    'plan_headers': ['月份', '抽查类型', '名称', '抽查比例', '最少抽查人数',
        '随机种子', '状态'],
    'plan_states': {'draft': '草稿', 'drawn': '已抽取'},
    'plan_kinds': {'county': '全县抽查', 'special': '专项抽查'},
    'check_tabs': ['待检查', '不合格', '全部'],
    'check_labels': ['月份', '服务合同', '特困人员', '检查人员', '检查日期',
        '抽查方式', '服务是否提供', '是否准时', '满意度', '检查结果'],
    'check_pages': ['检查情况', '核实的服务记录', '整改'],
    'methods': {'onsite': '实地', 'phone': '电话', 'video': '视频'},
    'yes': '是',
    'results': {'pending': '待检查', 'pass': '合格', 'fail': '不合格'},
    'rectification_tabs': ['待整改', '逾期未整改', '已反馈', '全部'],
    'rectification_headers': ['服务合同', '服务机构', '特困人员', '整改期限',
        '反馈日期', '状态'],
    'rectification_states': {'open': '待整改', 'responded': '已反馈',
        'closed': '已销号', 'overdue': '逾期未整改'},
    }
# The flag whose tab of the queue the supervisor switches to (the first tab
# is shown when the queue opens)
QUEUE_FLAG = 'travel'
# What the supervisor enters on the inspection: a method that is not the
# first of the list, so that a selection reset to its first entry shows
INSPECTION = {
    'method': 'video',
    'delivered': 'yes',
    'on_time': 'yes',
    'satisfaction': '5',
    'living_conditions': '居室整洁，床铺被褥干净，冬季取暖到位。',
    'person_condition': '精神状态良好，能自行进食。',
    }

# Run by CareDatabase.python as the supervisor: what the pages must show
FACTS = SAO_WORDS + r'''
from trytond.transaction import Transaction

ActWindowDomain = pool.get('ir.action.act_window.domain')
User = pool.get('res.user')
Lang = pool.get('ir.lang')
Visit = pool.get('care.visit')
NotServed = pool.get('care.visit.not_served')
Plan = pool.get('care.check.plan')
Check = pool.get('care.check')
Rectification = pool.get('care.rectification')


def selection(Model, name):
    return dict(Model.fields_get([name])[name]['selection'])


supervision = db_id('care_visit.menu_supervision')
user = User(Transaction().user)
plan_states = selection(Plan, 'state')
plan_kinds = selection(Plan, 'kind')
rectification_states = selection(Rectification, 'state')
flags = {}
for flag in ['far', 'travel', 'late', 'hours']:
    domain = ActWindowDomain(db_id(
            f'care_visit.act_supervision_queue_domain_{flag}'))
    flags[flag] = {
        'tab': domain.name,
        'count': Visit.search_count([
                ('flagged', '=', True), ('flag_' + flag, '=', True)]),
        }
result = {
    'menu': menu_path('care_visit.menu_supervision'),
    'entries': [m.name for m in Menu.search([('parent', '=', supervision)])],
    'queue_tabs': tabs('care_visit.act_supervision_queue'),
    'flags': flags,
    'flagged': Visit.search_count([('flagged', '=', True)]),
    'not_served': NotServed.search_count([]),
    'plans': [{
            'month': p.month,
            'kind': p.kind,
            'kind_string': plan_kinds[p.kind],
            'name': p.name or '',
            'rate': str(p.rate),
            'minimum': p.minimum,
            'seed': p.seed,
            'state': p.state,
            'state_string': plan_states[p.state],
            } for p in Plan.search([])],
    'check_tabs': tabs('care_visit.act_check_form'),
    'pending': Check.search_count([('result', '=', 'pending')]),
    'employee': ({'id': user.employee.id, 'name': user.employee.rec_name}
        if user.employee else None),
    'date_format': Lang.get().date,
    'rectification_tabs': tabs('care_visit.act_rectification_form'),
    'rectifications': [{
            'state': r.state,
            'state_string': rectification_states[r.state],
            'contract': r.contract.number,
            } for r in Rectification.search([])],
    'rectification_states': rectification_states,
    }
'''

# Run as admin after the inspection passed: what the database holds
INSPECTION_SAVED = r'''
Check = pool.get('care.check')
check = Check(params['id'])
result = {
    'result': check.result,
    'date': check.date.isoformat() if check.date else None,
    'inspector': check.inspector.id if check.inspector else None,
    'method': check.method,
    'delivered': check.delivered,
    'on_time': check.on_time,
    'satisfaction': check.satisfaction,
    'living_conditions': check.living_conditions,
    'person_condition': check.person_condition,
    'pending': Check.search_count([('result', '=', 'pending')]),
    }
'''


class SupervisionBrowserTestCase(SaoBrowserMixin, unittest.TestCase):
    "The supervisor's month in sao, on the demo county"

    artifacts = 'browser-supervision'

    @classmethod
    def setUpClass(cls):
        cls.create_database()
        cls.build_demo(PERSONS, SUPERVISOR)
        with cls.timed('facts'):
            cls.facts = cls.database.python(FACTS, as_user=SUPERVISOR)
        cls.start_server()
        cls.print_timings()

    def setUp(self):
        self.open_browser()

    # 1. The menu

    def test_1_menu(self):
        "The supervisor sees 服务购买 > 监督检查 and its entries in Chinese"
        self.run_steps('menu', self._menu)

    def _menu(self):
        facts = self.facts
        self.assertEqual(facts['menu'], GLOSSARY['menu'])
        self.assertEqual(facts['entries'], GLOSSARY['entries'])
        self.login(SUPERVISOR, self.demo_password)
        menu = self.page.locator('#menu')
        self.open_menu_folder(GLOSSARY['menu'])
        for name in GLOSSARY['entries']:
            self._expect(menu.locator('td').get_by_text(name, exact=True),
                f'the menu entry {name}')
        texts = [t.strip() for t in menu.locator('td').all_inner_texts()
            if t.strip()]
        # The entries under 监督检查, in their order
        start = texts.index(GLOSSARY['menu'][-1]) + 1
        self.assertEqual(texts[start:start + len(GLOSSARY['entries'])],
            GLOSSARY['entries'])
        for text in texts:
            self.assertNotRegex(text, '[A-Za-z]{3}',
                'the menu is translated')
        self.screenshot('menu')

    # 2. The supervision queue

    def test_2_supervision_queue(self):
        "线上监管队列: tabs by flag in Chinese; a tab lists its flagged visits"
        self.run_steps('queue', self._queue)

    def _queue(self):
        facts = self.facts
        flags = facts['flags']
        self.assertEqual(facts['queue_tabs'],
            [GLOSSARY['flags'][f]
                for f in ['far', 'travel', 'late', 'hours', 'reported_dead']]
            + [GLOSSARY['all']])
        self.assertGreater(flags[QUEUE_FLAG]['count'], 0,
            f'the demo has visits flagged {QUEUE_FLAG}')
        self.login(SUPERVISOR, self.demo_password)
        tab = self.open_menu(GLOSSARY['menu'] + ['线上监管队列'])

        # The tabs by flag with their counts
        expected = [[flags[f]['tab'], str(flags[f]['count'])]
            for f in ['far', 'travel', 'late', 'hours']]
        self._wait_until(lambda: self.domain_tabs(tab)[:4] == expected,
            f'the queue\'s tabs with their counts {expected}')
        self.assertEqual([n for n, _ in self.domain_tabs(tab)],
            facts['queue_tabs'])
        table = self.list_table(tab)
        headers = self.headers(table)
        for header in GLOSSARY['queue_headers']:
            self.assertIn(header, headers, 'a column of the queue')
        # The first tab (打卡位置距住址超过500米) lists rows
        first = GLOSSARY['flags']['far']
        self.wait_pager(tab, flags['far']['count'])
        self._wait_until(lambda: self.cell_texts(table, '预警'),
            f'the rows of the tab {first}')

        # The tab 行程速度异常 lists the visits with that flag
        label = GLOSSARY['flags'][QUEUE_FLAG]
        self.domain_tab(tab, label)
        self.wait_pager(tab, flags[QUEUE_FLAG]['count'])
        self._wait_until(lambda: (self.cell_texts(table, '预警') or [])
            and all(label in t for t in self.cell_texts(table, '预警')),
            f'only visits flagged {label} in its tab')
        cells = self.cell_texts(table, '预警')
        self.assertLessEqual(len(cells), flags[QUEUE_FLAG]['count'])
        for text in self.cell_texts(table, '状态'):
            self.assertIn(text, ['有效', '无效'], 'the visits\' states')
        self.screenshot('queue')

    # 3. Persons not served

    def test_3_not_served(self):
        "未获服务对象: the list with its Chinese headers"
        self.run_steps('not-served', self._not_served)

    def _not_served(self):
        self.login(SUPERVISOR, self.demo_password)
        tab = self.open_menu(GLOSSARY['menu'] + ['未获服务对象'])
        table = self.list_table(tab)
        self._wait_until(lambda: self.headers(table)
            == GLOSSARY['not_served_headers'],
            f'the headers {GLOSSARY["not_served_headers"]}')
        count = self.facts['not_served']
        self.wait_pager(tab, count)
        if count:
            days = self.wait_cells(table, '未获服务天数', 'the persons')
            for text in days:
                if text:
                    self.assertGreaterEqual(int(text), 14,
                        'not served for 14 days at least')
        self.screenshot('not-served')

    # 4. Spot-check plans

    def test_4_check_plans(self):
        """抽查计划: the plans with month, kind, name, rate, seed and state
        已抽取"""
        self.run_steps('plans', self._plans)

    def _plans(self):
        plans = self.facts['plans']
        self.assertGreaterEqual(len(plans), 1)
        self.login(SUPERVISOR, self.demo_password)
        tab = self.open_menu(GLOSSARY['menu'] + ['抽查计划'])
        table = self.list_table(tab)
        self._wait_until(lambda: sorted(self.cell_texts(table, '月份') or [])
            == sorted(p['month'] for p in plans),
            f'the plans of {[p["month"] for p in plans]}')
        self.assertEqual(self.headers(table), GLOSSARY['plan_headers'])
        rows = table.locator('tbody > tr')
        # A county plan a month and the last month's special check
        self.assertEqual(sorted(p['kind'] for p in plans),
            ['county'] * (len(plans) - 1) + ['special'])
        cell = self.page.locator('td')
        for plan in plans:
            row = rows.filter(has=cell.get_by_text(
                    plan['month'], exact=True)).filter(has=cell.get_by_text(
                    plan['kind_string'], exact=True))
            self.assertEqual(row.count(), 1, plan['month'])
            cells = self.row_cells(table, row)
            self.assertEqual(cells['抽查类型'],
                GLOSSARY['plan_kinds'][plan['kind']])
            self.assertEqual(cells['名称'], plan['name'])
            self.assertEqual(Decimal(cells['抽查比例']), Decimal(plan['rate']),
                f'the rate of {plan["month"]}')
            self.assertEqual(cells['最少抽查人数'], str(plan['minimum']))
            # The seed's digits (sao groups them by thousands)
            self.assertEqual(re.sub(r'[^0-9]', '', cells['随机种子']),
                str(plan['seed']), f'the seed of {plan["month"]}')
            self.assertEqual(cells['状态'],
                GLOSSARY['plan_states'][plan['state']])
            self.assertEqual(cells['状态'], plan['state_string'])
        self.assertTrue(all(p['state'] == 'drawn' for p in plans),
            'the demo draws every plan')
        self.screenshot('plans')

    # 5. An inspection passes

    def test_5_inspection_passes(self):
        "探访抽查: a pending inspection filled in and passed (合格)"
        self.run_steps('inspection', self._inspection)

    def _inspection(self):
        facts = self.facts
        employee = facts['employee']
        self.assertIsNotNone(employee, 'the supervisor is an inspector')
        self.assertGreater(facts['pending'], 0, 'inspections pending')
        self.assertEqual(facts['check_tabs'], GLOSSARY['check_tabs'])
        page = self.page
        self.login(SUPERVISOR, self.demo_password)
        tab = self.open_menu(GLOSSARY['menu'] + ['探访抽查'])

        # The tab 待检查, shown first, with its count
        pending = self.domain_tab(tab, GLOSSARY['check_tabs'][0], click=False)
        self._wait_until(lambda: 'active' in (
                pending.get_attribute('class') or ''),
            'the tab 待检查 shown first')
        self._wait_until(lambda: self.domain_tabs(tab)[0]
            == [GLOSSARY['check_tabs'][0], str(facts['pending'])],
            f'{facts["pending"]} on the tab 待检查')
        table = self.list_table(tab)
        results = self.wait_cells(table, '检查结果', 'the pending inspections')
        self.assertEqual(set(results), {GLOSSARY['results']['pending']})

        # One of them (whichever sao lists first) opens in the form
        row = table.locator('tbody > tr').filter(
            has_text=GLOSSARY['results']['pending']).first
        cells = self.row_cells(table, row)
        person = cells['特困人员']
        self.open_row(row, cells['月份'])
        form = tab.locator('.form')
        self._wait_until(lambda: form.locator('select[name=result]').count()
            and form.locator('select[name=result]').evaluate(SELECTED)
            == GLOSSARY['results']['pending'], 'the form of a pending '
            'inspection')
        check_id = self.current_record()
        self.assertIsInstance(check_id, int)
        labels = [t.strip().rstrip(':：').strip()
            for t in form.locator('label').all_inner_texts()]
        for label in GLOSSARY['check_labels']:
            self.assertIn(label, labels, 'a label of the inspection')
        pages = [t.strip() for t in
            form.locator('.nav-tabs a').all_inner_texts()]
        self.assertEqual(pages, GLOSSARY['check_pages'])
        self.assertIn(person, self.values(form))

        # Who, when and how: the inspector is the supervisor's employee
        inspector = form.locator('input[name=inspector]')
        if inspector.input_value() != employee['name']:
            self.choose(form, 'inspector', employee['name'])
        today = dt.datetime.now(ZoneInfo('Asia/Shanghai')).date()
        date = form.locator('input[name=date]')
        date.fill(today.strftime(facts['date_format']))
        date.press('Tab')
        for name in ['living_conditions', 'person_condition']:
            text = form.locator(f'textarea[name={name}]')
            text.fill(INSPECTION[name])
            text.press('Tab')
        selections = {
            'method': GLOSSARY['methods'][INSPECTION['method']],
            'delivered': GLOSSARY['yes'],
            'on_time': GLOSSARY['yes'],
            'satisfaction': INSPECTION['satisfaction'],
            }
        for name, text in selections.items():
            form.locator(f'select[name={name}]').select_option(label=text)
        # As a person would: what was entered shows, then 合格 is clicked
        self._wait_until(lambda: self.selected(form, selections) == selections
            and inspector.input_value() == employee['name']
            and date.input_value() == today.strftime(facts['date_format']),
            'the inspection filled in')
        # sao has drawn what was entered before the screenshot
        page.evaluate(NEXT_FRAME)
        self.screenshot('inspection-filled')
        buttons = form.locator('button')
        fail = buttons.get_by_text(GLOSSARY['results']['fail'], exact=True)
        self.assertTrue(fail.is_visible(), 'the button 不合格')
        buttons.get_by_text(GLOSSARY['results']['pass'], exact=True).click()

        # The form shows 合格; the buttons are gone
        self._wait_until(lambda: form.locator('select[name=result]').evaluate(
                SELECTED) == GLOSSARY['results']['pass'],
            'the result 合格 on the form')
        self._wait_until(lambda: not buttons.get_by_text(
                GLOSSARY['results']['pass'], exact=True).is_visible(),
            'the button 合格 hidden once passed')
        self.assertFalse(fail.is_visible(), 'the button 不合格 hidden')
        self.assertEqual(self.current_record(), check_id)
        self.assertEqual(self.selected(form, selections), selections,
            'the answers shown after 合格')
        self.screenshot('inspection-passed')

        # The database holds what was entered
        saved = self.database.python(INSPECTION_SAVED, id=check_id)
        self.assertEqual(saved, {
                'result': 'pass',
                'date': today.isoformat(),
                'inspector': employee['id'],
                'method': INSPECTION['method'],
                'delivered': INSPECTION['delivered'],
                'on_time': INSPECTION['on_time'],
                'satisfaction': INSPECTION['satisfaction'],
                'living_conditions': INSPECTION['living_conditions'],
                'person_condition': INSPECTION['person_condition'],
                'pending': facts['pending'] - 1,
                })

    # 6. Rectifications

    def test_6_rectifications(self):
        "整改: the rectifications with their states in Chinese"
        self.run_steps('rectifications', self._rectifications)

    def _rectifications(self):
        facts = self.facts
        rectifications = facts['rectifications']
        states = GLOSSARY['rectification_states']
        self.assertEqual(facts['rectification_tabs'],
            GLOSSARY['rectification_tabs'])
        self.assertEqual(facts['rectification_states'], states)
        self.assertTrue(rectifications, 'the demo has rectifications')
        self.login(SUPERVISOR, self.demo_password)
        tab = self.open_menu(GLOSSARY['menu'] + ['整改'])

        # The tabs with their counts
        counts = {s: sum(r['state'] == s for r in rectifications)
            for s in states}
        expected = [[states[s], str(counts[s])]
            for s in ['open', 'overdue', 'responded']]
        self._wait_until(lambda: self.domain_tabs(tab)[:3] == expected,
            f'the tabs with their counts {expected}')
        self.assertEqual([n for n, _ in self.domain_tabs(tab)],
            GLOSSARY['rectification_tabs'])

        # 全部: every rectification with its state
        self.domain_tab(tab, GLOSSARY['all'])
        table = self.list_table(tab)
        self.wait_pager(tab, len(rectifications))
        self._wait_until(lambda: sorted(self.all_cells(table, '状态'))
            == sorted(r['state_string'] for r in rectifications),
            'the states of the rectifications')
        self.assertEqual(self.headers(table),
            GLOSSARY['rectification_headers'])
        shown = set(self.all_cells(table, '状态'))
        for state in ['closed', 'responded', 'overdue']:
            if counts[state]:
                self.assertIn(states[state], shown)
        self.assertEqual(sorted(self.all_cells(table, '服务合同')),
            sorted(r['contract'] for r in rectifications))
        self.screenshot('rectifications')
        missing = [states[s] for s in ['closed', 'responded', 'overdue']
            if not counts[s]]
        if missing:
            print(f'\nnote: no rectification {", ".join(missing)} in the '
                'demo of today')


if __name__ == '__main__':
    unittest.main()
