# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed service list (服务清单) of a contract for a month: the persons
assigned in the month with their care plans, identity numbers masked for
contractors."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace


from trytond.modules.social_assistance.tests.tools import (
    create_divisions, make_id_number)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import (
    ActivatedTestCase, content, create_bureau, create_contractors)

MONTH = '2025-03'
REPORT = 'care.service_list.report'


class ServiceListReportTestCase(ActivatedTestCase):
    "The service list report"

    def build(self):
        """A running home-care contract with two persons assigned for the
        year and one whose assignment ended in February; return the ids"""
        pool = Pool()
        pool.get('party.party')
        pool.get('social_assistance.division')
        Person = pool.get('social_assistance.person')
        Service = pool.get('care.service')
        Contract = pool.get('care.contract')
        Assignment = pool.get('care.contract.assignment')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')

        company = create_bureau('莘县民政局')
        county, town, village = create_divisions(
            '莘县', '燕店镇', '燕店村', town_code='371522101')
        care, = Service.search([('code', '=', 'HC-CARE')])
        meal, = Service.search([('code', '=', 'HC-MEAL')])
        contractor, = create_contractors('莘县康乐居家养老服务中心')
        numbers = [make_id_number(birth=birth, sequence=sequence)
            for birth, sequence in [('19400312', '102'),
                ('19380521', '215'), ('19471103', '321')]]
        zhang, li, wang = Person.create([{
                    'name': name, 'id_number': number,
                    'division': division.id, 'support_mode': 'scattered',
                    'start_date': dt.date(2020, 1, 1),
                    'phone': phone, 'address': address,
                    'self_care': self_care,
                    } for name, number, division, phone, address, self_care
                in [
                    ('张桂兰', numbers[0], village, '13805351234',
                        '燕店村东街12号', 'none'),
                    ('李德福', numbers[1], town, None, None, 'partial'),
                    ('王秀英', numbers[2], village, None, None, 'capable'),
                    ]])
        contract, = Contract.create([{
                    'company': company.id,
                    'contractor': contractor.id,
                    'kind': 'home_care',
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 12, 31),
                    'amount': Decimal(50000),
                    'lines': [('create', [{
                                    'service': s.id,
                                    'unit_price': Decimal(30),
                                    } for s in [care, meal]])],
                    }])
        Contract.run([contract])
        Assignment.create([{
                    'contract': contract.id,
                    'person': person.id,
                    'start_date': start,
                    'end_date': end,
                    'plan': [('create', [{
                                    'service': service.id,
                                    'quantity': quantity,
                                    } for service, quantity in plan])],
                    } for person, start, end, plan in [
                    (zhang, dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                        [(meal, Decimal(20)), (care, Decimal(20))]),
                    (li, dt.date(2025, 3, 10), dt.date(2025, 12, 31),
                        [(meal, Decimal('7.5'))]),
                    (wang, dt.date(2025, 1, 1), dt.date(2025, 2, 15),
                        [(meal, Decimal(8))]),
                    ]])
        user, = User.create([{
                    'login': 'contractor', 'name': 'contractor',
                    'groups': [('add', [ModelData.get_id(
                                    'care_procurement', 'group_contractor')])],
                    'care_contractor': contractor.id,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }])
        return SimpleNamespace(
            contract=contract, care=care, meal=meal, numbers=numbers,
            user=user.id)

    def plan_text(self, *lines):
        "The plan text of (service, quantity) lines as printed"
        Service = Pool().get('care.service')
        with Transaction().set_context(language='zh_CN'):
            units = dict(Service.fields_get(['unit'])['unit']['selection'])
        return '；'.join(f'{s.name} {q} {units[s.unit]}' for s, q in lines)

    def execute(self, ids, report=REPORT, **context):
        "The content of the report printed in Chinese"
        Report = Pool().get(report, type='report')
        with Transaction().set_context(context, language='zh_CN'):
            return content(Report.execute(ids, {}))

    @with_transaction()
    def test_month(self):
        "The list of a month: the persons assigned in it and their plans"
        Person = Pool().get('social_assistance.person')
        data = self.build()
        with Transaction().set_context(language='zh_CN'):
            labels = dict(
                Person.fields_get(['self_care'])['self_care']['selection'])

        xml = self.execute([data.contract.id], service_month=MONTH)

        self.assertIn('服务清单', xml)
        self.assertIn(data.contract.number, xml)
        self.assertIn('莘县康乐居家养老服务中心', xml)
        self.assertIn('2025年3月', xml)
        self.assertIn('张桂兰', xml)
        self.assertIn('李德福', xml)
        self.assertNotIn('王秀英', xml)
        self.assertIn(self.plan_text(
                (data.care, 20), (data.meal, 20)), xml)
        self.assertIn(self.plan_text((data.meal, '7.5')), xml)
        self.assertIn(labels['none'], xml)
        self.assertIn('燕店村东街12号', xml)
        # Root sees the numbers in full
        self.assertIn(data.numbers[0], xml)
        # The period within the month: Li starts on the 10th
        self.assertIn('2025-03-10', xml)
        self.assertIn('2025-03-31', xml)
        self.assertIn('合计：2 人', xml)
        self.assertIn(self.plan_text(
                (data.care, 20), (data.meal, '27.5')), xml)

    @with_transaction()
    def test_ended_assignment(self):
        "A person whose assignment ended in February is listed for it only"
        data = self.build()
        self.assertIn('王秀英',
            self.execute([data.contract.id], service_month='2025-02'))
        self.assertNotIn('王秀英',
            self.execute([data.contract.id], service_month='2025-04'))

    @with_transaction()
    def test_assignment_without_plan(self):
        "A person assigned without a care plan is on the list all the same"
        Assignment = Pool().get('care.contract.assignment')
        data = self.build()
        wang, = Assignment.search([('person.name', '=', '王秀英')])
        Assignment.write([wang], {'end_date': dt.date(2025, 12, 31),
                'plan': [('delete', [p.id for p in wang.plan])]})
        xml = self.execute([data.contract.id], service_month=MONTH)
        self.assertIn('王秀英', xml)
        self.assertIn('合计：3 人', xml)

    @with_transaction()
    def test_empty_month(self):
        "A month without assignments says so"
        data = self.build()
        xml = self.execute([data.contract.id], service_month='2026-01')
        self.assertIn('本月无在册服务对象', xml)
        self.assertIn('合计：0 人', xml)

    @with_transaction()
    def test_default_month(self):
        "Without a month in the context the list is of the current month"
        Date = Pool().get('ir.date')
        data = self.build()
        today = Date.today()
        self.assertIn(f'{today.year}年{today.month}月',
            self.execute([data.contract.id]))

    @with_transaction()
    def test_contractor_masked(self):
        "The contractor prints its list with the identity numbers masked"
        User = Pool().get('res.user')
        data = self.build()
        transaction = Transaction()
        with transaction.set_user(data.user):
            context = User.get_preferences(context_only=True)
            xml = self.execute([data.contract.id], service_month=MONTH,
                _check_access=True, **context)
        number = data.numbers[0]
        self.assertIn('张桂兰', xml)
        self.assertNotIn(number, xml)
        self.assertIn(number[:6] + '*' * 8 + number[-4:], xml)

    @with_transaction()
    def test_from_service_list(self):
        "Printed from the service list rows: the lists of their contracts"
        ServiceList = Pool().get('care.service_list')
        data = self.build()
        with Transaction().set_context(service_month=MONTH):
            rows = ServiceList.search([])
        xml = self.execute([r.id for r in rows],
            report='care.service_list.rows_report', service_month=MONTH)
        self.assertIn(data.contract.number, xml)
        self.assertEqual(xml.count('张桂兰'), 1)
        self.assertIn('李德福', xml)
        self.assertNotIn('王秀英', xml)

