# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed spot-check record (探访抽查记录表) and rectification notice
(整改通知书): what the inspector found, in Asia/Shanghai time, and what the
contractor must do by when, identity numbers masked outside the registry."""
import datetime as dt
from types import SimpleNamespace

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import (
    ActivatedTestCase, ReportTestMixin, create_visits, create_world, masked)

CHECK = 'care.check'
NOTICE = 'care.rectification.notice'


class CheckReportTestCase(ReportTestMixin, ActivatedTestCase):
    "The spot-check record and the rectification notice"

    def build(self):
        """An on-site inspection of 张桂兰's March visits on contract HT-A
        that finds one of the two visits not delivered, and a pending one of
        李长海; return a namespace of the records"""
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Check = pool.get('care.check')
        world = create_world()
        kept, missed = create_visits(world,
            ('V-0303', '2025-03-03 09:00', '2025-03-03 09:45', {}),
            ('V-0310', '2025-03-10 07:30', '2025-03-10 08:10', {}))
        party, = Party.create([{'name': '孙明远'}])
        inspector, = Employee.create([{
                    'company': world.company.id, 'party': party.id}])
        check, pending = Check.create([{
                    'contract': world.contracts[0].id,
                    'person': world.persons[0].id,
                    'month': '2025-03',
                    'inspector': inspector.id,
                    'date': dt.date(2025, 4, 8),
                    'method': 'onsite',
                    'delivered': 'no',
                    'on_time': 'yes',
                    'satisfaction': '2',
                    'living_conditions': '独居，屋内整洁\n冰箱有存粮',
                    'person_condition': '精神尚可，行动需扶助',
                    'latitude': 36.2401,
                    'longitude': 115.6702,
                    'reasons': '3月10日助餐服务未实际提供\n签到位置与住址不符',
                    'visits': [('create', [{
                                    'visit': kept.id,
                                    'delivered': True,
                                    'note': '老人确认已送餐',
                                    }, {
                                    'visit': missed.id,
                                    'delivered': False,
                                    'note': '老人称当天无人上门',
                                    }])],
                    }, {
                    'contract': world.contracts[0].id,
                    'person': world.persons[1].id,
                    'month': '2025-03',
                    }])
        Check.record_fail([check])
        rectification, = check.rectifications
        return SimpleNamespace(world=world, check=check, pending=pending,
            rectification=rectification,
            contractor=world.contractors[0].name,
            number=world.persons[0].id_number)

    @with_transaction()
    def test_check_record(self):
        "The record of an inspection: who, when, how, the visits, the answers"
        data = self.build()
        answers = self.labels(CHECK, 'delivered')
        xml = self.execute(CHECK, [data.check.id])

        for text in ['莘县民政局', '探访抽查记录表', '2025年3月', 'HT-A',
                data.contractor, '张桂兰', '燕店镇', '孙明远', '2025-04-08',
                self.labels(CHECK, 'method')['onsite'],
                self.labels(CHECK, 'result')['fail'],
                # 张桂兰 was not drawn by a flag
                '否（随机抽取）',
                answers['no'], answers['yes'],
                '独居，屋内整洁', '冰箱有存粮', '精神尚可，行动需扶助',
                '纬度 36.240100，经度 115.670200',
                '3月10日助餐服务未实际提供', '签到位置与住址不符',
                '检查人（签字）', '服务对象或监护人（签字）',
                '服务机构（签字或盖章）']:
            with self.subTest(text=text):
                self.assertIn(text, xml)
        # The bureau's registry user sees the number in full
        self.assertIn(data.number, xml)
        # The visits in Asia/Shanghai time, not the UTC stored
        meal = data.world.services['HC-MEAL'].name
        for text in ['V-0303', 'V-0310', meal, '2025-03-03 09:00',
                '2025-03-03 09:45', '2025-03-10 07:30', '2025-03-10 08:10',
                '老人确认已送餐', '老人称当天无人上门']:
            with self.subTest(text=text):
                self.assertIn(text, xml)
        self.assertNotIn('2025-03-03 01:00', xml)
        self.assertNotIn('2025-03-09 23:30', xml)
        self.assertIn('满意度', xml)
        self.assertIn('>2<', xml)

    @with_transaction()
    def test_file_names(self):
        "The files are named without the identity number"
        pool = Pool()
        data = self.build()
        for report, ids, name in [
                (CHECK, [data.check.id], '2025-03 HT-A 张桂兰'),
                (NOTICE, [data.rectification.id], 'HT-A 张桂兰')]:
            Report = pool.get(report, type='report')
            *_, file_name = Report.execute(ids, {})
            with self.subTest(report=report):
                self.assertTrue(file_name.endswith(name), file_name)
                self.assertNotIn(data.number, file_name)

    @with_transaction()
    def test_pending_checks(self):
        """Checks printed together, one still pending without inspector nor
        visits: each is printed, the empty one with blanks"""
        data = self.build()
        xml = self.execute(CHECK, [data.check.id, data.pending.id])
        self.assertEqual(xml.count('探访抽查记录表'), 2)
        self.assertIn('李长海', xml)
        self.assertIn('未核实服务记录', xml)
        self.assertIn(self.labels(CHECK, 'result')['pending'], xml)

    @with_transaction()
    def test_rectification_notice(self):
        "The notice: to the contractor, what was found and what to do by when"
        Rectification = Pool().get('care.rectification')
        data = self.build()
        xml = self.execute(NOTICE, [data.rectification.id])

        for text in ['莘县民政局', '整改通知书', 'HT-A',
                data.contractor + '：', '张桂兰', data.number,
                '2025-04-08', '2025年3月',
                self.labels(CHECK, 'method')['onsite'],
                self.labels(CHECK, 'result')['fail'],
                '3月10日助餐服务未实际提供', '签到位置与住址不符',
                # record_fail makes the reasons the requirement and gives
                # 10 working days from the inspection (Tuesday 2025-04-08)
                '请于 2025-04-22 前完成整改',
                self.labels('care.rectification', 'state')['open'],
                '整改情况', '回复日期', '复查日期', '复查意见',
                '县民政局（盖章）', '服务机构负责人签收']:
            with self.subTest(text=text):
                self.assertIn(text, xml)
        self.assertEqual(data.rectification.deadline, dt.date(2025, 4, 22))

        Rectification.write([data.rectification], {
                'response': '已更换送餐人员\n补送3月10日餐食'})
        Rectification.respond([data.rectification])
        Rectification.write([data.rectification], {
                'reinspection_date': dt.date(2025, 4, 25),
                'reinspection_note': '复查属实'})
        Rectification.close([data.rectification])
        responded_on = Rectification(data.rectification.id).responded_on

        xml = self.execute(NOTICE, [data.rectification.id])
        for text in ['已更换送餐人员', '补送3月10日餐食',
                responded_on.isoformat(), '2025-04-25', '复查属实',
                self.labels('care.rectification', 'state')['closed']]:
            with self.subTest(text=text):
                self.assertIn(text, xml)

    @with_transaction()
    def test_contractor(self):
        """The contractor prints the notice and the record of its failed
        inspection with the identity number masked, not a pending one"""
        data = self.build()
        user = self.create_user('contractor',
            [('care_procurement', 'group_contractor')],
            contractor=data.world.contractors[0])

        notice = self.execute_as(user, NOTICE, [data.rectification.id])
        record = self.execute_as(user, CHECK, [data.check.id])
        for xml in [notice, record]:
            self.assertIn(data.contractor, xml)
            self.assertIn('张桂兰', xml)
            self.assertNotIn(data.number, xml)
            self.assertIn(masked(data.number), xml)
        # A pending inspection would tell whom the inspectors will visit
        with self.assertRaises(AccessError):
            self.execute_as(user, CHECK, [data.pending.id])

    @with_transaction()
    def test_other_contractor(self):
        "Another contractor may not print the notice"
        data = self.build()
        user = self.create_user('other',
            [('care_procurement', 'group_contractor')],
            contractor=data.world.contractors[1])
        with self.assertRaises(AccessError):
            self.execute_as(user, NOTICE, [data.rectification.id])

    @with_transaction()
    def test_supervision(self):
        """An inspector outside the registry prints both with the number
        masked"""
        data = self.build()
        user = self.create_user('inspector',
            [('care_visit', 'group_supervision')])
        for report, ids in [(CHECK, [data.check.id, data.pending.id]),
                (NOTICE, [data.rectification.id])]:
            with self.subTest(report=report):
                xml = self.execute_as(user, report, ids)
                self.assertIn('孙明远' if report == CHECK else '整改通知书',
                    xml)
                self.assertNotIn(data.number, xml)
                self.assertIn(masked(data.number), xml)
