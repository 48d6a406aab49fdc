# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who sees what (DESIGN.md, Access): a contractor sees only its own
contracts, assignments and assigned persons (identity numbers masked);
nobody but procurement sees other bidders' prices before the award.

Every check runs as a real user with access checks on
(`_check_access=True`), as RPC calls do.  Searches that would probe what
a user may not read (identity numbers, bids through lots) are refused."""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace


from trytond.model.exceptions import AccessError
from trytond.modules.social_assistance import identity
from trytond.modules.social_assistance.tests.tools import (
    create_divisions, make_id_number)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_bureau, create_contractors

START = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)
MONTH = '2025-03'
CONTRACT = 'care.contract'
LINE = 'care.contract.line'
ASSIGNMENT = 'care.contract.assignment'
PLAN = 'care.contract.assignment.plan'
SERVICE_LIST = 'care.service_list'
BID = 'care.procurement.bid'
BID_LINE = 'care.procurement.bid.line'
PERSON = 'social_assistance.person'
GUARDIAN = 'social_assistance.guardian'
ASSESSMENT = 'social_assistance.assessment'
SUSPENSION = 'social_assistance.person.suspension'
# The party identifier type of the 统一社会信用代码 in Tryton 8.0
USCC_TYPE = 'cn_vat'

# Models on a table query: never written nor deleted
QUERY_MODELS = {SERVICE_LIST}
# Values written in the attempts: any would do, access comes first
WRITES = {
    CONTRACT: {'penalty_per_failed_check': Decimal(1)},
    LINE: {'unit_price': Decimal(1)},
    ASSIGNMENT: {'end_date': dt.date(2025, 6, 30)},
    PLAN: {'quantity': Decimal(1)},
    BID: {'technical_score': Decimal(1)},
    BID_LINE: {'unit_price': Decimal(1)},
    PERSON: {'phone': '13800000000'},
    GUARDIAN: {'phone': '13800000000'},
    ASSESSMENT: {'assessor': 'Y'},
    SUSPENSION: {'reason': 'Y'},
    }


def masked(number):
    "The identity number as users outside the registry see it"
    return number[:6] + '*' * 8 + number[-4:]


def ids(records):
    return sorted(map(int, records))


class AccessTestCase(ActivatedTestCase):
    "Contractors', registry officers' and procurement's access"

    # -- data -------------------------------------------------------------

    def build(self):
        """Two contractors with a bid each on one open lot, a running
        contract each with an assigned person (guardian, assessment,
        suspension, care plan), an unassigned person, users; return ids.

        B's bid wins: lower prices, higher technical score."""
        pool = Pool()
        pool.get('party.party')
        pool.get('social_assistance.division')
        Person = pool.get(PERSON)
        Guardian = pool.get(GUARDIAN)
        Assessment = pool.get(ASSESSMENT)
        Suspension = pool.get(SUSPENSION)
        Service = pool.get('care.service')
        Procurement = pool.get('care.procurement')
        Bid = pool.get(BID)
        Contract = pool.get(CONTRACT)
        Assignment = pool.get(ASSIGNMENT)
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')

        company = create_bureau('莘县民政局')
        county, town, village = create_divisions(
            '莘县', '燕店镇', '燕店村', town_code='371522101')
        meal, = Service.search([('code', '=', 'HC-MEAL')])
        clean, = Service.search([('code', '=', 'HC-CLEAN')])

        contractor_a, contractor_b = create_contractors(
            '甲居家养老服务中心', '乙养老服务有限公司')

        numbers = {
            'a': make_id_number(birth='19400312', sequence='102'),
            'b': make_id_number(birth='19380521', sequence='215'),
            'none': make_id_number(birth='19471103', sequence='321'),
            'guardian_a': make_id_number(birth='19700101', sequence='111'),
            'guardian_b': make_id_number(birth='19720202', sequence='222'),
            }
        names = {'a': '张桂兰', 'b': '李德福', 'none': '王秀英',
            'guardian_a': '张大', 'guardian_b': '李二'}
        person_a, person_b, person_none = Person.create([{
                    'name': names[key], 'id_number': numbers[key],
                    'division': village.id, 'support_mode': 'scattered',
                    'start_date': dt.date(2020, 1, 1),
                    } for key in ['a', 'b', 'none']])
        guardian_a, guardian_b = Guardian.create([{
                    'person': person.id, 'name': names[key],
                    'id_number': numbers[key], 'relation': 'child',
                    'start_date': dt.date(2020, 1, 1),
                    } for person, key in [
                    (person_a, 'guardian_a'), (person_b, 'guardian_b')]])
        assessment_a, assessment_b = Assessment.create([{
                    'person': p.id, 'date': dt.date(2024, 6, 1),
                    'assessor': 'X'} for p in [person_a, person_b]])
        suspension_a, suspension_b = Suspension.create([{
                    'person': p.id, 'from_date': dt.date(2021, 1, 1),
                    'to_date': dt.date(2021, 2, 1), 'reason': 'hospital'}
                for p in [person_a, person_b]])

        lot_services = [{
                'service': s.id,
                'ceiling_price': Decimal(60),
                'estimated_quantity': Decimal(100),
                } for s in [meal, clean]]
        procurement, = Procurement.create([{
                    'name': '2025年特困人员居家照护服务',
                    'company': company.id,
                    'year': 2025,
                    'budget': Decimal(100000),
                    # 竞争性磋商 of services: two valid bids are enough
                    'method': 'competitive_consultation',
                    'lots': [('create', [{
                                    'name': '燕店镇',
                                    'kind': 'home_care',
                                    'budget': Decimal(100000),
                                    'towns': [('add', [town.id])],
                                    'services': [('create', lot_services)],
                                    }])],
                    }])
        Procurement.publish([procurement])
        lot, = procurement.lots
        prices = {'a': Decimal('47.25'), 'b': Decimal('41.50')}
        bid_a, bid_b = Bid.create([{
                    'lot': lot.id,
                    'contractor': contractor.id,
                    'technical_score': score,
                    'lines': [('create', [{
                                    'service': s.id,
                                    'unit_price': price,
                                    } for s in [meal, clean]])],
                    } for contractor, price, score in [
                    (contractor_a, prices['a'], Decimal(50)),
                    (contractor_b, prices['b'], Decimal(60))]])

        contract_a, contract_b = Contract.create([{
                    'company': company.id,
                    'contractor': contractor.id,
                    'kind': 'home_care',
                    'start_date': START,
                    'end_date': END,
                    'amount': amount,
                    'lines': [('create', [{
                                    'service': s.id,
                                    'unit_price': Decimal(45),
                                    'monthly_cap': Decimal(8),
                                    } for s in [meal, clean]])],
                    } for contractor, amount in [
                    (contractor_a, Decimal(50000)),
                    (contractor_b, Decimal('43210.98'))]])
        Contract.run([contract_a, contract_b])
        assignment_a, assignment_b = Assignment.create([{
                    'contract': contract.id,
                    'person': person.id,
                    'start_date': START,
                    'end_date': END,
                    'plan': [('create', [{
                                    'service': s.id,
                                    'quantity': Decimal(8),
                                    } for s in [meal, clean]])],
                    } for contract, person in [
                    (contract_a, person_a), (contract_b, person_b)]])

        def group(xml_id):
            return ModelData.get_id(*xml_id.split('.'))
        contractor_group = group('care_procurement.group_contractor')
        users = User.create([{
                    'login': login, 'name': login,
                    'groups': [('add', groups)],
                    'care_contractor': contractor,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    } for login, groups, contractor in [
                    ('contractor_a', [contractor_group], contractor_a.id),
                    ('contractor_b', [contractor_group], contractor_b.id),
                    ('contractor_unlinked', [contractor_group], None),
                    ('registry',
                        [group('social_assistance.group_registry')], None),
                    ('procurement',
                        [group('care_procurement.group_procurement')], None),
                    ('nobody', [], None),
                    ]])

        def pair(a, b):
            "The ids of A's and B's records"
            return SimpleNamespace(a=ids(a), b=ids(b))
        plans = pair(assignment_a.plan, assignment_b.plan)
        ServiceList = pool.get(SERVICE_LIST)
        with Transaction().set_context(service_month=MONTH):
            service_lists = pair(*(ServiceList.search([
                            ('contract', '=', c.id)])
                    for c in [contract_a, contract_b]))
        self.assertTrue(service_lists.a and service_lists.b)
        return SimpleNamespace(
            company=company.id, procurement=procurement.id, lot=lot.id,
            town=town.id, numbers=numbers, names=names, prices=prices,
            contractor=SimpleNamespace(a=contractor_a.id, b=contractor_b.id),
            person_none=person_none.id,
            users={u.login: u.id for u in users},
            records={
                CONTRACT: pair([contract_a], [contract_b]),
                LINE: pair(contract_a.lines, contract_b.lines),
                ASSIGNMENT: pair([assignment_a], [assignment_b]),
                PLAN: plans,
                SERVICE_LIST: service_lists,
                BID: pair([bid_a], [bid_b]),
                BID_LINE: pair(bid_a.lines, bid_b.lines),
                PERSON: pair([person_a], [person_b]),
                GUARDIAN: pair([guardian_a], [guardian_b]),
                ASSESSMENT: pair([assessment_a], [assessment_b]),
                SUSPENSION: pair([suspension_a], [suspension_b]),
                })

    def award(self, data):
        "Evaluate the bids and award the lot (as root)"
        Procurement = Pool().get('care.procurement')
        procurement = Procurement(data.procurement)
        Procurement.evaluate([procurement])
        Procurement.award([procurement])
        lot, = Procurement(data.procurement).lots
        self.assertEqual(lot.state, 'awarded')
        self.assertEqual(lot.awarded_bid.id, data.records[BID].b[0])

    @contextmanager
    def as_user(self, user_id, **context):
        "Act as the user, with its context and access checks, as RPC does"
        User = Pool().get('res.user')
        transaction = Transaction()
        with transaction.set_user(user_id):
            preferences = User.get_preferences(context_only=True)
            with transaction.set_context(preferences,
                    service_month=MONTH, _check_access=True, **context):
                yield

    # -- a contractor and the others' records --------------------------------

    @with_transaction()
    def test_contractor_sees_only_own_records(self):
        "A contractor's search finds its own records and nothing else"
        pool = Pool()
        data = self.build()
        for login, side in [('contractor_a', 'a'), ('contractor_b', 'b')]:
            with self.as_user(data.users[login]):
                for model, pair in data.records.items():
                    with self.subTest(user=login, model=model):
                        Model = pool.get(model)
                        own = getattr(pair, side)
                        self.assertEqual(ids(Model.search([])), own)
                        self.assertEqual(Model.search_count([]), len(own))
                        rows = Model.read(own, ['rec_name'])
                        self.assertEqual(ids(r['id'] for r in rows), own)
                Person = pool.get(PERSON)
                self.assertEqual(Person.search([
                            ('id', '=', data.person_none)]), [])

    @with_transaction()
    def test_contractor_refused_other_contractor_records(self):
        "Another contractor's records: not found, read, written or deleted"
        pool = Pool()
        Rule = pool.get('ir.rule')
        data = self.build()
        checked = 0
        with self.as_user(data.users['contractor_a']):
            for model, pair in data.records.items():
                Model = pool.get(model)
                others = pair.b
                for other in others:
                    with self.subTest(model=model, operation='search'):
                        self.assertEqual(
                            Model.search([('id', '=', other)]), [])
                        self.assertEqual(
                            Model.search_count([('id', '=', other)]), 0)
                        self.assertEqual(Model.search_read(
                                [('id', '=', other)], fields_names=['id']),
                            [])
                    with self.subTest(model=model, operation='read'):
                        with self.assertRaises(AccessError):
                            Model.read([other], ['id'])
                    with self.subTest(model=model, operation='read mixed'):
                        with self.assertRaises(AccessError):
                            Model.read(pair.a + [other], ['rec_name'])
                    if model not in QUERY_MODELS:
                        with self.subTest(model=model, operation='write'):
                            with self.assertRaises(AccessError):
                                Model.write([Model(other)], WRITES[model])
                        with self.subTest(model=model, operation='delete'):
                            with self.assertRaises(AccessError):
                                Model.delete([Model(other)])
                    if Model._history:
                        with self.subTest(model=model, operation='history'):
                            self.assertEqual(
                                Model.history_revisions([other]), [])
                            self.assertTrue(
                                Model.history_revisions(pair.a))
                    # The record rules themselves refuse writing and
                    # deleting, whatever model access may grant one day
                    for mode in ['read', 'write', 'delete']:
                        with self.subTest(model=model, rule=mode):
                            with self.assertRaises(AccessError):
                                Rule.check(model, [other], mode=mode)
                    checked += 1
                for mode in ['read', 'write', 'delete']:
                    with self.subTest(model=model, own_rule=mode):
                        Rule.check(model, pair.a, mode=mode)
            Person = pool.get(PERSON)
            with self.assertRaises(AccessError):
                Person.read([data.person_none], ['name'])
        self.assertEqual(checked,
            sum(len(p.b) for p in data.records.values()))
        # Nothing of B's changed
        for model, pair in data.records.items():
            if model in QUERY_MODELS:
                continue
            Model = pool.get(model)
            for record in Model.browse(pair.b):
                for name, value in WRITES[model].items():
                    self.assertNotEqual(getattr(record, name), value,
                        msg=f'{model} {name}')
                self.assertTrue(Model.search([('id', '=', record.id)]))

    @with_transaction()
    def test_contractor_follows_own_relations_only(self):
        "Reading relations of public or own records lists only own records"
        pool = Pool()
        Lot = pool.get('care.procurement.lot')
        Contract = pool.get(CONTRACT)
        Person = pool.get(PERSON)
        Party = pool.get('party.party')
        data = self.build()
        with self.as_user(data.users['contractor_a']):
            lot, = Lot.read([data.lot], ['bids', 'contracts'])
            self.assertEqual(list(lot['bids']), data.records[BID].a)
            person, = Person.read(data.records[PERSON].a,
                ['care_assignments', 'guardians', 'assessments',
                    'suspensions'])
            self.assertEqual(list(person['care_assignments']),
                data.records[ASSIGNMENT].a)
            self.assertEqual(list(person['guardians']),
                data.records[GUARDIAN].a)
            contract, = Contract.read(data.records[CONTRACT].a,
                ['assignments', 'lines'])
            self.assertEqual(list(contract['assignments']),
                data.records[ASSIGNMENT].a)
            # Searching own records through the other's: nothing
            self.assertEqual(Contract.search([
                        ('assignments.person', 'in',
                            data.records[PERSON].b)]), [])
            self.assertEqual(Person.search([
                        ('care_assignments.contract', 'in',
                            data.records[CONTRACT].b)]), [])
            self.assertEqual(Person.search([
                        ('guardians.name', '=', data.names['guardian_b'])]),
                [])
            # The contractor's own party is readable
            self.assertEqual(ids(Party.search([
                            ('id', '=', data.contractor.a)])),
                [data.contractor.a])

    @with_transaction()
    def test_contractor_cannot_relink_itself(self):
        "A contractor's user cannot point itself at another contractor"
        pool = Pool()
        User = pool.get('res.user')
        Contract = pool.get(CONTRACT)
        data = self.build()
        user_a = data.users['contractor_a']
        transaction = Transaction()
        # set_preferences runs without access checks over RPC
        # (RPC(check_access=False)): it must not take care_contractor
        with transaction.set_user(user_a), \
                transaction.set_context(_check_access=False):
            User.set_preferences({'care_contractor': data.contractor.b})
        self.assertEqual(User(user_a).care_contractor.id, data.contractor.a)
        with self.as_user(user_a):
            with self.assertRaises(AccessError):
                User.write([User(user_a)],
                    {'care_contractor': data.contractor.b})
            self.assertEqual(ids(Contract.search([])),
                data.records[CONTRACT].a)
            # A client's context does not change what the rules use
            with transaction.set_context(care_contractor=data.contractor.b):
                self.assertEqual(ids(Contract.search([])),
                    data.records[CONTRACT].a)
        self.assertEqual(User(user_a).care_contractor.id, data.contractor.a)

    @with_transaction()
    def test_rules_follow_the_user(self):
        "Contractors in turn in one transaction: each sees its own"
        pool = Pool()
        User = pool.get('res.user')
        Contract = pool.get(CONTRACT)
        data = self.build()
        records = data.records[CONTRACT]
        for _ in range(2):
            for login, expected in [
                    ('contractor_a', records.a), ('contractor_b', records.b)]:
                with self.as_user(data.users[login]):
                    self.assertEqual(ids(Contract.search([])), expected)
        # Re-linked by an administrator, the user sees the other's
        User.write([User(data.users['contractor_a'])],
            {'care_contractor': data.contractor.b})
        with self.as_user(data.users['contractor_a']):
            self.assertEqual(ids(Contract.search([])), records.b)

    @with_transaction()
    def test_unlinked_contractor_sees_nothing(self):
        "A contractor-group user linked to no contractor sees no one's"
        pool = Pool()
        data = self.build()
        with self.as_user(data.users['contractor_unlinked']):
            for model in data.records:
                with self.subTest(model=model):
                    self.assertEqual(pool.get(model).search([]), [])
            self.assertEqual(pool.get(PERSON).search([]), [])

    @with_transaction()
    def test_other_persons_parties_hidden(self):
        "No other persons at all: not even their parties' names"
        # Every person has a party.party named after the person, which any
        # user may read: a contractor lists all persons' names there.
        pool = Pool()
        Party = pool.get('party.party')
        Person = pool.get(PERSON)
        data = self.build()
        others = [Person(data.records[PERSON].b[0]).party.id,
            Person(data.person_none).party.id]
        with self.as_user(data.users['contractor_a']):
            found = Party.search([('id', 'in', others)])
        self.assertEqual(found, [])

    @with_transaction()
    def test_no_probing_persons_through_lot_contracts(self):
        "Another contractor's persons cannot be probed through the lot"
        # Lots are public; searching them by contracts.assignments.person
        # tells whether a given identity number is assigned to the lot's
        # contract (Tryton does not apply the target's rules in
        # relational search domains).
        pool = Pool()
        Lot = pool.get('care.procurement.lot')
        Assignment = pool.get(ASSIGNMENT)
        data = self.build()
        self.award(data)
        contract, = Lot.create_contract([Lot(data.lot)])
        Assignment.create([{'contract': contract.id,
                    'person': data.person_none, 'start_date': START,
                    'end_date': END}])
        with self.as_user(data.users['contractor_a']):
            with self.assertRaises(AccessError):
                Lot.search([
                        ('contracts.assignments.person.id_number', '=',
                            data.numbers['none'])])
            with self.assertRaises(AccessError):
                Lot.search([('contracts.assignments.person', '=',
                            data.person_none)])

    # -- identity numbers ----------------------------------------------------

    @with_transaction()
    def test_contractor_reads_masked_identity_numbers(self):
        "The contractor's persons' and guardians' numbers are masked"
        pool = Pool()
        Person = pool.get(PERSON)
        Guardian = pool.get(GUARDIAN)
        Assignment = pool.get(ASSIGNMENT)
        data = self.build()
        number = data.numbers['a']
        guardian_number = data.numbers['guardian_a']
        self.assertEqual(identity.mask(number), masked(number))
        self.assertEqual(len(masked(number)), 18)
        person_id, = data.records[PERSON].a
        with self.as_user(data.users['contractor_a']):
            person, = Person.read([person_id], ['id_number', 'rec_name'])
            self.assertEqual(person['id_number'], masked(number))
            self.assertNotIn(number, person['rec_name'])
            self.assertIn(masked(number), person['rec_name'])
            row, = Person.search_read([('id', '=', person_id)],
                fields_names=['id_number'])
            self.assertEqual(row['id_number'], masked(number))
            guardian, = Guardian.read(data.records[GUARDIAN].a,
                ['id_number', 'person.id_number'])
            self.assertEqual(guardian['id_number'], masked(guardian_number))
            self.assertEqual(guardian['person.']['id_number'],
                masked(number))
            assignment, = Assignment.read(data.records[ASSIGNMENT].a,
                ['person.id_number', 'person.rec_name', 'rec_name'])
            self.assertEqual(assignment['person.']['id_number'],
                masked(number))
            self.assertNotIn(number, assignment['person.']['rec_name'])
            self.assertNotIn(number, assignment['rec_name'])
        # The registry sees the number itself
        with self.as_user(data.users['registry']):
            person, = Person.read([person_id], ['id_number'])
            self.assertEqual(person['id_number'], number)

    @with_transaction()
    def test_identity_numbers_exported_masked(self):
        "export_data gives the masked number too"
        # export_data reads through records, without the mask
        pool = Pool()
        Person = pool.get(PERSON)
        data = self.build()
        number = data.numbers['a']
        with self.as_user(data.users['contractor_a']):
            rows = Person.export_data(
                Person.browse(data.records[PERSON].a), ['id_number'])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows, [[masked(number)]])

    @with_transaction()
    def test_no_probing_identity_numbers(self):
        "The masked digits cannot be probed by search"
        pool = Pool()
        Person = pool.get(PERSON)
        data = self.build()
        number = data.numbers['a']
        with self.as_user(data.users['contractor_a']):
            # The birth date is among the masked digits
            self.assertEqual(len(Person.search([])), 1)
            for operator, value in [('like', number[:14] + '%'),
                    ('=', number), ('>', number[:10])]:
                with self.assertRaises(AccessError):
                    Person.search([('id_number', operator, value)])
            with self.assertRaises(AccessError):
                Person.search(['OR', ('name', '=', 'x'),
                        ('guardians.id_number', 'like', '3%')])
            # The name still finds the person
            self.assertEqual(len(Person.search([
                            ('rec_name', 'ilike', '%')])), 1)

    # -- bids before and after the award ------------------------------------

    def assert_sees_bids(self, data, login, expected):
        "The user finds and reads the bids (and lines) of sides expected"
        pool = Pool()
        Bid = pool.get(BID)
        BidLine = pool.get(BID_LINE)
        Lot = pool.get('care.procurement.lot')
        bids = data.records[BID]
        lines = data.records[BID_LINE]
        expected_bids = sorted(i for s in expected for i in getattr(bids, s))
        expected_lines = sorted(
            i for s in expected for i in getattr(lines, s))
        with self.as_user(data.users[login]):
            self.assertEqual(ids(Bid.search([])), expected_bids)
            self.assertEqual(ids(BidLine.search([])), expected_lines)
            lot, = Lot.read([data.lot], ['bids'])
            self.assertEqual(sorted(lot['bids']), expected_bids)
            for side in ['a', 'b']:
                if side in expected:
                    Bid.read(getattr(bids, side), ['total', 'lines'])
                    BidLine.read(getattr(lines, side), ['unit_price'])
                    continue
                for bid in getattr(bids, side):
                    with self.assertRaises(AccessError):
                        Bid.read([bid], ['total'])
                for line in getattr(lines, side):
                    with self.assertRaises(AccessError):
                        BidLine.read([line], ['unit_price'])
                self.assertEqual(BidLine.search([
                            ('unit_price', '=', data.prices[side])]), [])

    @with_transaction()
    def test_bids_hidden_until_award(self):
        "Before the award only procurement sees the bids; after it others do"
        data = self.build()
        for login in ['registry', 'nobody', 'contractor_unlinked']:
            with self.subTest(user=login, lot='open'):
                self.assert_sees_bids(data, login, [])
        with self.subTest(user='procurement', lot='open'):
            self.assert_sees_bids(data, 'procurement', ['a', 'b'])
        for login, side in [('contractor_a', 'a'), ('contractor_b', 'b')]:
            with self.subTest(user=login, lot='open'):
                self.assert_sees_bids(data, login, [side])

        self.award(data)
        for login in ['registry', 'procurement', 'nobody']:
            with self.subTest(user=login, lot='awarded'):
                self.assert_sees_bids(data, login, ['a', 'b'])
        # A contractor never sees another contractor's bid
        for login, side in [('contractor_a', 'a'), ('contractor_b', 'b')]:
            with self.subTest(user=login, lot='awarded'):
                self.assert_sees_bids(data, login, [side])

    @with_transaction()
    def test_bids_hidden_while_evaluating(self):
        "Scored and chosen but not awarded: the bids stay hidden"
        pool = Pool()
        Procurement = pool.get('care.procurement')
        Lot = pool.get('care.procurement.lot')
        data = self.build()
        Procurement.evaluate([Procurement(data.procurement)])
        lot = Lot(data.lot)
        lot.awarded_bid = data.records[BID].b[0]
        lot.save()
        self.assertEqual(Lot(data.lot).state, 'open')
        self.assert_sees_bids(data, 'registry', [])
        self.assert_sees_bids(data, 'contractor_a', ['a'])
        with self.as_user(data.users['registry']):
            with self.assertRaises(AccessError):
                Lot.read([data.lot], ['awarded_bid.total'])

    @with_transaction()
    def test_no_probing_bid_prices_through_lots(self):
        "Prices of an open lot's bids cannot be probed through the lot"
        # Lots are public; Tryton does not apply the bids' rules in the
        # subquery of a relational search domain
        pool = Pool()
        Lot = pool.get('care.procurement.lot')
        data = self.build()
        for login in ['registry', 'contractor_a']:
            with self.as_user(data.users[login]):
                for path in ['bids.lines.unit_price', 'awarded_bid.total',
                        'procurement.lots.bids.total']:
                    with self.subTest(user=login, path=path):
                        with self.assertRaises(AccessError):
                            Lot.search([(path, '=', data.prices['b'])])
        # The procurement group searches as it likes
        with self.as_user(data.users['procurement']):
            self.assertEqual(ids(Lot.search([
                            ('bids.lines.unit_price', '=',
                                data.prices['b'])])), [data.lot])
