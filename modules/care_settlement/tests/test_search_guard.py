# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What a user may not read cannot be probed by search, export or history
(DESIGN.md "Identity numbers", "Access").

The generic test walks every model of the pool (care_settlement depends on
all the modules) and every relational path of up to four steps that ends in
a guarded value: a new model or field is covered without anyone
remembering.  Every check runs as a real user with access checks on, as
RPC does."""
import datetime as dt
from collections import defaultdict

from trytond.model import ModelSQL, ModelStorage
from trytond.model.exceptions import AccessError
from trytond.modules.care_procurement.tests import (
    test_access as procurement_access)
from trytond.modules.care_settlement.tests.tools import (
    ActivatedTestCase, create_world_with_books, meals)
from trytond.modules.care_visit.tests.tools import create_visits, create_world
from trytond.modules.social_assistance.search_guard import (
    GuardedSearchMixin, ruled_domain)
from trytond.modules.social_assistance.tests.tools import acting_as
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

PERSON = 'social_assistance.person'
GUARDIAN = 'social_assistance.guardian'
BID_LINE = 'care.procurement.bid.line'
ASSIGNMENT = 'care.contract.assignment'
MAX_STEPS = 4
# The groups of the users the generic test searches as
GROUPS = {
    'registry': ['social_assistance.group_registry'],
    'procurement': ['care_procurement.group_procurement'],
    'supervision': ['care_visit.group_supervision'],
    'finance': ['care_settlement.group_finance', 'account.group_account'],
    'contractor_a': ['care_procurement.group_contractor'],
    }


def relational_fields(Model):
    "Yield (name, target model name) of the fields of Model with a target"
    for name, field in Model._fields.items():
        if not hasattr(field, 'get_target'):
            continue
        try:
            target = field.get_target()
        except Exception:
            continue
        yield name, target.__name__


def guarded_paths(pool, guarded, max_steps=MAX_STEPS):
    """Yield (model name, path, guarded (model, field)) for every path of 1
    to max_steps relational steps from any model to a guarded field"""
    models = {name: Model for name, Model in pool.iterobject()
        if isinstance(Model, type) and issubclass(Model, ModelStorage)
        and not Model.__name__.startswith('ir.')
        and getattr(Model, '_fields', None)}
    edges = {name: list(relational_fields(Model))
        for name, Model in models.items()}
    # The fewest steps from each model to each guarded field's model
    distance = {}
    for leaf_model, _ in guarded:
        steps = {leaf_model: 0}
        frontier = {leaf_model}
        for depth in range(1, max_steps + 1):
            frontier = {name for name, targets in edges.items()
                if name not in steps
                and any(t in frontier for _, t in targets)}
            steps.update((name, depth) for name in frontier)
        distance[leaf_model] = steps

    def walk(model, path, left, leaf):
        leaf_model, leaf_field = leaf
        for name, target in edges.get(model, []):
            if distance[leaf_model].get(target, max_steps + 1) > left - 1:
                continue
            step = path + [name]
            if target == leaf_model:
                yield step + [leaf_field]
            if left > 1:
                yield from walk(target, step, left - 1, leaf)

    for leaf in guarded:
        for name in models:
            for path in walk(name, [], max_steps, leaf):
                yield name, '.'.join(path), leaf


class SearchGuardTestCase(ActivatedTestCase):
    "Searches, exports and revisions give only what the user may read"

    def build(self):
        """care_procurement's access world (an open lot with two bids, a
        contract each with a person, guardians, assessments) with a user
        of each group"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        data = procurement_access.AccessTestCase.build(self)
        for login in ['supervision', 'finance']:
            user, = User.create([{
                        'login': login, 'name': login,
                        'groups': [('add', [ModelData.get_id(*g.split('.'))
                                    for g in GROUPS[login]])],
                        'companies': [('add', [data.company])],
                        'company': data.company,
                        }])
            data.users[login] = user.id
        return data

    def as_user(self, user_id, **context):
        # The month the service lists (a query model) show
        return acting_as(user_id, service_month=procurement_access.MONTH,
            **context)

    def secrets(self, data):
        """{login: {(model, field): value}}: a value of another's record each
        user may not search on (numbers and birth dates outside the
        registry, bid prices outside procurement on the open lot)"""
        Person = Pool().get(PERSON)
        person_b = Person(data.records[PERSON].b[0])
        identity = {
            (PERSON, 'id_number'): data.numbers['b'],
            (PERSON, 'birth_date'): person_b.birth_date,
            (GUARDIAN, 'id_number'): data.numbers['guardian_b'],
            }
        prices = {(BID_LINE, 'unit_price'): data.prices['b']}
        return {
            'registry': prices,
            'procurement': identity,
            'supervision': {**identity, **prices},
            'finance': {**identity, **prices},
            'contractor_a': {**identity, **prices},
            }

    @with_transaction()
    def test_every_path_to_a_guarded_value_is_refused(self):
        """For every readable model, every relational path to a value the
        user may not read is refused"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        data = self.build()
        secrets = self.secrets(data)
        paths = defaultdict(list)
        for model, path, leaf in guarded_paths(pool, {
                    leaf for values in secrets.values() for leaf in values}):
            paths[leaf].append((model, path))
        # The paths the probe took are among them
        self.assertIn(('care.procurement.lot.service',
                'lot.contracts.assignments.person.id_number'),
            paths[(PERSON, 'id_number')])
        self.assertIn(('care.settlement.line', 'person.id_number'),
            paths[(PERSON, 'id_number')])
        self.assertIn(('care.procurement.lot.service',
                'lot.bids.lines.unit_price'), paths[(BID_LINE, 'unit_price')])
        tried = 0
        for login, values in secrets.items():
            with self.as_user(data.users[login]):
                access = ModelAccess.get_access(
                    list({m for leaf in values for m, _ in paths[leaf]}))
                for leaf, value in values.items():
                    for model, path in paths[leaf]:
                        if not access[model]['read']:
                            continue
                        Model = pool.get(model)
                        with self.subTest(user=login, model=model, path=path):
                            tried += 1
                            with self.assertRaises(AccessError):
                                Model.search_count([(path, '=', value)])
        self.assertGreater(tried, 100)

    @with_transaction()
    def test_rules_apply_inside_paths(self):
        """A path applies the read rules of every model it steps into
        (trytond converts paths without access checks: a public lot's
        contracts were all searched)"""
        pool = Pool()
        Contract = pool.get('care.contract')
        LotService = pool.get('care.procurement.lot.service')
        data = self.build()
        table = Contract.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.lot], [data.lot]))
        domain = [('lot.contracts.contractor', '=', data.contractor.b)]
        with self.as_user(data.users['contractor_a']):
            self.assertEqual(ModelSQL.search.__func__(
                    LotService, domain, count=True), 2)
            ruled = ruled_domain(LotService, domain)
            self.assertEqual(ModelSQL.search.__func__(
                    LotService, ruled, count=True), 0)
            self.assertEqual(ModelSQL.search.__func__(
                    LotService, ruled_domain(LotService, [
                            ('lot.contracts.contractor', '=',
                                data.contractor.a)]), count=True), 2)
            # Through the guard the path is refused outright
            with self.assertRaises(AccessError):
                LotService.search(domain)
        with self.as_user(data.users['procurement']):
            self.assertEqual(LotService.search_count(domain), 2)

    @with_transaction()
    def test_guard_and_history_on_every_model(self):
        "Every model of the pool, with history or not, has the guard"
        pool = Pool()
        for name, Model in pool.iterobject():
            if issubclass(Model, ModelStorage):
                with self.subTest(model=name):
                    self.assertTrue(issubclass(Model, GuardedSearchMixin))

    @with_transaction()
    def test_export_only_readable_records(self):
        """An export of records or through paths the user may not read is
        refused; the user's own records export as read gives them"""
        pool = Pool()
        data = self.build()
        Person = pool.get(PERSON)
        Assignment = pool.get(ASSIGNMENT)
        Lot = pool.get('care.procurement.lot')
        LotService = pool.get('care.procurement.lot.service')
        with self.as_user(data.users['contractor_a']):
            # The probe: another contractor's persons by id
            with self.assertRaises(AccessError):
                Person.export_data(Person.browse(data.records[PERSON].b),
                    ['name', 'id_number', 'phone', 'address'])
            for model, pair in data.records.items():
                Model = pool.get(model)
                with self.subTest(model=model):
                    with self.assertRaises(AccessError):
                        Model.export_data(Model.browse(pair.b), ['id'])
                    self.assertEqual(Model.export_data_domain(
                            [('id', 'in', pair.b)], ['id']), [])
                    rows = Model.export_data(Model.browse(pair.a), ['id'])
                    self.assertEqual(sorted(r[0] for r in rows), pair.a)
            # Competitors' prices through the public lot, before the award
            with self.assertRaises(AccessError):
                Lot.export_data([Lot(data.lot)], ['bids/lines/unit_price'])
            with self.assertRaises(AccessError):
                LotService.export_data(LotService.browse(
                        [s.id for s in Lot(data.lot).services]),
                    ['lot/bids/total'])
            # Its own assignment's person: masked, no birth date
            own = Assignment.browse(data.records[ASSIGNMENT].a)
            rows = Assignment.export_data(own, ['person/id_number'])
            self.assertEqual(rows, [[procurement_access.masked(
                            data.numbers['a'])]])
            with self.assertRaises(AccessError):
                Assignment.export_data(own, ['person/birth_date'])
            self.assertEqual(len(Assignment.export_data(
                        own, ['person/age'])), 1)

    @with_transaction()
    def test_birth_date_registry_only(self):
        """Outside the registry no one reads, searches or exports a birth
        date (test_order_is_no_probe: nor orders by it); they read the
        age"""
        pool = Pool()
        Person = pool.get(PERSON)
        Assignment = pool.get(ASSIGNMENT)
        data = self.build()
        person_id, = data.records[PERSON].a
        birth_date = Person(person_id).birth_date
        age = Person(person_id).age
        self.assertTrue(birth_date and age)
        for login in ['contractor_a', 'procurement', 'supervision',
                'finance']:
            with self.subTest(user=login), self.as_user(data.users[login]):
                if login == 'contractor_a':
                    person, = Person.read([person_id], ['age', 'gender'])
                    self.assertEqual(person['age'], age)
                for probe in [
                        lambda: Person.read([person_id], ['birth_date']),
                        lambda: Person.search([('birth_date', '=',
                                    birth_date)]),
                        lambda: Assignment.search([('person.birth_date', '<',
                                    dt.date(2000, 1, 1))]),
                        lambda: Person.export_data(
                            Person.browse([person_id]), ['birth_date']),
                        ]:
                    with self.assertRaises(AccessError):
                        probe()
                arch = Person.fields_view_get(view_type='form')
                self.assertNotIn('birth_date', arch['fields'])
                self.assertIn('age', arch['fields'])
                with Transaction().set_context(
                        _datetime=dt.datetime.now()):
                    with self.assertRaises(AccessError):
                        Person.read([person_id], ['birth_date'])
        with self.as_user(data.users['registry']):
            person, = Person.read([person_id], ['birth_date'])
            self.assertEqual(person['birth_date'], birth_date)
            self.assertEqual(len(Person.search([
                            ('birth_date', '=', birth_date)])), 1)
            arch = Person.fields_view_get(view_type='form')
            self.assertIn('birth_date', arch['fields'])

    @with_transaction()
    def test_order_is_no_probe(self):
        """Rows ordered by identity numbers or birth dates would tell the
        order of their hidden digits: outside the registry such an order is
        left out (the client sorts lists by the number column)"""
        pool = Pool()
        Person = pool.get(PERSON)
        Assignment = pool.get(ASSIGNMENT)
        data = self.build()

        def ordered_by_number(Model, order=None):
            sql, _ = tuple(Model.search([], order=order, query=True))
            return '"id_number"' in sql.split('ORDER BY')[-1]
        for login, hidden in [('contractor_a', True), ('supervision', True),
                ('registry', False)]:
            with self.subTest(user=login), self.as_user(data.users[login]):
                self.assertEqual(ordered_by_number(Person), not hidden)
                self.assertEqual(ordered_by_number(
                        Person, [('id_number', 'ASC')]), not hidden)
                self.assertEqual(ordered_by_number(
                        Assignment, [('person.id_number', 'DESC')]),
                    not hidden)
                self.assertFalse(ordered_by_number(
                        Person, [('birth_date', 'ASC')]))
                self.assertTrue(Person.search([],
                        order=[('id_number', 'ASC')]))

    @with_transaction()
    def test_registry_buttons_hidden_to_others(self):
        "The client hides suspend, resume, terminate and report change"
        pool = Pool()
        Person = pool.get(PERSON)
        User = pool.get('res.user')
        data = self.build()
        for login, hidden in [('contractor_a', True), ('registry', False)]:
            with self.as_user(data.users[login]):
                groups = list(User.get_groups())
            for button in ['suspend', 'terminate', 'report_change']:
                with self.subTest(user=login, button=button):
                    states = Person._buttons[button]['invisible']
                    decoder = PYSONDecoder({'state': 'active',
                            'context': {'groups': groups}})
                    encoded = PYSONEncoder().encode(states)
                    self.assertEqual(bool(decoder.decode(encoded)), hidden)

    @with_transaction()
    def test_contractor_reads_own_and_bureau_users(self):
        """A contractor's user reads itself and the bureau's users, not the
        other contractors' users (logins, groups, contractor links)"""
        pool = Pool()
        User = pool.get('res.user')
        data = self.build()
        a, b = data.users['contractor_a'], data.users['contractor_b']
        with self.as_user(a):
            found = {u.id for u in User.search([])}
            self.assertIn(a, found)
            self.assertNotIn(b, found)
            self.assertIn(data.users['registry'], found)
            with self.assertRaises(AccessError):
                User.read([b], ['login', 'groups', 'care_contractor'])
            with self.assertRaises(AccessError):
                User.export_data([User(b)], ['login'])
            self.assertEqual(User.get_preferences(context_only=True)[
                    'care_contractor'], data.contractor.a)
            user, = User.read([a], ['login'])
            self.assertEqual(user['login'], 'contractor_a')


