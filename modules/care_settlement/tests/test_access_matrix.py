# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every model × every non-admin group: what a user may not reach stays out
of reach by every door (DESIGN.md Access).

The test knows no model by name: it walks the pool, so the next model added
is covered without anyone remembering.  For each user of the bureau's
groups and of a contractor it takes the records the user's rules leave out
and tries read, search, search_count, export_data, write, copy, delete,
every button and every wizard on them, and fails on any success.  Models
the user may read but not change refuse write, create and delete on the
records it does see.  Two contractors share nothing: no record of a private
model is readable by both."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model import ModelSQL, ModelStorage, fields
from trytond.model.exceptions import AccessError
from trytond.modules.social_assistance.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, without_check_access

from .tools import ActivatedTestCase, create_world_with_books, meals

MONTH = '2025-03'
# The models of the project, and Tryton's that hold its people and money
PREFIXES = ('social_assistance.', 'care.')
TRYTON_MODELS = {'party.party', 'party.address', 'party.contact_mechanism',
    'party.identifier', 'res.user', 'company.employee', 'account.invoice',
    'account.invoice.line', 'account.payment', 'account.payment.group',
    'account.move', 'account.move.line', 'account.statement',
    'ir.attachment', 'ir.note'}
# Reference data every contractor reads: the catalogue, the county's
# divisions, the published procurements, the configuration and the holiday
# calendar (their deadlines count working days)
SHARED = {'care.service', 'care.configuration', 'care.plan.template',
    'care.procurement', 'care.procurement.lot', 'care.procurement.lot.service',
    'care.procurement.lot-town', 'social_assistance.division',
    'social_assistance.holiday'}
# Tryton's own models that contractors read as any user does (companies,
# users' names on records, the bureau's party)
CONTRACTOR_SHARED_TRYTON = {'party.party', 'party.address',
    'party.contact_mechanism', 'party.identifier', 'res.user',
    'company.employee', 'ir.attachment', 'ir.note'}
# At most this many out-of-reach records are tried per model and user
SAMPLE = 3
# Refused by access (AccessError, AccessButtonError) or by a business rule
# that stops the user first (a user error): anything but success or a crash
REFUSED = UserError
FINANCE_GROUPS = [('care_settlement', 'group_finance'),
    ('account', 'group_account'), ('account_payment', 'group_payment'),
    ('account_payment', 'group_payment_approval'),
    ('account_statement', 'group_statement')]


def project_models():
    "The stored models of the project and Tryton's that hold its data"
    pool = Pool()
    for name, Model in sorted(pool.iterobject()):
        if not (name.startswith(PREFIXES) or name in TRYTON_MODELS):
            continue
        if not issubclass(Model, ModelStorage) or not issubclass(
                Model, ModelSQL):
            continue
        yield name, Model


def is_table_query(Model):
    return callable(getattr(Model, 'table_query', None))


def writable_field(Model):
    "A stored, plain field whose value can be written back unchanged"
    for name, field in sorted(Model._fields.items()):
        if (not isinstance(field, fields.Function)
                and field._type in {'char', 'text', 'integer', 'date',
                    'numeric', 'boolean', 'selection'}
                and name not in {'id', 'create_date', 'write_date'}
                and not name.startswith('_')):
            return name


def stored_value(Model, id_, field):
    "The value stored in a record's field, read past every access check"
    with Transaction().set_user(0), without_check_access():
        value, = Model.read([id_], [field])
    return value[field]


def export_or_refuse(Model, ids):
    "Export the records; an empty export is a refusal too"
    rows = Model.export_data(Model.browse(ids), ['id'])
    if not rows:
        raise AccessError('nothing exported')
    return rows


