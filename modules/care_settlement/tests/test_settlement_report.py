# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed monthly settlement (月度结算单): the lines per person and
service, the totals with the net in capitals, who confirmed and approved,
and the persons whose care plan was not delivered in full; identity numbers
masked outside the registry; printed by who may read the settlement."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from xml.etree import ElementTree

from trytond.model.exceptions import AccessError
from trytond.modules.care_settlement.capital import capital_amount
from trytond.modules.care_visit.tests.tools import (
    ReportTestMixin, create_visits, masked)
from trytond.modules.social_assistance.tests.tools import make_id_number
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_employee
from .tools import create_world_with_books as create_world

MONTH = '2025-03'
REPORT = 'care.settlement'
TABLE = '{urn:oasis:names:tc:opendocument:xmlns:table:1.0}'


def tables(xml):
    """{table name: [[cell text]]} of the document, the rows of the tables
    of the same name (one per settlement) one after the other"""
    result = {}
    for table in ElementTree.fromstring(xml).iter(TABLE + 'table'):
        rows = result.setdefault(table.get(TABLE + 'name'), [])
        for row in table.iter(TABLE + 'table-row'):
            cells = [''.join(c.itertext()).strip()
                for c in row.iter(TABLE + 'table-cell')]
            if any(cells):
                rows.append(cells)
    return result