class VisitGuardTestCase(ActivatedTestCase):
    "A contractor's visits: their notes and attachments, their contracts"

    def world(self):
        "care_visit's county, an accepted visit of A, and A's user"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        world = create_world()
        visit, = create_visits(world,
            ('a1', '2025-03-03 09:00', '2025-03-03 09:40', {}))
        self.assertEqual(visit.state, 'accepted')
        user, = User.create([{
                    'login': 'contractor_a', 'name': 'contractor_a',
                    'groups': [('add', [ModelData.get_id(
                                    'care_procurement', 'group_contractor')])],
                    'care_contractor': world.contractors[0].id,
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id,
                    }])
        return world, visit, user

    def as_user(self, user):
        return acting_as(user)

    @with_transaction()
    def test_accepted_visit_notes_and_attachments_locked(self):
        """A contractor adds, changes or removes no note or attachment of
        an accepted or frozen visit"""
        pool = Pool()
        Visit = pool.get('care.visit')
        Attachment = pool.get('ir.attachment')
        Note = pool.get('ir.note')
        world, visit, user = self.world()
        resource = str(visit)
        # One of each, added before the visit was accepted (as root)
        attachment, = Attachment.create([{'resource': resource,
                    'name': 'photo.jpg', 'data': b'jpeg'}])
        note, = Note.create([{'resource': resource, 'message': 'ok'}])
        with self.as_user(user):
            with self.assertRaises(AccessError):
                Attachment.create([{'resource': resource,
                            'name': 'other.jpg', 'data': b'jpeg'}])
            with self.assertRaises(AccessError):
                Note.create([{'resource': resource, 'message': 'late'}])
            with self.assertRaises(AccessError):
                Attachment.write([Attachment(attachment.id)],
                    {'data': b'forged'})
            with self.assertRaises(AccessError):
                Note.write([Note(note.id)], {'message': 'changed'})
            with self.assertRaises(AccessError):
                Attachment.delete([Attachment(attachment.id)])
            with self.assertRaises(AccessError):
                Note.delete([Note(note.id)])
            # Reading a note still marks it read
            Note.write([Note(note.id)], {'unread': False})
        # A rejected visit of its own takes notes
        Visit.write([visit], {'state': 'rejected'})
        with self.as_user(user):
            Note.create([{'resource': resource, 'message': 'redo'}])

    @with_transaction()
    def test_contract_services_of_readable_contracts_only(self):
        "on_change_with shows the services of the user's own contracts only"
        pool = Pool()
        Visit = pool.get('care.visit')
        world, _, user = self.world()
        contract_a, contract_b = world.contracts
        with self.as_user(user):
            self.assertEqual(Visit(contract=contract_b.id)
                .on_change_with_contract_services(), [])
            self.assertEqual(
                sorted(Visit(contract=contract_a.id)
                    .on_change_with_contract_services()),
                sorted(l.service.id for l in contract_a.lines))
            # As the client's RPC call does
            visit = Visit(contract=contract_b.id)
            visit.on_change_with(['contract_services'])
            self.assertEqual(list(visit.contract_services), [])

    @with_transaction()
    def test_revisions_of_readable_records_only(self):
        """history_revisions lists the times and authors of the user's own
        settlements, nothing of another contractor's"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        world = create_world_with_books()
        meals(world, 2, 2)
        Settlement.settle('2025-03')
        a, b = Settlement.search([], order=[('contract.number', 'ASC')])
        user, = User.create([{
                    'login': 'contractor_a', 'name': 'contractor_a',
                    'groups': [('add', [ModelData.get_id(
                                    'care_procurement', 'group_contractor')])],
                    'care_contractor': world.contractors[0].id,
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id,
                    }])
        with self.as_user(user):
            self.assertTrue(Settlement.history_revisions([a.id]))
            self.assertEqual(Settlement.history_revisions([b.id]), [])
