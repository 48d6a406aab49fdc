# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The settlement rules of DESIGN.md, to the cent: quantities, caps in
start order, day and month lines, rounding, deductions; recomputing
replaces; approval freezes the month's visits."""
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.modules.care_visit import local_time
from trytond.modules.care_visit.tests.tools import create_visits
from trytond.modules.social_assistance.tests.tools import make_id_number
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_employee
from .tools import create_world_with_books as create_world

MONTH = '2025-03'


def twenty_meals(world):
    "Meals from the 3rd to the 22nd of March for the first person: 300.00"
    create_visits(world, *[
            (f'm{day}', f'2025-03-{day:02d} 09:00',
                f'2025-03-{day:02d} 09:40', {})
            for day in range(3, 23)])


def lines_of(settlement):
    "{(person name, service code): (quantity, amount, visits)}"
    return {(l.person.name, l.service.code): (l.quantity, l.amount, l.visits)
        for l in settlement.lines}


class SettlementRulesTestCase(ActivatedTestCase):
    "Settlement rules"

    def settle(self, contract=None):
        Settlement = Pool().get('care.settlement')
        contracts = [contract] if contract else None
        computed, unchanged = Settlement.settle(MONTH, contracts)
        return computed, unchanged

    def the_settlement(self, world, index=0):
        Settlement = Pool().get('care.settlement')
        settlement, = Settlement.search([
                ('contract', '=', world.contracts[index].id),
                ('month', '=', MONTH)])
        return settlement

    @with_transaction()
    def test_quantities_caps_and_rounding(self):
        "Visits count 1, hours by half hours; caps in start order; half up"
        # 0.5 × 12.25 = 6.125: half up gives 6.13 (half even would be 6.12)
        world = create_world(lines_a=[
                ('HC-MEAL', Decimal(15), Decimal(3)),
                ('HC-CLEAN', Decimal('12.25'), Decimal('2.5'))])
        # Created latest first: the cap follows the start, not the order
        create_visits(world, *[
                (f'm{day}', f'2025-03-{day:02d} 09:00',
                    f'2025-03-{day:02d} 09:40', {})
                for day in [9, 7, 5, 3, 2]])
        create_visits(world,
            # 95 minutes: 1.5 hours
            ('c1', '2025-03-04 14:00', '2025-03-04 15:35',
                {'service': 'HC-CLEAN'}),
            # 75 minutes: 1.0 hour, of which 1.0 fits under the cap of 2.5
            ('c2', '2025-03-06 14:00', '2025-03-06 15:15',
                {'service': 'HC-CLEAN'}),
            # Beyond the cap: not counted
            ('c3', '2025-03-08 14:00', '2025-03-08 15:00',
                {'service': 'HC-CLEAN'}),
            # Another person: 65 minutes, 1.0 hour; a rejected visit
            ('c4', '2025-03-04 16:00', '2025-03-04 17:05',
                {'service': 'HC-CLEAN', 'person': 1}),
            ('c5', '2025-03-04 16:30', '2025-03-04 17:35',
                {'service': 'HC-CLEAN', 'person': 1}),
            # Another month: not counted
            ('m-april', '2025-04-01 09:00', '2025-04-01 09:40', {}),
            )
        self.settle(world.contracts[0])
        settlement = self.the_settlement(world)
        self.assertEqual(lines_of(settlement), {
                ('张桂兰', 'HC-MEAL'): (Decimal(3), Decimal('45.00'), 3),
                ('张桂兰', 'HC-CLEAN'): (Decimal('2.5'), Decimal('30.63'),
                    2),
                ('李长海', 'HC-CLEAN'): (Decimal(1), Decimal('12.25'), 1),
                })
        self.assertEqual((settlement.gross, settlement.deductions,
                settlement.net), (Decimal('87.88'), Decimal(0),
                Decimal('87.88')))
        self.assertEqual((settlement.persons, settlement.visits), (2, 6))
        self.assertEqual(settlement.state, 'computed')

    @with_transaction()
    def test_day_and_month_lines(self):
        "Covered days: contract, assignment, active; a month line pro rata"
        pool = Pool()
        Contract = pool.get('care.contract')
        Service = pool.get('care.service')
        Assignment = pool.get('care.contract.assignment')
        Suspension = pool.get('social_assistance.person.suspension')
        Person = pool.get('social_assistance.person')
        world = create_world()
        place, = Service.search([('code', '=', 'CC-PLACE')])
        monthly, = Service.create([{'code': 'T-MONTH', 'name': '包月',
                    'unit': 'month'}])
        with Transaction().set_context(company=world.company.id):
            contract, = Contract.create([{
                        'number': 'HT-P', 'kind': 'placement',
                        'contractor': world.contractors[1].id,
                        'start_date': dt.date(2025, 1, 1),
                        'end_date': dt.date(2025, 12, 31),
                        'amount': Decimal(900000),
                        'penalty_per_failed_check': Decimal(0),
                        'lines': [('create', [
                                    {'service': place.id,
                                        'unit_price': Decimal('60.00')},
                                    {'service': monthly.id,
                                        'unit_price': Decimal('100.00')},
                                    ])],
                        }])
            Contract.run([contract])
        persons = Person.create([{
                    'name': name, 'id_number': number,
                    'division': world.village.id,
                    'support_mode': 'centralized',
                    'start_date': dt.date(2020, 1, 1),
                    } for name, number in [
                    ('钱玉兰', make_id_number('19390510', '322')),
                    ('孙福来', make_id_number('19360708', '341')),
                    ('周秀芬', make_id_number('19410215', '362')),
                    ]])
        Assignment.create([
                {'contract': contract.id, 'person': persons[0].id,
                    'start_date': dt.date(2025, 1, 1)},
                # From the 11th: 21 days
                {'contract': contract.id, 'person': persons[1].id,
                    'start_date': dt.date(2025, 3, 11)},
                {'contract': contract.id, 'person': persons[2].id,
                    'start_date': dt.date(2025, 1, 1)},
                ])
        # Five days in hospital
        Suspension.create([{'person': persons[0].id,
                    'from_date': dt.date(2025, 3, 10),
                    'to_date': dt.date(2025, 3, 14), 'reason': '住院'}])
        # Died on the 16th: 15 days
        Person.end_eligibility([persons[2]], 'death', dt.date(2025, 3, 16))
        self.settle(contract)
        settlement, = Pool().get('care.settlement').search([
                ('contract', '=', contract.id)])
        lines = lines_of(settlement)
        self.assertEqual({k: v[:2] for k, v in lines.items()}, {
                ('钱玉兰', 'CC-PLACE'): (Decimal(26), Decimal('1560.00')),
                ('钱玉兰', 'T-MONTH'): (Decimal('0.8387'),
                    Decimal('83.87')),
                ('孙福来', 'CC-PLACE'): (Decimal(21), Decimal('1260.00')),
                ('孙福来', 'T-MONTH'): (Decimal('0.6774'), Decimal('67.74')),
                ('周秀芬', 'CC-PLACE'): (Decimal(15), Decimal('900.00')),
                ('周秀芬', 'T-MONTH'): (Decimal('0.4839'), Decimal('48.39')),
                })
        self.assertEqual(settlement.gross, Decimal('3920.00'))

    @with_transaction()
    def test_deductions_and_recompute(self):
        "Failed inspections are deducted; settling again replaces"
        pool = Pool()
        Check = pool.get('care.check')
        Settlement = pool.get('care.settlement')
        Line = pool.get('care.settlement.line')
        world = create_world()
        twenty_meals(world)
        computed, unchanged = self.settle()
        self.assertEqual((len(computed), len(unchanged)), (2, 0))
        settlement = self.the_settlement(world)
        self.assertEqual(settlement.net, Decimal('300.00'))
        lines = Line.search_count([])

        # Settling again changes nothing and duplicates nothing
        computed, unchanged = self.settle()
        self.assertEqual((len(computed), len(unchanged)), (0, 2))
        self.assertEqual(Line.search_count([]), lines)

        # Two failed inspections at 200.00 each: 300 − 400 is paid as 0
        employee = self.employee(world)
        checks = Check.create([{'contract': world.contracts[0].id,
                    'person': world.persons[0].id, 'month': MONTH,
                    'inspector': employee.id, 'date': dt.date(2025, 4, 2),
                    'reasons': '未上门'} for _ in range(2)])
        Check.record_fail(checks)
        computed, unchanged = self.settle()
        settlement = self.the_settlement(world)
        self.assertEqual((settlement.gross, settlement.deductions,
                settlement.net, settlement.failed_checks),
            (Decimal('300.00'), Decimal('400.00'), Decimal(0), 2))
        self.assertEqual(Settlement.search_count([]), 2)

    def first_approved(self, world):
        """Twenty meals settled, confirmed and approved once, with a second
        approval needed above 100.00"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Configuration = pool.get('care.configuration')
        Configuration.write([Configuration(1)],
            {'second_approval_amount': Decimal(100)})
        twenty_meals(world)
        self.settle(world.contracts[0])
        settlement = self.the_settlement(world)
        Settlement.confirm([settlement])
        Settlement.approve([settlement])
        return settlement

    def employee(self, world):
        "An inspector of the bureau"
        return create_employee(world.company, '周建华')

    @with_transaction()
    def test_queued_settlement(self):
        """Queued, each contract's settlement is a task of its own whose
        run computes what settling in place computes"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Queue = pool.get('ir.queue')
        world = create_world()
        twenty_meals(world)
        queued, unchanged = Settlement.settle(MONTH, queue=True)
        self.assertEqual(len(queued), 2)
        self.assertEqual({s.state for s in queued}, {'draft'})
        tasks = Queue.search([('name', '=', 'care_settlement')])
        self.assertEqual(len(tasks), 2)
        for task in tasks:
            task.run()
        settlement = self.the_settlement(world)
        self.assertEqual((settlement.state, settlement.net),
            ('computed', Decimal('300.00')))

    @with_transaction()
    def test_approval_freezes_the_month(self):
        """Confirmed, approved (twice above the threshold, by two
        employees): the visits stay as settled; a cancellation thaws them"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Person = pool.get('social_assistance.person')
        Visit = pool.get('care.visit')
        User = pool.get('res.user')
        world = create_world()
        settlement = self.first_approved(world)
        settlement = Settlement(settlement.id)
        # 300.00 is above 100: a second approver is needed
        self.assertEqual(settlement.state, 'confirmed')
        with self.assertRaises(UserError):
            Settlement.approve([settlement])
        other, = User.create([{'login': 'approver2', 'name': '王会计',
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id}])
        deputy = create_employee(world.company, '王会计', other)
        with Transaction().set_user(other.id):
            Settlement.approve([settlement])
        settlement = Settlement(settlement.id)
        # Approved, and its supplier invoice posted at once
        self.assertEqual(settlement.state, 'invoiced')
        self.assertEqual(
            (settlement.approved_by, settlement.second_approved_by),
            (world.approver, deputy))
        self.assertEqual((settlement.invoice.state,
                settlement.invoice.total_amount), ('posted', Decimal(300)))

        # A death recorded later leaves the settled month as it was
        Person.end_eligibility([world.persons[0]], 'death',
            dt.date(2025, 3, 10))
        states = {v.external_id: v.state for v in Visit.search([])}
        self.assertTrue(all(s == 'accepted' for s in states.values()))
        computed, unchanged = self.settle(world.contracts[0])
        self.assertEqual((len(computed), len(unchanged)), (0, 1))

        # Cancelled: the rules see the death, the month settles anew
        Settlement.do_cancel([settlement], '死亡未及时登记')
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.invoice.state, settlement.approved_by,
                settlement.second_approved_by), ('cancelled', None, None))
        states = {v.external_id: v.reason or v.state
            for v in Visit.search([])}
        self.assertEqual(states['m9'], 'accepted')
        self.assertEqual(states['m10'], 'not_assigned')
        Settlement.draft([settlement])
        self.settle(world.contracts[0])
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.net),
            ('computed', Decimal('105.00')))

    @with_transaction()
    def test_approver_is_an_employee(self):
        """An approval names a person of the bureau: a user who is no
        employee of the settlement's company is refused, and two users
        acting as one employee are one approver"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        User = pool.get('res.user')
        world = create_world()
        settlement = self.confirmed(world)
        stranger, same = User.create([{'login': login, 'name': login,
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id,
                    } for login in ['stranger', 'same']])
        with Transaction().set_user(stranger.id), \
                self.assertRaises(UserError) as context:
            Settlement.approve([Settlement(settlement.id)])
        self.assertIn(settlement.rec_name, context.exception.message)
        self.assertIn(world.company.rec_name, context.exception.message)
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.approved_by),
            ('confirmed', None))

        # Above the threshold: the second approver is another employee
        Configuration = pool.get('care.configuration')
        Configuration.write([Configuration(1)],
            {'second_approval_amount': Decimal(100)})
        Settlement.approve([settlement])
        User.write([same], {'employees': [('add', [world.approver.id])],
                'employee': world.approver.id})
        with Transaction().set_user(same.id), \
                self.assertRaises(UserError):
            Settlement.approve([Settlement(settlement.id)])
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.approved_by,
                settlement.second_approved_by),
            ('confirmed', world.approver, None))

    @with_transaction()
    def test_changed_settlement_loses_its_approvals(self):
        """A first approval and the confirmation do not survive a change:
        the new amount is confirmed and approved twice again"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        world = create_world()
        settlement = self.first_approved(world)
        self.assertTrue(Settlement(settlement.id).approved_by)

        create_visits(world,
            ('late', '2025-03-25 09:00', '2025-03-25 09:40', {}))
        # The Compute button computes, as care settle does
        Settlement.compute([Settlement(settlement.id)])
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.net,
                settlement.confirmed_by, settlement.approved_by),
            ('computed', Decimal('315.00'), None, None))

    def confirmed(self, world):
        "Twenty meals settled on contract A and confirmed: 300.00"
        Settlement = Pool().get('care.settlement')
        twenty_meals(world)
        self.settle(world.contracts[0])
        settlement = self.the_settlement(world)
        Settlement.confirm([settlement])
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.net),
            ('confirmed', Decimal('300.00')))
        return settlement

    @with_transaction()
    def test_failed_inspection_recomputes_the_confirmed(self):
        """A failed inspection disproving a visit of a confirmed settlement
        recomputes it at once (one recompute): the penalty and the visit
        come off, and the contractor must confirm again"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Check = pool.get('care.check')
        Visit = pool.get('care.visit')
        world = create_world()
        settlement = self.confirmed(world)
        visit, = Visit.search([('external_id', '=', 'm5')])
        check, = Check.create([{'contract': world.contracts[0].id,
                    'person': world.persons[0].id, 'month': MONTH,
                    'inspector': self.employee(world).id,
                    'date': dt.date(2025, 4, 2), 'reasons': '未上门',
                    'visits': [('create', [{
                                    'visit': visit.id,
                                    'delivered': False}])],
                    }])
        with patch.object(Settlement, 'compute_lines',
                wraps=Settlement.compute_lines) as compute_lines:
            Check.record_fail([check])
        self.assertEqual(compute_lines.call_count, 1)
        self.assertEqual(Visit(visit.id).reason, 'disproved')
        settlement = Settlement(settlement.id)
        # 19 meals at 15.00 less one failed inspection at 200.00
        self.assertEqual((settlement.state, settlement.net,
                settlement.failed_checks, settlement.visits,
                settlement.confirmed_by),
            ('computed', Decimal('85.00'), 1, 19, None))

    @with_transaction()
    def test_fact_changes_recompute_open_settlements(self):
        """A death, a suspension and an assignment's end recompute the
        open settlements that read them; an approved one is left as it is"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Person = pool.get('social_assistance.person')
        Suspension = pool.get('social_assistance.person.suspension')
        Assignment = pool.get('care.contract.assignment')
        world = create_world()
        settlement = self.confirmed(world)

        # The death on the 13th: the meals of the 13th to the 22nd go
        Person.end_eligibility([world.persons[0]], 'death',
            dt.date(2025, 3, 13))
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.net,
                settlement.confirmed_by), ('computed', Decimal('150.00'),
                None))

        # In hospital on the 5th and 6th
        Settlement.confirm([settlement])
        Suspension.create([{'person': world.persons[0].id,
                    'from_date': dt.date(2025, 3, 5),
                    'to_date': dt.date(2025, 3, 6), 'reason': '住院'}])
        self.assertEqual(Settlement(settlement.id).net, Decimal('120.00'))

        # Assigned until the 7th: the 3rd, 4th and 7th are left
        assignment, = Assignment.search([
                ('contract', '=', world.contracts[0].id),
                ('person', '=', world.persons[0].id)])
        Assignment.write([assignment], {'end_date': dt.date(2025, 3, 7)})
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.net),
            ('computed', Decimal('45.00')))

        # Approved, the settlement is frozen: a fact changing later leaves it
        Settlement.confirm([settlement])
        Settlement.approve([Settlement(settlement.id)])
        Assignment.write([assignment], {'end_date': None})
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.net),
            ('invoiced', Decimal('45.00')))

    @with_transaction()
    def test_stale_settlement_refused_at_approval(self):
        """A confirmed settlement whose facts changed behind the rules'
        back (raw SQL) is recomputed at approval and refused: nothing is
        approved, no invoice is made"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Visit = pool.get('care.visit')
        Invoice = pool.get('account.invoice')
        world = create_world()
        settlement = self.confirmed(world)
        visit = Visit.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*visit.update([visit.state, visit.reason],
                ['rejected', 'disproved'],
                where=visit.external_id == 'm5'))
        Visit.forget_cached()

        with self.assertRaises(UserError) as context:
            Settlement.approve([Settlement(settlement.id)])
        message = context.exception.message
        self.assertIn(settlement.rec_name, message)
        self.assertIn('300.00', message)
        self.assertIn('285.00', message)
        settlement = Settlement(settlement.id)
        self.assertEqual((settlement.state, settlement.approved_by,
                settlement.invoice), ('confirmed', None, None))
        self.assertEqual(Invoice.search_count([]), 0)

    @with_transaction()
    def test_month_not_ended(self):
        """Only a month that has ended is settled or approved (Asia/Shanghai
        calendar): this month and the next are refused"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Invoice = pool.get('account.invoice')
        world = create_world()
        today = local_time.today()
        this_month = today.strftime('%Y-%m')
        next_month = (today.replace(day=28) + dt.timedelta(days=4)
            ).strftime('%Y-%m')
        for month in [this_month, next_month]:
            with self.subTest(month=month):
                with self.assertRaises(UserError) as context:
                    Settlement.settle(month)
                self.assertIn(month, context.exception.message)
        self.assertEqual(Settlement.search_count([]), 0)
        # The month the bureau knows ends on its last day
        self.assertTrue(local_time.month_ended(
                (today.replace(day=1) - dt.timedelta(days=1)).strftime(
                    '%Y-%m')))

        # A settlement of this month stored before the rule: not approved
        settlement = self.confirmed(world)
        table = Settlement.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.month], [this_month],
                where=table.id == settlement.id))
        for cache in Transaction().cache.values():
            cache.pop(Settlement.__name__, None)
        with self.assertRaises(UserError) as context:
            Settlement.approve([Settlement(settlement.id)])
        self.assertIn(this_month, context.exception.message)
        self.assertEqual(Settlement(settlement.id).state, 'confirmed')
        self.assertEqual(Invoice.search_count([]), 0)
