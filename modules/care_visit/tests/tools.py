# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for the tests of care_visit: a small county with two contractors"
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.care_procurement.tests.tools import (
    ActivatedTestCase as _ActivatedTestCase)
from trytond.modules.care_procurement.tests.tools import create_contractors
from trytond.modules.care_visit.local_time import to_utc
from trytond.modules.company.tests import create_company
from trytond.modules.currency.tests import create_currency
from trytond.modules.social_assistance.tests.tools import (
    create_divisions, make_id_number)
from trytond.pool import Pool
from trytond.transaction import Transaction

YEAR = 2025
# Homes in 燕店镇 (莘县)
HOME = (36.2400, 115.6700)


class ActivatedTestCase(_ActivatedTestCase):
    "Tests on a database where care_visit is activated, dropped at the end"
    module = 'care_visit'


def local(text):
    "A naive UTC datetime from Asia/Shanghai wall time YYYY-MM-DD HH:MM"
    return to_utc(dt.datetime.fromisoformat(text))


def create_world(lines_a=None):
    """A running home-care contract for each of two contractors (A: meal
    and cleaning, B: meal), three persons assigned to A's, one to B's;
    return a namespace of the records.  lines_a replaces A's lines:
    (service code, unit price, monthly cap or None)."""
    pool = Pool()
    Person = pool.get('social_assistance.person')
    Service = pool.get('care.service')
    Contract = pool.get('care.contract')
    Assignment = pool.get('care.contract.assignment')
    User = pool.get('res.user')

    currency = create_currency('CNY')
    company = create_company('莘县民政局', currency=currency)
    # The company rules hide the records of the companies a user is not in
    User.write([User(Transaction().user)], {
            'companies': [('add', [company.id])],
            'company': company.id,
            })
    county, town, village = create_divisions(
        '莘县', '燕店镇', '燕店村', town_code='371522101')
    services = {s.code: s for s in Service.search([])}
    contractor_a, contractor_b = create_contractors(
        '甲居家养老服务中心', '乙养老服务有限公司')
    persons = Person.create([{
                'name': name,
                'id_number': make_id_number(birth=birth, sequence=sequence),
                'division': village.id,
                'support_mode': 'scattered',
                'start_date': dt.date(YEAR - 5, 1, 1),
                'latitude': round(HOME[0] + offset, 6),
                'longitude': HOME[1],
                } for name, birth, sequence, offset in [
                ('张桂兰', '19400312', '102', 0),
                ('李长海', '19380521', '215', 0.01),
                ('王秀英', '19450817', '328', 0.02),
                ('赵德明', '19420101', '411', 0.03),
                ]])
    with Transaction().set_context(company=company.id):
        contract_a, contract_b = Contract.create([{
                    'number': number,
                    'contractor': contractor.id,
                    'kind': 'home_care',
                    'start_date': dt.date(YEAR, 1, 1),
                    'end_date': dt.date(YEAR, 12, 31),
                    'amount': Decimal(500000),
                    'penalty_per_failed_check': Decimal(200),
                    'lines': [('create', [{
                                    'service': services[code].id,
                                    'unit_price': price,
                                    'monthly_cap': cap,
                                    } for code, price, cap in lines])],
                    } for number, contractor, lines in [
                    ('HT-A', contractor_a, lines_a or [
                            ('HC-MEAL', Decimal(15), None),
                            ('HC-CLEAN', Decimal(40), None)]),
                    ('HT-B', contractor_b,
                        [('HC-MEAL', Decimal(14), None)]),
                    ]])
        Contract.run([contract_a, contract_b])
    Assignment.create([{
                'contract': contract.id,
                'person': person.id,
                'start_date': dt.date(YEAR, 1, 1),
                } for contract, person in [
                (contract_a, persons[0]), (contract_a, persons[1]),
                (contract_a, persons[2]), (contract_b, persons[3])]])
    return SimpleNamespace(company=company, town=town, village=village,
        services=services, persons=persons,
        contractors=(contractor_a, contractor_b),
        contracts=(contract_a, contract_b))


def visit_values(world, external_id, start, end, person=0, contract=0,
        service='HC-MEAL', caregiver='刘芳', **values):
    """The values of a visit, times as Asia/Shanghai wall time; contract
    and person are indexes in the world (or a contract)"""
    person = world.persons[person]
    if isinstance(contract, int):
        contract = world.contracts[contract]
    values.setdefault('latitude', person.latitude)
    values.setdefault('longitude', person.longitude)
    # Logged an hour after the end unless told: no late entry
    values.setdefault('logged_at', local(end) + dt.timedelta(hours=1))
    return dict({
            'contract': contract.id,
            'person': person.id,
            'service': world.services[service].id,
            'caregiver_name': caregiver,
            'start': local(start),
            'end': local(end),
            'external_id': external_id,
            }, **values)


def create_visits(world, *visits):
    "Create visits from (external id, start, end, options) tuples"
    Visit = Pool().get('care.visit')
    return Visit.create([visit_values(world, e, s, f, **o)
            for e, s, f, o in visits])


def odt_content(report):
    "The content.xml of the ODT an execute of a report returned"
    import io
    import zipfile
    extension, data, _, _ = report
    assert extension == 'odt', extension
    with zipfile.ZipFile(io.BytesIO(data)) as odt:
        return odt.read('content.xml').decode('utf-8')


def masked(number):
    "An identity number as users outside the registry see it"
    return number[:6] + '*' * 8 + number[-4:]


class ReportTestMixin:
    "Printing the module's reports in Chinese, as a user or as admin"

    def labels(self, model, name):
        "The Chinese labels of a selection field"
        Model = Pool().get(model)
        with Transaction().set_context(language='zh_CN'):
            return dict(Model.fields_get([name])[name]['selection'])

    def execute(self, report, ids, **context):
        "The content of the report printed in Chinese"
        Report = Pool().get(report, type='report')
        with Transaction().set_context(context, language='zh_CN'):
            return odt_content(Report.execute(ids, {}))

    def create_user(self, login, groups, contractor=None):
        "A user of the bureau's company in the groups (module, id)"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Company = pool.get('company.company')
        company, = Company.search([])
        user, = User.create([{
                    'login': login, 'name': login,
                    'groups': [('add', [
                                ModelData.get_id(*g) for g in groups])],
                    'care_contractor': contractor.id if contractor else None,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }])
        return user.id

    def execute_as(self, user, report, ids):
        "The content of the report printed by the user, access checked"
        User = Pool().get('res.user')
        with Transaction().set_user(user):
            context = User.get_preferences(context_only=True)
            return self.execute(report, ids, _check_access=True, **context)