class AccessMatrixTestCase(ActivatedTestCase):
    "Nothing out of reach is read, found, exported, changed or run"

    def county(self):
        """Both contractors' contracts with visits, settled, confirmed and
        approved (invoices), and a failed inspection with its
        rectification on contractor B's contract"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Check = pool.get('care.check')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        world = create_world_with_books()
        meals(world, 6, 3)
        party, = Party.create([{'name': '周建华'}])
        inspector, = Employee.create([{'party': party.id,
                    'company': world.company.id}])
        check, = Check.create([{'contract': world.contracts[1].id,
                    'person': world.persons[3].id, 'month': MONTH,
                    'inspector': inspector.id, 'date': dt.date(2025, 4, 2),
                    'reasons': '未上门'}])
        Check.record_fail([check])
        # An answered, substantiated complaint about B's contract (with its
        # rectification) and one about A's not yet answered
        Complaint = pool.get('care.complaint')
        held, _open = Complaint.create([{
                    'received_date': dt.date(2025, 3, 12),
                    'contract': contract.id, 'person': person.id,
                    'matter': '送餐不及时', 'findings': '属实',
                    'substantiated': 'yes',
                    } for contract, person in [
                    (world.contracts[1], world.persons[3]),
                    (world.contracts[0], world.persons[0])]])
        Complaint.answer([held])
        Settlement.settle(MONTH)
        settlements = Settlement.search([])
        Settlement.confirm(settlements)
        Settlement.approve(settlements)
        return world

    def users(self, world):
        "{login: user} of every non-admin group, and both contractors"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = world.company.id
        contractor = [('care_procurement', 'group_contractor')]
        roles = [
            ('registry', [('social_assistance', 'group_registry')], None),
            ('procurement', [('care_procurement', 'group_procurement')],
                None),
            ('supervisor', [('care_visit', 'group_supervision')], None),
            ('finance', FINANCE_GROUPS, None),
            ('contractor_a', contractor, world.contractors[0].id),
            ('contractor_b', contractor, world.contractors[1].id),
            ]
        users = User.create([{
                    'login': login, 'name': login,
                    'groups': [('add', [ModelData.get_id(*g)
                                for g in groups])],
                    'companies': [('add', [company])], 'company': company,
                    'care_contractor': party,
                    } for login, groups, party in roles])
        return {u.login: u for u in users}

    def as_user(self, user):
        "As the user, inactive records included"
        return acting_as(user, active_test=False)

    def readable(self, Model):
        "The ids the current user's rules let it read (none without access)"
        ModelAccess = Pool().get('ir.model.access')
        if not ModelAccess.check(Model.__name__, 'read',
                raise_exception=False):
            return set()
        return set(map(int, Model.search([])))

    def assertRefused(self, call, what):
        "The call is refused, and changes nothing"
        transaction = Transaction()
        with self.subTest(what):
            # A savepoint so that a wrongly accepted call is undone
            connection = transaction.connection
            cursor = connection.cursor()
            cursor.execute('SAVEPOINT access_matrix')
            try:
                with self.assertRaises(REFUSED, msg=what):
                    call()
            finally:
                cursor.execute('ROLLBACK TO SAVEPOINT access_matrix')

    def check_out_of_reach(self, Model, ids, login):
        "Every door on records out of the user's reach is closed"
        name = Model.__name__
        for id_ in ids:
            where = f'{login} {name} {id_}'
            self.assertRefused(lambda: Model.read([id_], ['id']),
                f'read {where}')
            self.assertRefused(lambda: export_or_refuse(Model, [id_]),
                f'export_data {where}')
            try:
                found = Model.search([('id', '=', id_)])
                counted = Model.search_count([('id', '=', id_)])
            except REFUSED:
                found, counted = [], 0
            with self.subTest(f'search {where}'):
                self.assertEqual((list(found), counted), ([], 0))
            if is_table_query(Model):
                continue
            field = writable_field(Model)
            if field:
                value = stored_value(Model, id_, field)
                self.assertRefused(lambda: Model.write(
                        Model.browse([id_]), {field: value}),
                    f'write {where}')
            self.assertRefused(lambda: Model.copy(Model.browse([id_])),
                f'copy {where}')
            self.assertRefused(lambda: Model.delete(Model.browse([id_])),
                f'delete {where}')
            for button in sorted(getattr(Model, '_buttons', {})):
                if not callable(getattr(Model, button, None)):
                    continue
                self.assertRefused(
                    lambda: getattr(Model, button)(Model.browse([id_])),
                    f'button {button} {where}')
            self.check_wizards(Model, [id_], where)

    def check_wizards(self, Model, ids, where):
        "The model's wizards cannot start on the records"
        pool = Pool()
        ActionWizard = pool.get('ir.action.wizard')
        transaction = Transaction()
        wizard_names = {a.wiz_name for a in ActionWizard.search([
                        ('model', '=', Model.__name__)])}
        for wiz_name in sorted(wizard_names):
            Wizard = pool.get(wiz_name, type='wizard')
            with transaction.set_context(active_model=Model.__name__,
                    active_id=ids[0], active_ids=list(ids)):
                self.assertRefused(Wizard.create,
                    f'wizard {wiz_name} {where}')

    def check_read_only(self, Model, ids, login):
        "Without write, create or delete access, nothing is changed"
        ModelAccess = Pool().get('ir.model.access')
        name = Model.__name__
        if is_table_query(Model):
            return
        field = writable_field(Model)
        for mode in ['write', 'delete', 'create']:
            if ModelAccess.check(name, mode, raise_exception=False):
                continue
            where = f'{login} {name}'
            if mode == 'create':
                self.assertRefused(lambda: Model.create([{}]),
                    f'create {where}')
                continue
            for id_ in ids:
                if mode == 'write' and field:
                    value = stored_value(Model, id_, field)
                    self.assertRefused(lambda: Model.write(
                            Model.browse([id_]), {field: value}),
                        f'write {where} {id_}')
                elif mode == 'delete':
                    self.assertRefused(
                        lambda: Model.delete(Model.browse([id_])),
                        f'delete {where} {id_}')

    @with_transaction()
    def test_out_of_reach(self):
        """For every model and every non-admin user, what the rules leave
        out cannot be read, found, exported, changed, copied, deleted,
        buttoned or wizarded, and what is read-only stays so"""
        world = self.county()
        users = self.users(world)
        models = list(project_models())
        everything = {}
        with Transaction().set_context(active_test=False):
            for name, Model in models:
                everything[name] = set(map(int, Model.search([])))
        for login, user in sorted(users.items()):
            for name, Model in models:
                with self.as_user(user):
                    readable = self.readable(Model)
                    out_of_reach = sorted(everything[name] - readable)
                    self.check_out_of_reach(
                        Model, out_of_reach[:SAMPLE], login)
                    self.check_read_only(
                        Model, sorted(readable)[:SAMPLE], login)

    @with_transaction()
    def test_contractors_share_nothing(self):
        """No record of a contractor's models is readable by both
        contractors: each sees its own contracts, persons, visits, checks,
        rectifications and settlements, and nothing of the other's"""
        world = self.county()
        users = self.users(world)
        for name, Model in project_models():
            if name in SHARED or name in CONTRACTOR_SHARED_TRYTON:
                continue
            with self.as_user(users['contractor_a']):
                seen_by_a = self.readable(Model)
            with self.as_user(users['contractor_b']):
                seen_by_b = self.readable(Model)
            with self.subTest(model=name):
                self.assertFalse(seen_by_a & seen_by_b,
                    f'{name}: {sorted(seen_by_a & seen_by_b)[:5]} '
                    'read by both contractors')

    @with_transaction()
    def test_each_contractor_reads_its_own(self):
        """The rules do not refuse everything: each contractor reads its
        contract, persons, visits and settlement (so that the tests above
        cannot pass on a county where nobody sees anything)"""
        pool = Pool()
        world = self.county()
        users = self.users(world)
        for login, contract in [('contractor_a', world.contracts[0]),
                ('contractor_b', world.contracts[1])]:
            with self.as_user(users[login]):
                for model, domain in [
                        ('care.contract', [('id', '=', contract.id)]),
                        ('care.visit', [('contract', '=', contract.id)]),
                        ('care.settlement', [('contract', '=', contract.id)]),
                        ('care.contract.assignment',
                            [('contract', '=', contract.id)]),
                        ]:
                    with self.subTest(login=login, model=model):
                        self.assertTrue(pool.get(model).search(domain))
        with self.as_user(users['contractor_b']):
            self.assertTrue(pool.get('care.rectification').search([]))
            self.assertTrue(pool.get('care.complaint').search([]))

