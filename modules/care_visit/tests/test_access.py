# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who sees what of the visits, inspections and rectifications (DESIGN.md,
Access and Visit rules).

A contractor's user sees only its own visits; it logs visits on its own
running contracts only, and edits or deletes them only while they are
rejected.  It sees the inspections of its own contracts once they have a
result, never before (so that it cannot prepare for them), and the
rectifications addressed to it, on which it writes its response and
nothing else.  Supervisors see everything and inspect; they log no visits.

Every check runs as a real user with access checks on
(`_check_access=True`), as RPC and REST calls do.  Searches through
relations that reach what the user may not read are refused: Tryton
applies no record rule inside a relational search path."""
import datetime as dt
import unittest
from collections import deque
from contextlib import contextmanager
from types import SimpleNamespace

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_visits, create_world, local

VISIT = 'care.visit'
CHECK = 'care.check'
CHECK_VISIT = 'care.check.visit'
PLAN = 'care.check.plan'
RECTIFICATION = 'care.rectification'
NOT_SERVED = 'care.visit.not_served'
# The models of this module a contractor's searches start from or reach
VISIT_MODELS = {VISIT, CHECK, CHECK_VISIT, PLAN, RECTIFICATION, NOT_SERVED}
# Relational search paths are followed this many fields deep
PATH_DEPTH = 3
# The day the not-served list is made for
SUPERVISION_DATE = dt.date(2025, 3, 20)
# Values written in the attempts that must fail: any would do
WRITES = {
    VISIT: {'note': '改'},
    CHECK: {'reasons': '改'},
    CHECK_VISIT: {'note': '改'},
    PLAN: {'minimum': 9},
    RECTIFICATION: {'requirement': '改'},
    }
# What the table queries need to list rows
LIST_CONTEXT = {'supervision_date': SUPERVISION_DATE,
    'service_month': '2025-03'}


def ids(records):
    return sorted(map(int, records))


def project_model(name):
    "Whether the model holds the project's data (not Tryton's own)"
    return name.startswith(('care.', 'social_assistance.')) or (
        name == 'party.party')


class VisitAccessTestCase(ActivatedTestCase):
    "Contractors', supervisors' and others' access to visits and checks"

    # -- data -----------------------------------------------------------------

    def build(self):
        """The county of tools.create_world in March 2025, as root:

        - 张桂兰 (person 0) was B's until January and is A's since February;
        - A's visits: an accepted meal for 张桂兰, a rejected (too short) one
          for 李长海, an accepted one for 李长海 under a pending inspection,
          one for 王秀英 that a failed inspection disproves;
        - B's visits: 张桂兰's January meal, under B's pending inspection,
          one for 赵德明 that B's failed inspection disproves, a rejected
          (too short) one for him;
        - the failed inspections opened a rectification each;
        - A also has a draft contract; users of both contractors, a
          supervisor, a procurement officer and a user in no group.

        Return a namespace of ids."""
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Contract = pool.get('care.contract')
        Assignment = pool.get('care.contract.assignment')
        Check = pool.get(CHECK)
        Plan = pool.get(PLAN)
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')

        world = create_world()
        contract_a, contract_b = world.contracts
        zhang = world.persons[0]
        # 张桂兰 moves from B to A on 1 February
        assignment, = Assignment.search([
                ('contract', '=', contract_a.id),
                ('person', '=', zhang.id)])
        Assignment.write([assignment], {'start_date': dt.date(2025, 2, 1)})
        Assignment.create([{'contract': contract_b.id, 'person': zhang.id,
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 1, 31)}])
        with Transaction().set_context(company=world.company.id):
            draft, = Contract.create([{
                        'number': 'HT-A-2026',
                        'contractor': world.contractors[0].id,
                        'kind': 'home_care',
                        'start_date': dt.date(2026, 1, 1),
                        'end_date': dt.date(2026, 12, 31),
                        'amount': 1000,
                        'lines': [('create', [{
                                        'service': world.services[
                                            'HC-MEAL'].id,
                                        'unit_price': 15}])],
                        }])
        self.assertEqual(draft.state, 'draft')

        (a_meal, a_short, a_checked, a_missed, b_january, b_meal,
            b_short) = create_visits(world,
            ('A-0301', '2025-03-03 09:00', '2025-03-03 09:30', {}),
            ('A-0302', '2025-03-04 09:00', '2025-03-04 09:05',
                {'person': 1}),
            ('A-0303', '2025-03-05 09:00', '2025-03-05 09:30',
                {'person': 1}),
            ('A-0304', '2025-03-06 09:00', '2025-03-06 09:30',
                {'person': 2}),
            ('B-0101', '2025-01-10 09:00', '2025-01-10 09:30',
                {'contract': 1, 'caregiver': '孙丽'}),
            ('B-0301', '2025-03-03 10:00', '2025-03-03 10:30',
                {'contract': 1, 'person': 3, 'caregiver': '孙丽'}),
            ('B-0302', '2025-03-04 10:00', '2025-03-04 10:05',
                {'contract': 1, 'person': 3, 'caregiver': '孙丽'}),
            )
        self.assertEqual(
            [v.state for v in [a_meal, a_short, a_checked, a_missed,
                    b_january, b_meal, b_short]],
            ['accepted', 'rejected', 'accepted', 'accepted', 'accepted',
                'accepted', 'rejected'])

        party, = Party.create([{'name': '周建华'}])
        inspector, = Employee.create([{
                    'company': world.company.id, 'party': party.id}])
        plan, = Plan.create([{'month': '2025-03', 'seed': 1,
                    'company': world.company.id}])

        def check(contract, person, visits, month='2025-03',
                inspected=True):
            "An inspection finding the visits not delivered, once inspected"
            values = {
                'contract': contract.id, 'person': person.id,
                'month': month,
                'visits': [('create', [{'visit': v.id, 'delivered': False}
                            for v in visits])],
                }
            if inspected:
                values.update(plan=plan.id, inspector=inspector.id,
                    date=dt.date(2025, 3, 15), method='onsite',
                    delivered='no', reasons='服务未实际提供')
            return values
        a_failed, a_pending, b_failed, b_pending = Check.create([
                check(contract_a, world.persons[2], [a_missed]),
                check(contract_a, world.persons[1], [a_checked],
                    inspected=False),
                check(contract_b, world.persons[3], [b_meal]),
                check(contract_b, zhang, [b_january], month='2025-01',
                    inspected=False),
                ])
        Check.record_fail([a_failed, b_failed])
        (rectification_a,), (rectification_b,) = (
            a_failed.rectifications, b_failed.rectifications)
        self.assertEqual(a_missed.reason, 'disproved')

        def group(xml_id):
            return ModelData.get_id(*xml_id.split('.'))
        users = User.create([{
                    'login': login, 'name': login,
                    'groups': [('add', [group(g) for g in groups])],
                    'care_contractor': contractor,
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id,
                    'employees': [('add', employees)],
                    'employee': employees[0] if employees else None,
                    } for login, groups, contractor, employees in [
                    ('contractor_a', ['care_procurement.group_contractor'],
                        world.contractors[0].id, []),
                    ('contractor_b', ['care_procurement.group_contractor'],
                        world.contractors[1].id, []),
                    ('supervisor', ['care_visit.group_supervision'], None,
                        [inspector.id]),
                    ('procurement', ['care_procurement.group_procurement'],
                        None, []),
                    ('registry', ['social_assistance.group_registry'], None,
                        []),
                    ('nobody', [], None, []),
                    ]])

        def pair(a, b):
            return SimpleNamespace(a=ids(a), b=ids(b))
        check_visits = {c: ids(c.visits)
            for c in [a_failed, a_pending, b_failed, b_pending]}
        return SimpleNamespace(
            world=world, company=world.company.id, inspector=inspector.id,
            contract=SimpleNamespace(a=contract_a.id, b=contract_b.id,
                draft=draft.id),
            contractor=SimpleNamespace(a=world.contractors[0].id,
                b=world.contractors[1].id),
            person=SimpleNamespace(zhang=zhang.id, li=world.persons[1].id,
                zhao=world.persons[3].id),
            visit=SimpleNamespace(a_meal=a_meal.id, a_short=a_short.id,
                a_checked=a_checked.id, a_missed=a_missed.id,
                b_january=b_january.id, b_meal=b_meal.id,
                b_short=b_short.id),
            check=SimpleNamespace(a_failed=a_failed.id,
                a_pending=a_pending.id, b_failed=b_failed.id,
                b_pending=b_pending.id),
            check_visit=SimpleNamespace(
                a_failed=check_visits[a_failed],
                a_pending=check_visits[a_pending],
                b_failed=check_visits[b_failed],
                b_pending=check_visits[b_pending]),
            plan=plan.id,
            rectification=SimpleNamespace(a=rectification_a.id,
                b=rectification_b.id),
            visits=pair([a_meal, a_short, a_checked, a_missed],
                [b_january, b_meal, b_short]),
            users={u.login: u.id for u in users})

    @contextmanager
    def as_user(self, user_id, **context):
        "Act as the user, with its context and access checks, as RPC does"
        User = Pool().get('res.user')
        transaction = Transaction()
        with transaction.set_user(user_id):
            preferences = User.get_preferences(context_only=True)
            with transaction.set_context(preferences,
                    _check_access=True, **context):
                yield

    def assertMessage(self, cm, message_id, **variables):
        "The exception caught by cm is the message of the id"
        self.assertEqual(cm.exception.message,
            gettext(message_id, **variables))

    def visit_values(self, data, **values):
        """The values a contractor's app sends for a visit to 李长海 on A's
        contract: no state, flags, source or logging time"""
        world = data.world
        person = world.persons[1]
        return dict({
                'contract': data.contract.a,
                'person': person.id,
                'service': world.services['HC-MEAL'].id,
                'caregiver_name': '刘芳',
                'start': local('2025-03-12 11:30'),
                'end': local('2025-03-12 12:00'),
                'latitude': person.latitude,
                'longitude': person.longitude,
                }, **values)

    # -- a contractor's visits ------------------------------------------------

    @with_transaction()
    def test_contractor_sees_only_own_visits(self):
        "Each contractor finds, counts and reads its own visits only"
        Visit = Pool().get(VISIT)
        data = self.build()
        for login, side in [('contractor_a', 'a'), ('contractor_b', 'b')]:
            own = getattr(data.visits, side)
            with self.subTest(user=login), \
                    self.as_user(data.users[login]):
                self.assertEqual(ids(Visit.search([])), own)
                self.assertEqual(Visit.search_count([]), len(own))
                rows = Visit.search_read([], fields_names=['external_id'])
                self.assertEqual(ids(r['id'] for r in rows), own)
                self.assertEqual(
                    ids(r['id'] for r in Visit.read(own, ['state'])), own)
        # 张桂兰 was B's in January: A finds only its own visits to her
        with self.as_user(data.users['contractor_a']):
            self.assertEqual(ids(Visit.search([
                            ('person', '=', data.person.zhang)])),
                [data.visit.a_meal])
            self.assertEqual(Visit.search([
                        ('external_id', '=', 'B-0101')]), [])

    @with_transaction()
    def test_caregiver_numbers_masked(self):
        """A caregiver's identity number holds a birth date like any other:
        outside the registry it is read masked (the contractor that logged
        it and the supervisor too), and no search probes its digits"""
        from trytond.modules.social_assistance.tests.tools import (
            make_id_number)
        from .tools import masked
        Visit = Pool().get(VISIT)
        data = self.build()
        number = make_id_number(birth='19800214', sequence='135')
        Visit.write([Visit(data.visit.a_meal)],
            {'caregiver_id_number': number})
        for login in ['contractor_a', 'supervisor', 'procurement']:
            with self.subTest(user=login), \
                    self.as_user(data.users[login]):
                row, = Visit.read([data.visit.a_meal],
                    ['caregiver_id_number'])
                self.assertEqual(row['caregiver_id_number'], masked(number))
                self.assertEqual(
                    Visit(data.visit.a_meal).caregiver_id_number,
                    masked(number))
                for domain in [
                        [('caregiver_id_number', '=', number)],
                        [('caregiver_id_number', 'like', number[:10] + '%')],
                        ]:
                    with self.assertRaises(AccessError):
                        Visit.search(domain)
        # stored whole: the rules compare caregivers by their numbers
        row, = Visit.read([data.visit.a_meal], ['caregiver_id_number'])
        self.assertEqual(row['caregiver_id_number'], number)

    @with_transaction()
    def test_contractor_refused_other_visits(self):
        "Another contractor's visits: not found, read, written or deleted"
        pool = Pool()
        Visit = pool.get(VISIT)
        Rule = pool.get('ir.rule')
        data = self.build()
        with self.as_user(data.users['contractor_a']):
            for other in data.visits.b:
                with self.subTest(visit=other):
                    self.assertEqual(Visit.search([('id', '=', other)]), [])
                    self.assertEqual(
                        Visit.search_count([('id', '=', other)]), 0)
                    with self.assertRaises(AccessError):
                        Visit.read([other], ['external_id'])
                    with self.assertRaises(AccessError):
                        Visit.read(data.visits.a + [other], ['state'])
                    with self.assertRaises(AccessError):
                        Visit.write([Visit(other)], {'note': 'x'})
                    with self.assertRaises(AccessError):
                        Visit.delete([Visit(other)])
                    self.assertEqual(Visit.history_revisions([other]), [])
                    for mode in ['read', 'write', 'delete']:
                        with self.assertRaises(AccessError):
                            Rule.check(VISIT, [other], mode=mode)
            self.assertTrue(Visit.history_revisions(data.visits.a))
        # B's rejected visit is unchanged and still there
        visit = Visit(data.visit.b_short)
        self.assertIsNone(visit.note)
        self.assertEqual(visit.state, 'rejected')

    @with_transaction()
    def test_contractor_logs_on_own_running_contract_only(self):
        """A contractor logs visits on its own running contracts; the rules
        judge them; not on another's contract nor on one not running"""
        pool = Pool()
        Visit = pool.get(VISIT)
        Contract = pool.get('care.contract')
        data = self.build()
        with self.as_user(data.users['contractor_a']):
            ok, short = Visit.create([
                    self.visit_values(data, external_id='APP-1'),
                    self.visit_values(data, external_id='APP-2',
                        start=local('2025-03-13 11:30'),
                        end=local('2025-03-13 11:35')),
                    ])
            self.assertEqual((ok.state, ok.reason), ('accepted', None))
            self.assertEqual((short.state, short.reason),
                ('rejected', 'too_short'))
            self.assertEqual(ok.contractor.id, data.contractor.a)
            self.assertEqual(ok.date, dt.date(2025, 3, 12))

            # On B's contract: the record rule refuses it
            with self.assertRaises(AccessError):
                Visit.create([self.visit_values(data,
                            contract=data.contract.b,
                            person=data.person.zhao, external_id='APP-3')])
            # Naming its own party as contractor changes nothing
            with self.assertRaises(AccessError):
                Visit.create([self.visit_values(data,
                            contract=data.contract.b,
                            person=data.person.zhao, external_id='APP-4',
                            contractor=data.contractor.a)])
            # Nor may it move its rejected visit to B's contract
            with self.assertRaises(AccessError):
                Visit.write([short], {'contract': data.contract.b,
                        'person': data.person.zhao})

            # Its own draft contract is not running
            draft = Contract(data.contract.draft)
            with self.assertRaises(ValidationError) as cm:
                Visit.create([self.visit_values(data,
                            contract=data.contract.draft,
                            start=local('2026-03-12 11:30'),
                            end=local('2026-03-12 12:00'),
                            external_id='APP-5')])
            self.assertMessage(cm, 'care_visit.msg_visit_contract_not_running',
                contract=draft.rec_name)
        # (What the refused calls stored goes with their transaction, as the
        # REST test shows: here the test's transaction holds it)

    @with_transaction()
    def test_visit_source(self):
        """A visit logged without a client id in the context came through
        the REST API; with one, from a Tryton client"""
        Visit = Pool().get(VISIT)
        data = self.build()
        with self.as_user(data.users['contractor_a']):
            api, = Visit.create([self.visit_values(data,
                        external_id='APP-1')])
            with Transaction().set_context(client='0f1e2d3c-sao'):
                client, = Visit.create([self.visit_values(data,
                            external_id='APP-2',
                            start=local('2025-03-14 11:30'),
                            end=local('2025-03-14 12:00'))])
        self.assertEqual(api.source, 'api')
        self.assertEqual(client.source, 'client')

    @with_transaction()
    def test_contractor_edits_rejected_visits_only(self):
        """A contractor corrects or deletes its rejected visits; an accepted
        one is locked"""
        Visit = Pool().get(VISIT)
        data = self.build()
        with self.as_user(data.users['contractor_a']):
            short = Visit(data.visit.a_short)
            # The end was mistyped: corrected, the visit is accepted
            Visit.write([short], {'end': local('2025-03-04 09:40')})
            self.assertEqual((short.state, short.reason), ('accepted', None))
            # and now locked like every accepted visit
            for visit_id in [data.visit.a_short, data.visit.a_meal]:
                visit = Visit(visit_id)
                with self.subTest(visit=visit.external_id):
                    with self.assertRaises(AccessError) as cm:
                        Visit.write([visit], {'note': '补记'})
                    self.assertMessage(cm, 'care_visit.msg_visit_locked',
                        visit=visit.rec_name)
                    with self.assertRaises(AccessError) as cm:
                        Visit.delete([visit])
                    self.assertMessage(cm, 'care_visit.msg_visit_locked',
                        visit=visit.rec_name)
            # A rejected visit may go
            rejected, = Visit.create([self.visit_values(data,
                        external_id='APP-1', start=local('2025-03-13 11:30'),
                        end=local('2025-03-13 11:32'))])
            self.assertEqual(rejected.state, 'rejected')
            Visit.write([rejected], {'note': '时间录错，作废'})
            Visit.delete([rejected])
        self.assertEqual(Visit.search([('external_id', '=', 'APP-1')]), [])
        self.assertIsNone(Visit(data.visit.a_meal).note)

    @with_transaction()
    def test_contractor_cannot_decide_for_the_rules(self):
        """What the rules and the server derive (state, reason, flags,
        source, logging time, contractor) a contractor cannot write"""
        Visit = Pool().get(VISIT)
        data = self.build()
        forged = {
            'state': 'accepted', 'reason': None, 'base_reason': None,
            'flagged': False, 'flag_far': False, 'flag_late': False,
            'flag_hours': False, 'flag_travel': False, 'frozen': True,
            'source': 'import', 'logged_at': local('2025-03-12 12:05'),
            'date': dt.date(2025, 3, 1), 'month': '2025-02',
            'duration': 60, 'contractor': data.contractor.b,
            }
        with self.as_user(data.users['contractor_a']):
            for name, value in forged.items():
                with self.subTest(field=name):
                    with self.assertRaises(AccessError):
                        Visit.create([self.visit_values(data,
                                    external_id=f'APP-{name}',
                                    **{name: value})])
                    with self.assertRaises(AccessError):
                        Visit.write([Visit(data.visit.a_short)],
                            {name: value})
        visit = Visit(data.visit.a_short)
        self.assertEqual((visit.state, visit.reason),
            ('rejected', 'too_short'))
        self.assertFalse(visit.frozen)
        self.assertEqual(visit.contractor.id, data.contractor.a)
        self.assertEqual(Visit.search([('external_id', 'like', 'APP-%')]),
            [])

    # -- supervisors and the others -------------------------------------------

    @with_transaction()
    def test_supervisor_sees_everything(self):
        """A supervisor sees every contractor's visits, the inspections
        (pending too), their plans, the rectifications and the persons not
        served"""
        pool = Pool()
        data = self.build()
        expected = {
            VISIT: data.visits.a + data.visits.b,
            CHECK: ids(vars(data.check).values()),
            CHECK_VISIT: ids(sum(vars(data.check_visit).values(), [])),
            PLAN: [data.plan],
            RECTIFICATION: ids(vars(data.rectification).values()),
            }
        with self.as_user(data.users['supervisor'],
                supervision_date=SUPERVISION_DATE):
            for model, records in expected.items():
                with self.subTest(model=model):
                    Model = pool.get(model)
                    self.assertEqual(ids(Model.search([])), records)
                    self.assertEqual(Model.search_count([]), len(records))
                    Model.read(records, ['rec_name'])
            NotServed = pool.get(NOT_SERVED)
            rows = NotServed.search_read([],
                fields_names=['contract', 'person', 'last_visit', 'days'])
        # Nobody had an accepted visit in the two weeks before: A's three
        # persons and B's one are listed; the only visits of 王秀英 (A) and
        # 赵德明 (B) in March were disproved
        persons = data.world.persons
        self.assertEqual(
            {(r['contract'], r['person']): r['last_visit'] for r in rows}, {
                (data.contract.a, persons[0].id): dt.date(2025, 3, 3),
                (data.contract.a, persons[1].id): dt.date(2025, 3, 5),
                (data.contract.a, persons[2].id): None,
                (data.contract.b, persons[3].id): None,
                })

    @with_transaction()
    def test_supervisor_logs_and_changes_no_visit(self):
        "A supervisor neither logs, changes nor deletes visits"
        Visit = Pool().get(VISIT)
        data = self.build()
        with self.as_user(data.users['supervisor']):
            with self.assertRaises(AccessError):
                Visit.create([self.visit_values(data, external_id='SUP-1')])
            for visit_id in [data.visit.a_short, data.visit.b_meal]:
                with self.assertRaises(AccessError):
                    Visit.write([Visit(visit_id)], {'note': 'x'})
                with self.assertRaises(AccessError):
                    Visit.delete([Visit(visit_id)])
        self.assertEqual(Visit.search([('external_id', '=', 'SUP-1')]), [])
        self.assertIsNone(Visit(data.visit.a_short).note)

    @with_transaction()
    def test_supervisor_inspects(self):
        """A supervisor records an inspection that fails, which disproves
        the visit and opens a rectification, and closes the rectification
        once re-inspected"""
        pool = Pool()
        Check = pool.get(CHECK)
        Visit = pool.get(VISIT)
        Rectification = pool.get(RECTIFICATION)
        data = self.build()
        with self.as_user(data.users['supervisor']):
            pending = Check(data.check.a_pending)
            Check.write([pending], {
                    'inspector': data.inspector,
                    'date': dt.date(2025, 3, 18),
                    'reasons': '3月5日助餐未送达',
                    })
            Check.record_fail([pending])
            self.assertEqual(pending.result, 'fail')
            visit = Visit(data.visit.a_checked)
            self.assertEqual((visit.state, visit.reason),
                ('rejected', 'disproved'))
            rectification, = pending.rectifications
            self.assertEqual(rectification.state, 'open')
        # The contractor answers; the supervisor re-inspects and closes
        with self.as_user(data.users['contractor_a']):
            Rectification.write([rectification], {'response': '已补送'})
            Rectification.respond([rectification])
        with self.as_user(data.users['supervisor']):
            Rectification.write([rectification],
                {'reinspection_date': dt.date(2025, 3, 25)})
            Rectification.close([rectification])
            self.assertEqual(rectification.state, 'closed')

    @with_transaction()
    def test_other_users_see_no_visits(self):
        """Procurement reads the visits and inspections and changes none;
        users of other groups or none see none at all"""
        pool = Pool()
        data = self.build()
        records = {
            VISIT: data.visits.a,
            CHECK: [data.check.a_failed],
            CHECK_VISIT: data.check_visit.a_failed,
            PLAN: [data.plan],
            RECTIFICATION: [data.rectification.a],
            }
        with self.as_user(data.users['procurement']):
            for model, record_ids in records.items():
                Model = pool.get(model)
                with self.subTest(user='procurement', model=model):
                    Model.read(record_ids, ['rec_name'])
                    with self.assertRaises(AccessError):
                        Model.write(Model.browse(record_ids), WRITES[model])
                    with self.assertRaises(AccessError):
                        Model.delete(Model.browse(record_ids))
            with self.assertRaises(AccessError):
                pool.get(VISIT).create(
                    [self.visit_values(data, external_id='PRO-1')])
        for login in ['registry', 'nobody']:
            with self.as_user(data.users[login],
                    supervision_date=SUPERVISION_DATE):
                for model in list(records) + [NOT_SERVED]:
                    with self.subTest(user=login, model=model):
                        Model = pool.get(model)
                        with self.assertRaises(AccessError):
                            Model.search([])
                        if model in records:
                            with self.assertRaises(AccessError):
                                Model.read(records[model], ['rec_name'])

    # -- a contractor and the inspections -------------------------------------

    @with_transaction()
    def test_contractor_sees_own_inspections_once_done(self):
        """A contractor sees the inspections of its contracts and their
        verified visits once they have a result; a pending one, or another
        contractor's, it does not even learn of"""
        pool = Pool()
        Check = pool.get(CHECK)
        CheckVisit = pool.get(CHECK_VISIT)
        Visit = pool.get(VISIT)
        data = self.build()
        hidden = {
            CHECK: [data.check.a_pending, data.check.b_failed,
                data.check.b_pending],
            CHECK_VISIT: (data.check_visit.a_pending
                + data.check_visit.b_failed + data.check_visit.b_pending),
            }
        with self.as_user(data.users['contractor_a']):
            self.assertEqual(ids(Check.search([])), [data.check.a_failed])
            self.assertEqual(Check.search_count([]), 1)
            self.assertEqual(ids(CheckVisit.search([])),
                data.check_visit.a_failed)
            check, = Check.read([data.check.a_failed],
                ['result', 'reasons', 'visits', 'rectifications'])
            self.assertEqual(check['result'], 'fail')
            self.assertEqual(list(check['rectifications']),
                [data.rectification.a])
            for model, record_ids in hidden.items():
                Model = pool.get(model)
                for record_id in record_ids:
                    with self.subTest(model=model, record=record_id):
                        self.assertEqual(
                            Model.search([('id', '=', record_id)]), [])
                        with self.assertRaises(AccessError):
                            Model.read([record_id], ['id'])
                        if Model._history:
                            self.assertEqual(
                                Model.history_revisions([record_id]), [])
            # The visit under the pending inspection lists none
            visit, = Visit.read([data.visit.a_checked], ['checks'])
            self.assertEqual(list(visit['checks']), [])
            visit, = Visit.read([data.visit.a_missed], ['checks'])
            self.assertEqual(list(visit['checks']), [data.check.a_failed])
            self.assertEqual(Check.search([
                        ('visits.visit', '=', data.visit.a_checked)]), [])
        # With its result recorded the inspection shows
        Check.write([Check(data.check.a_pending)], {
                'inspector': data.inspector, 'date': dt.date(2025, 3, 18)})
        Check.record_pass([Check(data.check.a_pending)])
        with self.as_user(data.users['contractor_a']):
            self.assertEqual(ids(Check.search([])),
                sorted([data.check.a_failed, data.check.a_pending]))
            self.assertEqual(ids(CheckVisit.search([])),
                sorted(data.check_visit.a_failed
                    + data.check_visit.a_pending))
        # B sees its failed one only
        with self.as_user(data.users['contractor_b']):
            self.assertEqual(ids(Check.search([])), [data.check.b_failed])

    @with_transaction()
    def test_contractor_changes_no_inspection(self):
        "A contractor records, changes and deletes no inspection"
        pool = Pool()
        Check = pool.get(CHECK)
        CheckVisit = pool.get(CHECK_VISIT)
        data = self.build()
        with self.as_user(data.users['contractor_a']):
            check = Check(data.check.a_failed)
            with self.assertRaises(AccessError):
                Check.write([check], {'reasons': '已整改'})
            with self.assertRaises(AccessError):
                Check.delete([check])
            with self.assertRaises(AccessError):
                Check.create([{'contract': data.contract.a,
                            'person': data.person.li, 'month': '2025-03'}])
            with self.assertRaises(AccessError):
                CheckVisit.write(CheckVisit.browse(
                        data.check_visit.a_failed), {'delivered': True})
            with self.assertRaises(AccessError):
                CheckVisit.create([{'check': data.check.a_failed,
                            'visit': data.visit.a_meal}])
            for button in ['record_pass', 'record_fail']:
                with self.subTest(button=button):
                    # The pending one it may not even read
                    with self.assertRaises(AccessError):
                        getattr(Check, button)([Check(data.check.a_pending)])
                    # The buttons are the supervisors'
                    with self.assertRaises(AccessButtonError):
                        getattr(Check, button)([check])
        self.assertEqual(Check(data.check.a_pending).result, 'pending')
        self.assertEqual(Check(data.check.a_failed).reasons, '服务未实际提供')

    @with_transaction()
    def test_supervisor_records_results_by_the_buttons_only(self):
        """A supervisor creates no inspection with a result and writes no
        result (issue 10): results come from record_pass and record_fail,
        and a recorded inspection and its verified visits stay as they
        are"""
        pool = Pool()
        Check = pool.get(CHECK)
        CheckVisit = pool.get(CHECK_VISIT)
        data = self.build()
        values = {'contract': data.contract.a, 'person': data.person.li,
            'month': '2025-03', 'inspector': data.inspector,
            'date': dt.date(2025, 3, 18), 'reasons': '未上门'}
        with self.as_user(data.users['supervisor']):
            name = Check(data.check.a_failed).rec_name
            for result in ['fail', 'pass', 'pending']:
                with self.subTest(create=result), \
                        self.assertRaises(AccessError):
                    Check.create([dict(values, result=result)])
            for check_id, result in [(data.check.a_failed, 'pass'),
                    (data.check.a_failed, 'pending'),
                    (data.check.a_pending, 'fail'),
                    (data.check.a_pending, 'pass')]:
                with self.subTest(write=result, check=check_id), \
                        self.assertRaises(AccessError):
                    Check.write([Check(check_id)], {'result': result})
            # a failed inspection is moved to no other contract or month
            for change in [{'contract': data.contract.b},
                    {'month': '2025-02'}, {'reasons': '改'},
                    {'visits': [('delete', data.check_visit.a_failed)]}]:
                with self.subTest(change=change), \
                        self.assertRaises(AccessError) as cm:
                    Check.write([Check(data.check.a_failed)], change)
                self.assertMessage(cm, 'care_visit.msg_check_done',
                    check=name)
            with self.assertRaises(AccessError):
                CheckVisit.write(CheckVisit.browse(
                        data.check_visit.a_failed), {'delivered': True})
            # the buttons still record
            Check.write([Check(data.check.a_pending)], {
                    'inspector': data.inspector,
                    'date': dt.date(2025, 3, 18)})
            Check.record_pass([Check(data.check.a_pending)])
            self.assertEqual(Check(data.check.a_pending).result, 'pass')
        self.assertEqual(Check.search_count([
                    ('contract', '=', data.contract.a),
                    ('month', '=', '2025-03'), ('result', '=', 'fail')]), 1)
        self.assertEqual(Check.search_count([]), 4)
        self.assertEqual(
            [cv.delivered for cv in Check(data.check.a_failed).visits],
            [False])

    # -- a contractor and the rectifications ----------------------------------

    @with_transaction()
    def test_contractor_answers_own_rectifications(self):
        """A contractor sees the rectifications addressed to it, writes its
        response and sends it; it changes nothing else, closes or reopens
        nothing, and its response is kept once sent"""
        pool = Pool()
        Rectification = pool.get(RECTIFICATION)
        data = self.build()
        own = Rectification(data.rectification.a)
        deadline = own.deadline
        with self.as_user(data.users['contractor_a']):
            self.assertEqual(ids(Rectification.search([])),
                [data.rectification.a])
            for values in [{'requirement': '无'},
                    {'deadline': dt.date(2026, 1, 1)},
                    {'response': '已整改', 'state': 'closed'},
                    {'reinspection_date': dt.date(2025, 3, 30)}]:
                with self.subTest(values=values):
                    with self.assertRaises(AccessError) as cm:
                        Rectification.write([own], values)
                    self.assertMessage(cm,
                        'care_visit.msg_rectification_contractor_write')
            with self.assertRaises(AccessError):
                Rectification.delete([own])
            Rectification.write([own], {'response': '已补送并更换照料人'})
            Rectification.respond([own])
            self.assertEqual(own.state, 'responded')
            with self.assertRaises(AccessError) as cm:
                Rectification.write([own], {'response': '改口'})
            self.assertMessage(cm, 'care_visit.msg_rectification_responded',
                rectification=own.rec_name)
            # The buttons are the supervisors'
            for button in ['close', 'reopen']:
                with self.subTest(button=button), \
                        self.assertRaises(AccessButtonError):
                    getattr(Rectification, button)([own])
        own = Rectification(data.rectification.a)
        self.assertEqual((own.state, own.response, own.deadline),
            ('responded', '已补送并更换照料人', deadline))

    @with_transaction()
    def test_contractor_refused_other_rectifications(self):
        "Another contractor's rectification: not found, read nor answered"
        pool = Pool()
        Rectification = pool.get(RECTIFICATION)
        data = self.build()
        other = data.rectification.b
        with self.as_user(data.users['contractor_a']):
            self.assertEqual(Rectification.search([('id', '=', other)]), [])
            with self.assertRaises(AccessError):
                Rectification.read([other], ['requirement'])
            with self.assertRaises(AccessError):
                Rectification.write([Rectification(other)],
                    {'response': 'x'})
            with self.assertRaises(AccessError):
                Rectification.respond([Rectification(other)])
            self.assertEqual(Rectification.history_revisions([other]), [])
        other = Rectification(other)
        self.assertEqual((other.state, other.response), ('open', None))

    # -- search paths ---------------------------------------------------------

    @with_transaction()
    def test_no_probing_through_relations(self):
        """A contractor cannot learn of pending inspections, of its persons'
        assignments to other contractors, of other bidders or of identity
        numbers through the relations of its own records"""
        pool = Pool()
        Person = pool.get('social_assistance.person')
        data = self.build()
        number = Person(data.person.li).id_number
        refused = [
            (VISIT, ('checks.result', '=', 'pending')),
            (VISIT, ('checks.visits.visit', '=', data.visit.a_checked)),
            (CHECK, ('visits.visit.checks.result', '=', 'pending')),
            (CHECK_VISIT, ('visit.checks.result', '=', 'pending')),
            (RECTIFICATION, ('check.visits.visit.checks', '!=', None)),
            (VISIT, ('person.care_assignments.contract', '=',
                    data.contract.b)),
            (CHECK, ('person.care_assignments.contract.contractor', '=',
                    data.contractor.b)),
            (VISIT, ('contract.lot.bids.total', '>', 0)),
            (VISIT, ('contract.lot.contracts.contractor', '=',
                    data.contractor.b)),
            (CHECK, ('person.id_number', '=', number)),
            (CHECK_VISIT, ('visit.person.id_number', 'like', number[:10]
                    + '%')),
            (RECTIFICATION, ('check.person.id_number', '=', number)),
            (VISIT, ('person.id_number', '=', number)),
            ]
        with self.as_user(data.users['contractor_a']):
            for model, clause in refused:
                with self.subTest(model=model, clause=clause):
                    with self.assertRaises(AccessError):
                        pool.get(model).search([clause])
                    # nor hidden in an OR
                    with self.assertRaises(AccessError):
                        pool.get(model).search(
                            ['OR', ('id', '=', -1), clause])
        # Supervisors see every inspection: they search through them
        Visit = pool.get(VISIT)
        with self.as_user(data.users['supervisor']):
            self.assertEqual(ids(Visit.search([
                            ('checks.result', '=', 'pending')])),
                sorted([data.visit.a_checked, data.visit.b_january]))

    @with_transaction()
    def test_no_relation_reaches_hidden_records(self):
        """No search path finds a contractor's records by what it may not
        see: from any project model it reads into this module's models,
        and from this module's models into any project model, every path
        (up to PATH_DEPTH fields) is refused or finds nothing"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        data = self.build()
        user = data.users['contractor_a']
        names = [n for n, M in pool.iterobject()
            if project_model(n) and issubclass(M, ModelSQL)]
        with self.as_user(user):
            access = ModelAccess.get_access(names)
        readable = {n for n in names if access[n]['read']}

        def listed(model):
            with Transaction().set_context(LIST_CONTEXT):
                return set(map(int, pool.get(model).search([])))
        hidden = {}
        for model in readable:
            everything = listed(model)
            with self.as_user(user):
                hidden[model] = everything - listed(model)
        self.assertTrue(hidden[VISIT] and hidden[CHECK]
            and hidden[CHECK_VISIT] and hidden[RECTIFICATION])

        probed, refused = [], []
        for start, path, target in self.paths(readable):
            if not (start in VISIT_MODELS or target in VISIT_MODELS):
                continue
            if not hidden[target]:
                continue
            Model = pool.get(start)
            clause = (path + '.id', 'in', sorted(hidden[target]))
            with self.subTest(model=start, path=path), \
                    self.as_user(user, **LIST_CONTEXT):
                try:
                    found = Model.search([clause])
                except AccessError:
                    refused.append((start, path))
                    continue
                probed.append((start, path))
                self.assertEqual(found, [],
                    msg=f'{start} {path} reaches hidden {target}')
        # The sweep met the relations that lead to hidden records
        self.assertIn((VISIT, 'checks'), refused)
        self.assertIn((VISIT, 'person.care_assignments'), refused)
        self.assertIn((CHECK_VISIT, 'visit.checks'), refused)
        self.assertTrue(probed)

    def paths(self, models):
        """Yield (model, path, target) for the relational search paths from
        each model through models, up to PATH_DEPTH fields; Tryton's own
        create_uid and write_uid are left out"""
        pool = Pool()
        for start in sorted(models):
            queue = deque([(pool.get(start), '', 0)])
            while queue:
                Model, prefix, depth = queue.popleft()
                if depth >= PATH_DEPTH:
                    continue
                for name, field in sorted(Model._fields.items()):
                    if name in {'create_uid', 'write_uid'}:
                        continue
                    if field._type not in {
                            'many2one', 'one2many', 'many2many'}:
                        continue
                    if (isinstance(field, fields.Function)
                            and not field.searcher):
                        continue
                    Target = field.get_target()
                    if Target.__name__ not in models:
                        continue
                    path = prefix + name
                    yield start, path, Target.__name__
                    queue.append((Target, path + '.', depth + 1))


if __name__ == '__main__':
    unittest.main()
