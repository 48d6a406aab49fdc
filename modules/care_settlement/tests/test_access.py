# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who sees and does what with settlements and money (DESIGN.md Access):
procurement approves and sees the invoice and the reconciliation; the
finance bureau pays and reconciles but approves nothing; a contractor sees its own settlements,
confirms them, and sees neither invoices, payments nor the reconciliation.
Every check runs as a real user with access checks on, as RPC does."""
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.social_assistance.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import (
    ActivatedTestCase, create_employee, create_world_with_books, meals,
    record_invoices)

MONTH = '2025-03'
FINANCE_GROUPS = [('care_settlement', 'group_finance'),
    ('account', 'group_account'), ('account_payment', 'group_payment'),
    ('account_payment', 'group_payment_approval'),
    ('account_statement', 'group_statement')]
# What a contractor wrote on its settlements over JSON-RPC (issue 10); the
# approver is another employee of the bureau (set by the test)
FORGED_SETTLEMENT = {'net': Decimal('222164.15'), 'gross': Decimal(9999999),
    'deductions': Decimal(0), 'failed_checks': 0, 'month': '2026-12',
    'approved_by': None, 'confirmed_by': None, 'invoice': None}
# The models whose records decide what a contractor is paid: a contractor
# has no access to write, create or delete any (it confirms with a button;
# the parties on its invoices it may not change either, by their rules)
MONEY_MODELS = ['care.settlement', 'care.settlement.line', 'care.contract',
    'care.contract.line', 'care.contract.assignment',
    'care.contract.assignment.plan', 'care.check', 'care.check.visit',
    'account.invoice', 'account.invoice.line', 'account.payment']
# The models of the project's four modules
PROJECT_PREFIXES = ('care.', 'social_assistance.')


def button_action(method):
    """The 'module.xml_id' of the action a button method opens, when it is
    decorated with ModelView.button_action (whose wrapper keeps it in its
    closure), else None"""
    while method is not None:
        code = getattr(method, '__code__', None)
        if code and 'action' in code.co_freevars:
            cell = method.__closure__[code.co_freevars.index('action')]
            if isinstance(cell.cell_contents, str):
                return cell.cell_contents
        method = getattr(method, '__wrapped__', None)
    return None


class SettlementAccessTestCase(ActivatedTestCase):
    "Procurement, finance and contractors' access to settlements and money"

    def users(self, world):
        """officer (an employee of the bureau), finance clerk, contractor
        A's and B's users"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')

        def groups(*xml_ids):
            return [('add', [ModelData.get_id(*x) for x in xml_ids])]
        company = world.company.id
        contractor = ('care_procurement', 'group_contractor')
        users = User.create([{
                    'login': login, 'name': login, 'groups': group_ids,
                    'companies': [('add', [company])], 'company': company,
                    'care_contractor': party,
                    } for login, group_ids, party in [
                    ('officer', groups(
                            ('care_procurement', 'group_procurement')),
                        None),
                    ('clerk', groups(*FINANCE_GROUPS), None),
                    ('contractor_a', groups(contractor),
                        world.contractors[0].id),
                    ('contractor_b', groups(contractor),
                        world.contractors[1].id),
                    ]])
        create_employee(world.company, 'officer', users[0])
        return users

    def as_user(self, user):
        return acting_as(user)

    def settled(self):
        "Both contracts settled for the month and confirmed"
        pool = Pool()
        Settlement = pool.get('care.settlement')
        world = create_world_with_books()
        meals(world, 6, 3)
        Settlement.settle(MONTH)
        settlements = Settlement.search([], order=[('contract.number', 'ASC')])
        Settlement.confirm(settlements)
        return world, settlements

    @with_transaction()
    def test_officer_writes_no_figure(self):
        """The officer settles, approves and cancels through the buttons
        and wizards but writes no figure, state or line of a settlement"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Line = pool.get('care.settlement.line')
        world, (a, _b) = self.settled()
        officer, _clerk, _contractor_a, _contractor_b = self.users(world)
        line = a.lines[0]
        with self.as_user(officer):
            # settling the month again is still the officer's job
            Settlement.settle(MONTH)
            for name, write in [
                    ('net', lambda: Settlement.write(
                            [Settlement(a.id)], {'net': a.net * 10})),
                    ('state', lambda: Settlement.write(
                            [Settlement(a.id)], {'state': 'approved'})),
                    ('line', lambda: Line.write(
                            [Line(line.id)], {'amount': line.amount * 10})),
                    ('new line', lambda: Line.create([{
                                    'settlement': a.id,
                                    'person': line.person.id,
                                    'contract_line': line.contract_line.id,
                                    'service': line.service.id,
                                    'amount': 1}])),
                    ]:
                with self.subTest(name=name):
                    with self.assertRaises(AccessError):
                        write()
        self.assertEqual(Settlement(a.id).net, a.net)

    @with_transaction()
    def test_approve_pay_reconcile(self):
        """Only procurement approves, only finance pays; both see the
        invoice and the reconciliation"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Reconciliation = pool.get('care.settlement.reconciliation')
        world, (a, b) = self.settled()
        officer, clerk, _contractor_a, _contractor_b = self.users(world)

        with self.as_user(clerk):
            with self.assertRaises(AccessButtonError):
                Settlement.approve([Settlement(a.id)])
        with self.as_user(officer):
            Settlement.approve(Settlement.browse([a.id, b.id]))
            a = Settlement(a.id)
            self.assertEqual(a.state, 'invoiced')
            self.assertEqual(a.invoice.total_amount, a.net)
            with self.assertRaises(AccessButtonError):
                Settlement.pay([a])
            # the officer follows the payments too
            self.assertEqual(len(Reconciliation.search([])), 2)
        with self.as_user(clerk):
            # the contractor's invoice received, the clerk pays
            record_invoices([a])
            Settlement.pay(Settlement.browse([a.id]))
            rows = Reconciliation.search([('month', '=', MONTH)])
            self.assertEqual({r.settlement.id: r.status for r in rows},
                {a.id: 'unpaid', b.id: 'unpaid'})
            with self.assertRaises(AccessError):
                Settlement.write([Settlement(a.id)], {'month': '2025-04'})

    @with_transaction()
    def test_contractor_sees_its_own_only(self):
        """A contractor confirms its own settlement and sees nothing of
        the money beyond the settled amounts"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Reconciliation = pool.get('care.settlement.reconciliation')
        Invoice = pool.get('account.invoice')
        Payment = pool.get('account.payment')
        world, (a, b) = self.settled()
        Settlement.approve([a, b])
        _officer, _clerk, contractor_a, _contractor_b = self.users(world)

        with self.as_user(contractor_a):
            self.assertEqual(Settlement.search([]), [Settlement(a.id)])
            own = Settlement(a.id)
            self.assertEqual(own.net, a.net)
            # its invoice is the bureau's book, not the contractor's
            for read in [
                    lambda: Settlement.read([a.id], ['invoice']),
                    lambda: Settlement.search([('invoice', '!=', None)]),
                    lambda: Invoice.search([]),
                    lambda: Payment.search([]),
                    lambda: Reconciliation.search([]),
                    ]:
                with self.subTest(read=read):
                    with self.assertRaises(AccessError):
                        read()
            with self.assertRaises(AccessButtonError):
                Settlement.approve([own])
            with self.assertRaises(AccessButtonError):
                Settlement.pay([own])
            # another contractor's settlement is out of reach
            with self.assertRaises(AccessError):
                Settlement.read([b.id], ['net'])

    # -- issue 10, finding 1: a contractor rewrites no money ------------------

    @with_transaction()
    def test_contractor_writes_nothing_that_decides_money(self):
        """A contractor writes, creates and deletes nothing on its
        settlements, their lines, its contracts, assignments, plans, lines,
        inspections, invoices, payments and parties: the access rules
        refuse it, whatever the client shows"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Settlement = pool.get('care.settlement')
        Line = pool.get('care.settlement.line')
        world, (a, b) = self.settled()
        Settlement.approve([a])
        a = Settlement(a.id)
        self.assertEqual(a.state, 'invoiced')
        before = Settlement.read([a.id], list(FORGED_SETTLEMENT) + ['state'])
        _officer, _clerk, contractor_a, _b = self.users(world)
        attempts = self.money_records(world, a)
        forged = dict(FORGED_SETTLEMENT,
            approved_by=self.employee(world, '冒名').id)

        with self.as_user(contractor_a):
            access = ModelAccess.get_access(MONEY_MODELS)
            for model in MONEY_MODELS:
                with self.subTest(model=model):
                    self.assertFalse(any(access[model][p]
                            for p in ['write', 'create', 'delete']),
                        msg=access[model])
            own = Settlement(a.id)
            # the figures, the state and who approved: as over JSON-RPC
            for name, value in forged.items():
                with self.subTest(field=name), \
                        self.assertRaises(AccessError):
                    Settlement.write([own], {name: value})
            for state in ['approved', 'invoiced', 'paid', 'cancelled']:
                with self.subTest(state=state), \
                        self.assertRaises(AccessError):
                    Settlement.write([own], {'state': state})
            with self.assertRaises(AccessError):
                Settlement.delete([own])
            with self.assertRaises(AccessError):
                Settlement.create([{'company': world.company.id,
                            'contract': world.contracts[0].id,
                            'contractor': world.contractors[0].id,
                            'month': '2025-04', 'net': Decimal(9999999),
                            'state': 'approved'}])
            line = own.lines[0]
            with self.assertRaises(AccessError):
                Line.write([line], {'amount': Decimal(9999)})
            with self.assertRaises(AccessError):
                Line.delete([line])
            with self.assertRaises(AccessError):
                Line.create([{'settlement': own.id, 'person': line.person.id,
                            'contract_line': line.contract_line.id,
                            'service': line.service.id,
                            'amount': Decimal(9999)}])
            # what decides the figures of the next settlements
            for model, records, values in attempts:
                Model = pool.get(model)
                with self.subTest(model=model):
                    with self.assertRaises(AccessError):
                        Model.write(records, values)
                    with self.assertRaises(AccessError):
                        Model.delete(records)
        self.assertEqual(
            Settlement.read([a.id], list(FORGED_SETTLEMENT) + ['state']),
            before)
        self.assertEqual(Line(line.id).amount, line.amount)

    def money_records(self, world, settlement):
        """(model, records, values) a contractor could try to change the
        money with: its contract, its lines, assignments and care plans,
        the inspections, the invoice, its own party and address"""
        pool = Pool()
        Check = pool.get('care.check')
        Plan = pool.get('care.contract.assignment.plan')
        Address = pool.get('party.address')
        Identifier = pool.get('party.identifier')
        contract = world.contracts[0]
        party = world.contractors[0]
        employee = self.employee(world)
        check, = Check.create([{'contract': contract.id,
                    'person': world.persons[0].id, 'month': MONTH,
                    'inspector': employee.id, 'date': dt.date(2025, 4, 2),
                    'reasons': '未上门',
                    'visits': [('create', [{'visit': v.id}
                                for v in pool.get('care.visit').search([
                                        ('contract', '=', contract.id)],
                                    limit=1)])],
                    }])
        Check.record_fail([check])
        assignment = contract.assignments[0]
        Plan.create([{'assignment': assignment.id,
                    'service': contract.lines[0].service.id,
                    'quantity': Decimal(4)}])
        plans = Plan.search([('assignment.contract', '=', contract.id)])
        return [
            ('care.contract', [contract],
                {'penalty_per_failed_check': Decimal(0)}),
            ('care.contract.line', list(contract.lines),
                {'unit_price': Decimal(999)}),
            ('care.contract.assignment', list(contract.assignments),
                {'end_date': dt.date(2030, 12, 31)}),
            ('care.contract.assignment.plan', plans,
                {'quantity': Decimal(99)}),
            ('care.check', [check], {'result': 'pass'}),
            ('care.check.visit', list(check.visits), {'delivered': True}),
            ('account.invoice', [settlement.invoice],
                {'reference': 'forged'}),
            ('party.party', [party], {'name': '冒名'}),
            ('party.address', Address.search([('party', '=', party.id)]),
                {'street': '冒名'}),
            ('party.identifier',
                Identifier.search([('party', '=', party.id)]),
                {'code': '91371522MA3C00000X'}),
            ]

    def employee(self, world, name='周建华'):
        "An employee of the bureau, an inspector unless named"
        return create_employee(world.company, name)

    @with_transaction()
    def test_contractor_confirms_without_write_access(self):
        """With no write access the contractor still confirms: the button
        is its group's"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        world = create_world_with_books()
        meals(world, 6, 3)
        Settlement.settle(MONTH)
        _officer, _clerk, contractor_a, _b = self.users(world)
        own, = Settlement.search([('contractor', '=', world.contractors[0])])
        with self.as_user(contractor_a):
            Settlement.confirm([Settlement(own.id)])
        own = Settlement(own.id)
        self.assertEqual((own.state, own.confirmed_by), (
                'confirmed', contractor_a))

    # -- issue 10, finding 2: wizards carry their buttons' groups ------------

    @with_transaction()
    def test_wizard_actions_carry_their_buttons_groups(self):
        """Every button of the project's models that opens an action
        (ModelView.button_action) is limited to groups, and its action to
        the same groups or fewer: Wizard.check_access and the client know
        the action, not the button"""
        pool = Pool()
        Button = pool.get('ir.model.button')
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        found = []
        for name, Model in pool.iterobject():
            if not name.startswith(PROJECT_PREFIXES):
                continue
            for button in getattr(Model, '_buttons', {}):
                action = button_action(getattr(Model, button, None))
                if not action:
                    continue
                found.append((name, button, action))
                with self.subTest(model=name, button=button, action=action):
                    button_groups = Button.get_groups(name, button)
                    action_groups = {g.id for g in Action(
                            ModelData.get_id(*action.split('.'))).groups}
                    self.assertTrue(button_groups)
                    self.assertTrue(action_groups)
                    self.assertLessEqual(action_groups, button_groups)
        # the walk finds the buttons it guards (cancel of a settlement)
        self.assertIn(('care.settlement', 'cancel',
                'care_settlement.wizard_settlement_cancel'), found)

    @with_transaction()
    def test_keyword_wizards_limited(self):
        """A wizard the client offers on the project's records (a keyword)
        is limited to groups, or is listed here with why anyone who reads
        the record may run it"""
        pool = Pool()
        Keyword = pool.get('ir.action.keyword')
        open_to_readers = {
            # opens the service list (a read-only table) of a contract
            'care.service_list.open',
            # logs a visit through care.visit's own access and rules
            'care.visit.log_from_service_list',
            }
        keywords = Keyword.search_read([
                ('action.type', '=', 'ir.action.wizard'),
                ], fields_names=['model', 'action'])
        checked = 0
        for keyword in keywords:
            model = (keyword['model'] or '').split(',')[0]
            if not model.startswith(PROJECT_PREFIXES):
                continue
            wizard, = pool.get('ir.action.wizard').search([
                    ('action', '=', keyword['action'])])
            checked += 1
            with self.subTest(wizard=wizard.wiz_name):
                self.assertTrue(wizard.groups
                    or wizard.wiz_name in open_to_readers)
        self.assertTrue(checked)

    @with_transaction()
    def test_contractor_cannot_cancel_through_the_wizard(self):
        """A contractor running the cancel wizard on its own invoiced
        settlement is refused and nothing changes; procurement cancels"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        ModelData = pool.get('ir.model.data')
        Session = pool.get('ir.session.wizard')
        Cancel = pool.get('care.settlement.cancel', type='wizard')
        world, (a, b) = self.settled()
        Settlement.approve([a])
        a = Settlement(a.id)
        self.assertEqual(a.state, 'invoiced')
        officer, _clerk, contractor_a, _b = self.users(world)
        action_id = ModelData.get_id(
            'care_settlement', 'wizard_settlement_cancel')
        data = {'start': {'reason': '撤销结算'}}
        for context in [{'action_id': action_id}, {}]:
            context.update(active_model='care.settlement', active_id=a.id,
                active_ids=[a.id])
            with self.subTest(context=context):
                with self.as_user(contractor_a), \
                        Transaction().set_context(context):
                    with self.assertRaises(AccessError):
                        Cancel.create()
                # nor with a session opened for it
                session, = Session.create([{}])
                with self.as_user(contractor_a), \
                        Transaction().set_context(context):
                    with self.assertRaises(AccessError):
                        Cancel.execute(session.id, data, 'cancel')
        a = Settlement(a.id)
        self.assertEqual((a.state, a.invoice.state, a.cancel_reason),
            ('invoiced', 'posted', None))
        with self.as_user(officer), Transaction().set_context(
                action_id=action_id, active_model='care.settlement',
                active_id=a.id, active_ids=[a.id]):
            session_id, _, _ = Cancel.create()
            Cancel.execute(session_id, data, 'cancel')
        a = Settlement(a.id)
        self.assertEqual((a.state, a.invoice.state), ('cancelled', 'cancelled'))

    # -- issue 10, finding 5: results only through the buttons ----------------

    @with_transaction()
    def test_supervisor_records_results_by_the_buttons_only(self):
        """A supervisor can neither create a failed inspection nor write a
        result: the deduction follows record_fail only"""
        pool = Pool()
        Check = pool.get('care.check')
        Settlement = pool.get('care.settlement')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        world = create_world_with_books()
        meals(world, 6, 3)
        employee = self.employee(world)
        supervisor, = User.create([{'login': 'supervisor',
                    'name': 'supervisor',
                    'groups': [('add', [ModelData.get_id(
                                    'care_visit', 'group_supervision')])],
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id}])
        penalty = world.contracts[0].penalty_per_failed_check
        self.assertTrue(penalty)

        def deductions():
            Settlement.settle(MONTH)
            settlement, = Settlement.search([
                    ('contract', '=', world.contracts[0].id)])
            return settlement.deductions
        self.assertEqual(deductions(), 0)
        # as the supervisor did: no inspector, date, plan nor rectification
        failed = {'contract': world.contracts[0].id,
            'person': world.persons[0].id, 'month': MONTH,
            'result': 'fail', 'reasons': '未上门'}
        with self.as_user(supervisor):
            with self.assertRaises(AccessError):
                Check.create([failed])
            with self.assertRaises(AccessError):
                Check.create([dict(failed, inspector=employee.id,
                            date=dt.date(2025, 4, 2))])
            check, = Check.create([{'contract': world.contracts[0].id,
                        'person': world.persons[0].id, 'month': MONTH,
                        'date': dt.date(2025, 4, 2), 'reasons': '未上门'}])
            with self.assertRaises(AccessError):
                Check.write([check], {'result': 'fail'})
        self.assertEqual(deductions(), 0)
        with self.as_user(supervisor):
            Check.record_fail([Check(check.id)])
            self.assertEqual(Check(check.id).result, 'fail')
            for values in [{'result': 'pass'}, {'result': 'pending'},
                    {'month': '2025-04'},
                    {'contract': world.contracts[1].id}]:
                with self.subTest(values=values), \
                        self.assertRaises(AccessError):
                    Check.write([Check(check.id)], values)
        self.assertEqual(Check(check.id).result, 'fail')
        self.assertEqual(deductions(), penalty)