class SettlementReportTestCase(ReportTestMixin, ActivatedTestCase):
    "The monthly settlement report"

    def build(self):
        """March on contract HT-A (meals at 15.50, cleaning at 42.35 an
        hour): 张桂兰 served as planned, 李长海 short of meals, 王秀英 planned
        but not visited; one failed inspection; 赵德明 planned on HT-B without
        visits and 孙福来 assigned to HT-A from April.  Settled, confirmed and
        approved by two employees.  Return a namespace of the records."""
        pool = Pool()
        Plan = pool.get('care.contract.assignment.plan')
        Assignment = pool.get('care.contract.assignment')
        Person = pool.get('social_assistance.person')
        Check = pool.get('care.check')
        Settlement = pool.get('care.settlement')
        Configuration = pool.get('care.configuration')
        User = pool.get('res.user')
        world = create_world(lines_a=[
                ('HC-MEAL', Decimal('15.50'), None),
                ('HC-CLEAN', Decimal('42.35'), None)])
        meal = world.services['HC-MEAL']
        clean = world.services['HC-CLEAN']
        zhang, li, wang, zhao = world.persons
        later, = Person.create([{
                    'name': '孙福来',
                    'id_number': make_id_number('19390708', '441'),
                    'division': world.village.id,
                    'support_mode': 'scattered',
                    'start_date': dt.date(2020, 1, 1),
                    }])
        Assignment.create([{
                    'contract': world.contracts[0].id,
                    'person': later.id,
                    'start_date': dt.date(2025, 4, 1),
                    }])
        assignments = {(a.contract.id, a.person.id): a
            for a in Assignment.search([])}
        Plan.create([{
                    'assignment': assignments[contract.id, person.id].id,
                    'service': service.id,
                    'quantity': quantity,
                    } for contract, person, service, quantity in [
                    (world.contracts[0], zhang, meal, Decimal(20)),
                    (world.contracts[0], zhang, clean, Decimal(15)),
                    (world.contracts[0], li, meal, Decimal(8)),
                    (world.contracts[0], wang, meal, Decimal(4)),
                    (world.contracts[0], wang, clean, Decimal('2.5')),
                    (world.contracts[0], later, meal, Decimal(8)),
                    (world.contracts[1], zhao, meal, Decimal(8)),
                    ]])
        # 张桂兰: 20 meals and 10 cleanings of 95 minutes (1.5 hours each)
        create_visits(world, *[
                (f'M{day:02d}', f'2025-03-{day:02d} 09:00',
                    f'2025-03-{day:02d} 09:40', {})
                for day in range(1, 21)])
        create_visits(world, *[
                (f'C{day:02d}', f'2025-03-{day:02d} 14:00',
                    f'2025-03-{day:02d} 15:35', {'service': 'HC-CLEAN'})
                for day in range(1, 11)])
        # 李长海: 5 meals of the 8 planned, by another caregiver
        create_visits(world, *[
                (f'L{day:02d}', f'2025-03-{day:02d} 11:00',
                    f'2025-03-{day:02d} 11:40',
                    {'person': 1, 'caregiver': '陈静'})
                for day in range(3, 8)])

        inspector = create_employee(world.company, '孙明远')
        check, = Check.create([{
                    'contract': world.contracts[0].id,
                    'person': li.id, 'month': MONTH,
                    'inspector': inspector.id, 'date': dt.date(2025, 4, 2),
                    'reasons': '服务记录与实际不符'}])
        Check.record_fail([check])

        Settlement.settle(MONTH, list(world.contracts))
        settlement, empty = Settlement.search([('month', '=', MONTH)],
            order=[('contract.number', 'ASC')])
        Configuration.write([Configuration(1)],
            {'second_approval_amount': Decimal(500)})
        Settlement.confirm([settlement])
        Settlement.approve([settlement])
        approver, = User.create([{'login': 'approver2', 'name': '王会计',
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id}])
        create_employee(world.company, approver.name, approver)
        with Transaction().set_user(approver.id):
            Settlement.approve([settlement])
        return SimpleNamespace(world=world, settlement=Settlement(
                settlement.id), empty=empty, meal=meal, clean=clean,
            numbers={p.name: p.id_number
                for p in [zhang, li, wang, zhao, later]})

    @with_transaction()
    def test_settlement(self):
        """The particulars, a row per person and service, the amounts in
        figures and capitals, the approvals and the signatures"""
        data = self.build()
        settlement = data.settlement
        self.assertEqual((settlement.gross, settlement.deductions,
                settlement.net), (Decimal('1022.75'), Decimal('200.00'),
                Decimal('822.75')))
        xml = self.execute(REPORT, [settlement.id])
        document = tables(xml)
        units = self.labels('care.service', 'unit')
        visit, hour = units['visit'], units['hour']
        meal, clean = data.meal.name, data.clean.name

        for text in ['莘县民政局', '月度结算单', '服务机构（盖章）',
                '县民政局（盖章）', '财政局', '照料计划执行情况']:
            with self.subTest(text=text):
                self.assertIn(text, xml)
        self.assertEqual(document['Settlement'], [
                ['结算月份', '2025年3月', '合同编号', 'HT-A'],
                ['服务机构', '甲居家养老服务中心'],
                ['结算期间', '2025-03-01 至 2025-03-31',
                    '合同期间', '2025-01-01 至 2025-12-31'],
                ['状态', self.labels(REPORT, 'state')['invoiced'],
                    '服务人数', '2 人，计次服务 35 次'],
                ])
        numbers = data.numbers
        self.assertEqual(document['Lines'], [
                ['序号', '姓名', '身份证号', '服务项目', '数量', '单价（元）',
                    '金额（元）', '计次', '天数'],
                ['1', '张桂兰', numbers['张桂兰'], clean, f'15 {hour}',
                    '42.35', '635.25', '10', ''],
                ['2', '张桂兰', numbers['张桂兰'], meal, f'20 {visit}',
                    '15.50', '310.00', '20', ''],
                ['3', '李长海', numbers['李长海'], meal, f'5 {visit}',
                    '15.50', '77.50', '5', ''],
                ['合计', '1,022.75', '35', ''],
                ])

        capitals = capital_amount(Decimal('822.75'))
        self.assertEqual(capitals, '捌佰贰拾贰元柒角伍分')
        self.assertEqual(document['Amounts'], [
                ['应付金额', '1,022.75 元'],
                ['扣减金额',
                    '200.00 元（抽查不合格及查实投诉 1 次，每次扣减 200.00 元）'],
                ['结算金额', '822.75 元'],
                ['大写', f'人民币 {capitals}'],
                ['服务机构确认', 'Administrator',
                    '民政局审批', 'Administrator'],
                ['复核', '王会计'],
                ])

        # 张桂兰 got what was planned; 王秀英 nothing; 孙福来 starts in April
        self.assertEqual(document['Plans'], [
                ['序号', '姓名', '身份证号', '服务项目', '服务期间', '计划量',
                    '实际量', '差额'],
                ['1', '李长海', numbers['李长海'], meal,
                    '2025-03-01至 2025-03-31', f'8 {visit}', f'5 {visit}',
                    f'3 {visit}'],
                ['2', '王秀英', numbers['王秀英'], clean,
                    '2025-03-01至 2025-03-31', f'2.5 {hour}', f'0 {hour}',
                    f'2.5 {hour}'],
                ['3', '王秀英', numbers['王秀英'], meal,
                    '2025-03-01至 2025-03-31', f'4 {visit}', f'0 {visit}',
                    f'4 {visit}'],
                ])
        for name in ['赵德明', '孙福来']:
            with self.subTest(name=name):
                self.assertNotIn(name, xml)

    @with_transaction()
    def test_empty_settlement(self):
        """Printed with another: a settlement without lines pays 零元整 and
        lists its planned person as under-served"""
        data = self.build()
        xml = self.execute(REPORT, [data.settlement.id, data.empty.id])
        document = tables(xml)
        self.assertEqual(xml.count('月度结算单'), 2)
        self.assertIn(['本月无结算明细'], document['Lines'])
        self.assertIn(['合计', '0.00', '0', ''], document['Lines'])
        self.assertIn(['结算金额', '0.00 元'], document['Amounts'])
        self.assertIn(['大写', '人民币 零元整'], document['Amounts'])
        self.assertIn(['扣减金额', '0.00 元（本月无抽查不合格）'],
            document['Amounts'])
        self.assertIn(['1', '赵德明', data.numbers['赵德明'],
                data.meal.name, '2025-03-01至 2025-03-31',
                f"8 {self.labels('care.service', 'unit')['visit']}",
                f"0 {self.labels('care.service', 'unit')['visit']}",
                f"8 {self.labels('care.service', 'unit')['visit']}"],
            document['Plans'])

    @with_transaction()
    def test_all_planned_delivered(self):
        "Without shortfall the plan section says so"
        pool = Pool()
        Plan = pool.get('care.contract.assignment.plan')
        data = self.build()
        Plan.delete(Plan.search([
                    ('assignment.contract', '=', data.world.contracts[0].id),
                    ('assignment.person.name', 'in', ['李长海', '王秀英']),
                    ]))
        document = tables(self.execute(REPORT, [data.settlement.id]))
        self.assertEqual(document['Plans'][1:],
            [['本月服务对象的照料计划均已足额完成']])

    @with_transaction()
    def test_file_name(self):
        "The file is named by month and contract"
        data = self.build()
        Report = Pool().get(REPORT, type='report')
        *_, file_name = Report.execute([data.settlement.id], {})
        self.assertTrue(file_name.endswith('2025-03 HT-A'), file_name)

    @with_transaction()
    def test_contractor(self):
        """The contractor prints its own settlement with the identity
        numbers masked, not another's"""
        data = self.build()
        user = self.create_user('contractor',
            [('care_procurement', 'group_contractor')],
            contractor=data.world.contractors[0])
        xml = self.execute_as(user, REPORT, [data.settlement.id])
        document = tables(xml)
        self.assertIn('甲居家养老服务中心', xml)
        self.assertIn(capital_amount(Decimal('822.75')), xml)
        for name in ['张桂兰', '李长海', '王秀英']:
            with self.subTest(name=name):
                self.assertNotIn(data.numbers[name], xml)
                self.assertIn(masked(data.numbers[name]), xml)
        self.assertEqual([r[1:3] for r in document['Plans'][1:]], [
                ['李长海', masked(data.numbers['李长海'])],
                ['王秀英', masked(data.numbers['王秀英'])],
                ['王秀英', masked(data.numbers['王秀英'])],
                ])
        with self.assertRaises(AccessError):
            self.execute_as(user, REPORT, [data.empty.id])

    @with_transaction()
    def test_readers(self):
        """Finance and supervision print (numbers masked), a user who may
        not read settlements may not"""
        data = self.build()
        for group in [('care_settlement', 'group_finance'),
                ('care_visit', 'group_supervision')]:
            user = self.create_user(group[1], [group])
            with self.subTest(group=group):
                xml = self.execute_as(user, REPORT, [data.settlement.id])
                self.assertIn('822.75', xml)
                self.assertIn(masked(data.numbers['张桂兰']), xml)
                self.assertNotIn(data.numbers['张桂兰'], xml)
        user = self.create_user('registry',
            [('social_assistance', 'group_registry')])
        with self.assertRaises(AccessError):
            self.execute_as(user, REPORT, [data.settlement.id])
