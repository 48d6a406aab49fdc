# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The visit rules of DESIGN.md: each reason in its order, the outcome a
function of the set of visits, and re-evaluation when the facts change."""
import datetime as dt
import itertools
import random
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.modules.care_visit import local_time
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_visits, create_world, local

VISIT = 'care.visit'


def outcomes(visits):
    "{external id: reason or 'accepted'} re-read from the database"
    Visit = Pool().get(VISIT)
    return {v.external_id: v.reason or v.state
        for v in Visit.browse([v.id for v in visits])}


class VisitRulesTestCase(ActivatedTestCase):
    "Visit rules"

    @with_transaction()
    def test_each_reason_in_order(self):
        "Each rule rejects with its code; the first failing rule wins"
        pool = Pool()
        Contract = pool.get('care.contract')
        Suspension = pool.get('social_assistance.person.suspension')
        world = create_world()
        draft, = Contract.copy([world.contracts[1]],
            {'number': 'HT-DRAFT', 'assignments': None})
        Suspension.create([{'person': world.persons[2].id,
                    'from_date': dt.date(2025, 3, 1),
                    'to_date': dt.date(2025, 3, 31), 'reason': '住院'}])
        visits = create_visits(world,
            ('ok', '2025-03-03 09:00', '2025-03-03 09:30', {}),
            # rule 1 fails, and so would rule 6: the first one is given
            ('times', '2025-03-03 11:00', '2025-03-03 11:00', {}),
            ('service', '2025-03-03 12:00', '2025-03-03 12:30',
                {'service': 'HC-BATH'}),
            ('period', '2026-01-02 09:00', '2026-01-02 09:30', {}),
            ('draft', '2025-03-04 09:00', '2025-03-04 09:30',
                {'contract': draft, 'person': 3}),
            ('assigned', '2025-03-05 09:00', '2025-03-05 09:30',
                {'person': 3}),
            ('inactive', '2025-03-06 09:00', '2025-03-06 09:30',
                {'person': 2}),
            ('short', '2025-03-07 09:00', '2025-03-07 09:10', {}),
            ('cleaning', '2025-03-07 14:00', '2025-03-07 14:50',
                {'service': 'HC-CLEAN'}),
            )
        self.assertEqual(outcomes(visits), {
                'ok': 'accepted',
                'times': 'invalid_times',
                'service': 'service_not_in_contract',
                'period': 'outside_contract',
                'draft': 'outside_contract',
                'assigned': 'not_assigned',
                'inactive': 'person_inactive',
                'short': 'too_short',
                'cleaning': 'too_short',
                })

    @with_transaction()
    def test_replace_contractor(self):
        """Merging a contractor party into another moves its contracts and
        visits: its caregivers are then the other's, and overlap"""
        pool = Pool()
        Visit = pool.get(VISIT)
        Replace = pool.get('party.replace', type='wizard')
        Warning = pool.get('res.user.warning')
        world = create_world()
        source, destination = world.contractors
        early, late = create_visits(world,
            ('A-1', '2025-03-03 09:00', '2025-03-03 09:40', {}),
            ('B-1', '2025-03-03 09:20', '2025-03-03 09:50',
                {'contract': 1, 'person': 3}))
        self.assertEqual(outcomes([early, late]),
            {'A-1': 'accepted', 'B-1': 'accepted'})

        session_id, _, _ = Replace.create()
        replace = Replace(session_id)
        replace.ask.source = source
        replace.ask.destination = destination
        with patch.object(Warning, 'check', return_value=False):
            replace.transition_replace()

        self.assertEqual(
            {v.contractor for v in Visit.browse([early.id, late.id])},
            {destination})
        self.assertEqual(outcomes(Visit.browse([early.id, late.id])),
            {'A-1': 'accepted', 'B-1': 'overlap'})

    @with_transaction()
    def test_overlap_earlier_visit_wins(self):
        "Of two overlapping visits of a caregiver the later one is rejected"
        world = create_world()
        # Created latest first: the order of arrival does not matter
        visits = create_visits(world,
            ('v3', '2025-03-03 10:00', '2025-03-03 10:40', {'person': 2}),
            ('v2', '2025-03-03 09:20', '2025-03-03 10:10', {'person': 1}),
            ('v1', '2025-03-03 09:00', '2025-03-03 09:30', {}),
            # Same start as v1: the lower external id comes first
            ('v0', '2025-03-03 09:00', '2025-03-03 09:30', {'person': 2}),
            # Another caregiver at the same time
            ('w1', '2025-03-03 09:00', '2025-03-03 09:30',
                {'caregiver': '陈静'}),
            # Touching (ends when the next starts) is no overlap
            ('v4', '2025-03-03 10:40', '2025-03-03 11:00', {}),
            )
        # v2 overlaps v1 (passing 1-6) and is rejected, but still blocks
        # nothing: only visits passing rules 1-6 count; v3 overlaps v2 only
        # ... v2 passes rules 1 to 6, so v3 is rejected too
        self.assertEqual(outcomes(visits), {
                'v0': 'accepted', 'v1': 'overlap', 'v2': 'overlap',
                'v3': 'overlap', 'w1': 'accepted', 'v4': 'accepted'})

    @with_transaction()
    def test_caregiver_identity(self):
        "Same number means same caregiver; different numbers do not"
        world = create_world()
        first, second = '110101198001011234', '11010119800101201X'
        from trytond.modules.social_assistance import identity
        first = first[:17] + identity.check_character(first[:17])
        second = second[:17] + identity.check_character(second[:17])
        visits = create_visits(world,
            ('a1', '2025-03-03 09:00', '2025-03-03 09:30',
                {'caregiver_id_number': first}),
            # Same name, another number: another person
            ('a2', '2025-03-03 09:10', '2025-03-03 09:40',
                {'person': 1, 'caregiver_id_number': second}),
            # Another name, the same number: the same person
            ('a3', '2025-03-03 09:20', '2025-03-03 09:50',
                {'person': 2, 'caregiver': '刘 芳',
                    'caregiver_id_number': first}),
            # No number: compared by name with both
            ('a4', '2025-03-03 09:25', '2025-03-03 09:55', {}),
            # Another contractor's caregiver of the same name
            ('b1', '2025-03-03 09:00', '2025-03-03 09:30',
                {'contract': 1, 'person': 3}),
            )
        self.assertEqual(outcomes(visits), {
                'a1': 'accepted', 'a2': 'accepted', 'a3': 'overlap',
                'a4': 'overlap', 'b1': 'accepted'})

    @with_transaction()
    def test_order_independent(self):
        "Any order of creation gives the same outcomes"
        pool = Pool()
        Visit = pool.get(VISIT)
        world = create_world()
        rows = [(f'r{i}', f'2025-03-{day:02d} {hour:02d}:{minute:02d}',
                f'2025-03-{day:02d} {hour:02d}:{minute + length:02d}',
                {'person': i % 3, 'caregiver': caregiver})
            for i, (day, hour, minute, length, caregiver) in enumerate(
                itertools.product([3, 4], [9, 10], [0, 20], [5, 25],
                    ['刘芳', '陈静']))]
        expected = None
        for seed in range(3):
            random.Random(seed).shuffle(rows)
            visits = []
            for row in rows:
                visits.extend(create_visits(world, row))
            result = outcomes(visits)
            if expected is None:
                expected = result
                self.assertIn('overlap', result.values())
                self.assertIn('too_short', result.values())
                self.assertIn('accepted', result.values())
            self.assertEqual(result, expected)
            Visit.delete(Visit.search([]))

    @with_transaction()
    def test_facts_recorded_later(self):
        "A death, an ended assignment, a termination re-evaluate visits"
        pool = Pool()
        Person = pool.get('social_assistance.person')
        Assignment = pool.get('care.contract.assignment')
        Contract = pool.get('care.contract')
        Visit = pool.get(VISIT)
        world = create_world()
        visits = create_visits(world,
            ('before', '2025-03-03 09:00', '2025-03-03 09:30', {}),
            ('after', '2025-03-20 09:00', '2025-03-20 09:30', {}),
            ('other', '2025-03-20 10:00', '2025-03-20 10:30',
                {'person': 1}),
            ('later', '2025-05-20 10:00', '2025-05-20 10:30',
                {'person': 2}),
            ('blocked', '2025-03-20 09:10', '2025-03-20 09:40',
                {'person': 2}),
            )
        self.assertEqual(outcomes(visits)['blocked'], 'overlap')

        # A death also ends the person's assignments (care_procurement)
        Person.end_eligibility([world.persons[0]], 'death',
            dt.date(2025, 3, 10))
        assignment, = Assignment.search([
                ('person', '=', world.persons[1].id)])
        Assignment.write([assignment], {'end_date': dt.date(2025, 3, 15)})
        Contract.end_early([world.contracts[0]], dt.date(2025, 4, 30),
            '服务质量不达标')
        self.assertEqual(outcomes(visits), {
                'before': 'accepted', 'after': 'not_assigned',
                'other': 'not_assigned', 'later': 'outside_contract',
                # The visit it overlapped is no longer valid
                'blocked': 'accepted'})

        Visit.delete([v for v in visits if v.external_id == 'after'])
        self.assertEqual(outcomes(visits[2:]), {
                'other': 'not_assigned', 'later': 'outside_contract',
                'blocked': 'accepted'})

    @with_transaction()
    def test_flags(self):
        "Far from home, impossible travel, late entry and odd hours"
        pool = Pool()
        Visit = pool.get(VISIT)
        world = create_world()
        home = world.persons[0]
        visits = create_visits(world,
            ('near', '2025-03-03 08:00', '2025-03-03 08:30', {}),
            # 0.01° of latitude is 1.1 km
            ('far', '2025-03-03 09:00', '2025-03-03 09:30',
                {'latitude': round(home.latitude + 0.01, 6)}),
            # 1.1 km from 'far' a minute after it ended: 66 km/h
            ('travel', '2025-03-03 09:31', '2025-03-03 10:05',
                {'person': 2}),
            ('early', '2025-03-04 05:30', '2025-03-04 06:10', {}),
            ('night', '2025-03-04 21:40', '2025-03-04 22:10', {}),
            ('late', '2025-03-05 09:00', '2025-03-05 09:30',
                {'logged_at': local('2025-03-08 09:31')}),
            ('in_time', '2025-03-05 10:00', '2025-03-05 10:30',
                {'logged_at': local('2025-03-08 10:30')}),
            )
        flags = {v.external_id: sorted(v.flags)
            for v in Visit.browse([v.id for v in visits])}
        self.assertEqual(flags, {
                'near': [], 'far': ['far'], 'travel': ['travel'],
                'early': ['hours'], 'night': ['hours'], 'late': ['late'],
                'in_time': []})
        self.assertTrue(all(v.state == 'accepted'
                for v in Visit.browse([v.id for v in visits])))

    @with_transaction()
    def test_plan_only_an_ended_month(self):
        """A spot-check plan is made for a month that has ended (Asia/
        Shanghai calendar): this month's is refused, last month's drawn"""
        Plan = Pool().get('care.check.plan')
        world = create_world()
        today = local_time.today()
        this_month = today.strftime('%Y-%m')
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime(
            '%Y-%m')
        with Transaction().set_context(company=world.company.id):
            with self.assertRaises(UserError) as context:
                Plan.create([{'month': this_month, 'seed': 1}])
            self.assertIn(this_month, context.exception.message)
            plan, = Plan.create([{'month': last_month, 'seed': 1}])
        Plan.draw([plan])
        self.assertEqual(Plan(plan.id).state, 'drawn')

        # A plan of next month stored before the rule is not drawn
        next_month = (today.replace(day=28) + dt.timedelta(days=4)).strftime(
            '%Y-%m')
        table = Plan.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.month, table.state],
                [next_month, 'draft'], where=table.id == plan.id))
        for cache in Transaction().cache.values():
            cache.pop(Plan.__name__, None)
        with self.assertRaises(UserError):
            Plan.draw([Plan(plan.id)])
