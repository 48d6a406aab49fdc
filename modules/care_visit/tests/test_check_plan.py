# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Spot-check plans (DESIGN.md "Spot checks"): the population is every
person assigned and active on a day of the month, the unserved are at risk
like the flagged, county plans once a month, special checks as many as
needed over some contracts or towns; the draw re-derived here from the
design's steps alone."""
import datetime as dt
import math
import random
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.care_visit import local_time
from trytond.modules.social_assistance.tests.tools import make_id_number
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import (
    HOME, YEAR, ActivatedTestCase, create_visits, create_world)

MONTH = f'{YEAR}-03'


def derive(seed, contract_number, population, risk, rate, minimum):
    """The identity numbers an auditor draws, written from DESIGN.md's
    steps alone (not the module's code)"""
    n = len(population)
    size = min(n, max(minimum, math.ceil(Decimal(str(rate)) * n)))
    risk = sorted(risk)
    others = sorted(p for p in population if p not in risk)
    rng = random.Random(f'{seed}:{contract_number}')
    if len(risk) >= size:
        return rng.sample(risk, size)
    return risk + rng.sample(others, size - len(risk))


def build():
    """create_world's county (A: 张桂兰, 李长海, 王秀英; B: 赵德明) and in March:
    served visits for 张桂兰 and 王秀英, a flagged accepted one for 李长海,
    nothing for 赵德明; assigned to A also: 钱守义 (never visited, in a second
    town), 孙玉珍 (only a rejected visit), 周福山 (suspended all month),
    吴桂芝 (assigned on 31 March only, served that day) and 郑有田 (whose
    assignment ended in February)"""
    pool = Pool()
    Person = pool.get('social_assistance.person')
    Division = pool.get('social_assistance.division')
    Assignment = pool.get('care.contract.assignment')
    Suspension = pool.get('social_assistance.person.suspension')
    world = create_world()
    county = world.town.parent
    town2, = Division.create([{'name': '河店镇', 'level': 'town',
                'parent': county.id, 'code': '371522102000'}])
    village2, = Division.create([{'name': '河店村', 'level': 'village',
                'parent': town2.id, 'code': '371522102001'}])
    extra = Person.create([{
                'name': name,
                'id_number': make_id_number(birth=birth, sequence=sequence),
                'division': division.id,
                'support_mode': 'scattered',
                'start_date': dt.date(YEAR - 5, 1, 1),
                'latitude': HOME[0],
                'longitude': HOME[1],
                } for name, birth, sequence, division in [
                ('钱守义', '19410202', '513', village2),
                ('孙玉珍', '19430303', '624', world.village),
                ('周福山', '19440404', '735', world.village),
                ('吴桂芝', '19450505', '846', world.village),
                ('郑有田', '19460606', '957', world.village),
                ]])
    world.persons.extend(extra)
    qian, sun, zhou, wu, zheng = extra
    world.town2 = town2
    contract_a = world.contracts[0]
    Assignment.create([
            {'contract': contract_a.id, 'person': p.id,
                'start_date': dt.date(YEAR, 1, 1)}
            for p in [qian, sun, zhou]] + [
            {'contract': contract_a.id, 'person': wu.id,
                'start_date': dt.date(YEAR, 3, 31)},
            {'contract': contract_a.id, 'person': zheng.id,
                'start_date': dt.date(YEAR, 1, 1),
                'end_date': dt.date(YEAR, 2, 28)},
            ])
    # Suspended from before the month to after it: not active a day of it
    Suspension.create([{'person': zhou.id,
                'from_date': dt.date(YEAR, 2, 20),
                'to_date': dt.date(YEAR, 4, 5), 'reason': '外出务工'}])
    home = world.persons[1]
    visits = create_visits(world,
        ('zhang', f'{MONTH}-03 09:00', f'{MONTH}-03 09:30',
            {'person': 0, 'caregiver': '刘芳'}),
        # The same caregiver at the same time with 孙玉珍: rejected
        ('sun', f'{MONTH}-03 09:10', f'{MONTH}-03 09:40',
            {'person': 5, 'caregiver': '刘芳'}),
        # 1.1 km from home: flagged, accepted
        ('li', f'{MONTH}-04 09:00', f'{MONTH}-04 09:30',
            {'person': 1, 'caregiver': '陈静',
                'latitude': round(home.latitude + 0.01, 6)}),
        ('wang', f'{MONTH}-05 09:00', f'{MONTH}-05 09:30',
            {'person': 2, 'caregiver': '马丽'}),
        ('wu', f'{MONTH}-31 09:00', f'{MONTH}-31 09:30',
            {'person': 7, 'caregiver': '高红'}),
        )
    return world, {v.external_id: v for v in visits}


class CheckPlanTestCase(ActivatedTestCase):
    "Spot-check plans"

    def plan(self, world, **values):
        "A drawn plan of MONTH"
        Plan = Pool().get('care.check.plan')
        values.setdefault('month', MONTH)
        with Transaction().set_context(company=world.company.id):
            plan, = Plan.create([values])
        Plan.draw([plan])
        return Plan(plan.id)

    def drawn(self, plan):
        "{contract number: sorted identity numbers} of the plan's checks"
        result = {}
        for check in plan.checks:
            result.setdefault(check.contract.number, []).append(
                check.person.id_number)
        return {k: sorted(v) for k, v in result.items()}

    @with_transaction()
    def test_fixture(self):
        "The fixture's visits are what the draws below assume"
        world, visits = build()
        self.assertEqual({k: (v.state, v.flagged) for k, v in visits.items()},
            {'zhang': ('accepted', False), 'sun': ('rejected', False),
                'li': ('accepted', True), 'wang': ('accepted', False),
                'wu': ('accepted', False)})

    @with_transaction()
    def test_unserved_are_risk(self):
        """The population is every person assigned and active on a day of
        the month; risk is a flagged visit or no accepted visit: with as
        many at risk as drawn, the person never visited is always drawn"""
        world, _ = build()
        ids = [p.id_number for p in world.persons]
        zhang, li, wang, zhao, qian, sun, zhou, wu, zheng = ids
        # Not 周福山 (suspended all month) nor 郑有田 (assignment ended)
        population_a = [zhang, li, wang, qian, sun, wu]
        # 李长海 flagged; 钱守义 never visited; 孙玉珍 only rejected
        risk_a = [li, qian, sun]
        population_b, risk_b = [zhao], [zhao]

        for seed in [1, 7, 20250611]:
            with self.subTest(seed=seed):
                # size = min(6, max(3, ceil(0.6))) = 3 = len(risk)
                plan = self.plan(world, seed=seed, kind='special',
                    name=f'seed {seed}')
                self.assertEqual(self.drawn(plan), {
                        'HT-A': sorted(derive(seed, 'HT-A', population_a,
                                risk_a, Decimal('0.10'), 3)),
                        'HT-B': sorted(derive(seed, 'HT-B', population_b,
                                risk_b, Decimal('0.10'), 3)),
                        })
                self.assertEqual(self.drawn(plan)['HT-A'], sorted(risk_a))
                by_person = {c.person.id_number: c for c in plan.checks}
                self.assertTrue(by_person[qian].unserved)
                self.assertFalse(by_person[qian].flagged)
                self.assertTrue(by_person[sun].unserved)
                self.assertTrue(by_person[li].flagged)
                self.assertFalse(by_person[li].unserved)
                self.assertTrue(by_person[zhao].unserved)

        # More drawn than at risk: all risk and some of the others, among
        # them possibly 吴桂芝, assigned one day of the month
        seen = set()
        for seed in range(1, 40):
            plan = self.plan(world, seed=seed, minimum=5, kind='special',
                name=f'minimum 5, seed {seed}')
            expected = derive(seed, 'HT-A', population_a, risk_a,
                Decimal('0.10'), 5)
            self.assertEqual(self.drawn(plan)['HT-A'], sorted(expected))
            self.assertTrue(set(risk_a) <= set(expected))
            seen.update(expected)
        self.assertEqual(seen, set(population_a))
        self.assertNotIn(zhou, seen)
        self.assertNotIn(zheng, seen)

    @with_transaction()
    def test_active_day(self):
        """Active on a day of the period: a suspension ending the day before
        the last day, or a gap between two suspensions, leaves one"""
        Plan = Pool().get('care.check.plan')
        d = lambda day: dt.date(YEAR, 3, day)  # noqa: E731
        for suspensions, active in [
                ([], True),
                ([(d(1), None)], False),
                ([(dt.date(YEAR, 2, 1), d(31))], False),
                ([(dt.date(YEAR, 2, 1), d(30))], True),
                ([(d(2), None)], True),
                ([(d(1), d(10)), (d(12), None)], True),
                ([(d(12), None), (d(1), d(11))], False),
                ]:
            with self.subTest(suspensions=suspensions):
                self.assertEqual(
                    Plan._active_day(d(1), d(31), suspensions), active)
        # An empty period (a death on the first day) has no day
        self.assertFalse(Plan._active_day(d(1), d(1) - dt.timedelta(1), []))

    @with_transaction()
    def test_rate(self):
        "size = min(n, max(N, ceil(R × n))): a rate beyond the minimum"
        world, _ = build()
        ids = [p.id_number for p in world.persons]
        zhang, li, wang, zhao, qian, sun, zhou, wu, zheng = ids
        population_a = [zhang, li, wang, qian, sun, wu]
        risk_a = [li, qian, sun]
        # ceil(0.75 × 6) = 5
        plan = self.plan(world, seed=99, rate=Decimal('0.75'), minimum=0)
        expected = derive(99, 'HT-A', population_a, risk_a,
            Decimal('0.75'), 0)
        self.assertEqual(len(expected), 5)
        self.assertEqual(self.drawn(plan)['HT-A'], sorted(expected))

    @with_transaction()
    def test_special_limited(self):
        """A special check limited to a town or to a contract draws the
        same way over that population only"""
        world, _ = build()
        ids = [p.id_number for p in world.persons]
        zhang, li, wang, zhao, qian, sun, zhou, wu, zheng = ids

        # 燕店镇 only: not 钱守义 of 河店镇
        population_a = [zhang, li, wang, sun, wu]
        risk_a = [li, sun]
        plan = self.plan(world, seed=5, kind='special',
            name='专项抽查：燕店镇 助浴服务', towns=[('add', [world.town.id])])
        self.assertEqual(self.drawn(plan), {
                'HT-A': sorted(derive(5, 'HT-A', population_a, risk_a,
                        Decimal('0.10'), 3)),
                'HT-B': [zhao],
                })
        self.assertNotIn(qian, self.drawn(plan)['HT-A'])

        # 河店镇 only: 钱守义 alone
        plan = self.plan(world, seed=5, kind='special', name='河店镇',
            towns=[('add', [world.town2.id])])
        self.assertEqual(self.drawn(plan), {'HT-A': [qian]})

        # Contract B only
        plan = self.plan(world, seed=5, kind='special', name='HT-B',
            contracts=[('add', [world.contracts[1].id])])
        self.assertEqual(self.drawn(plan), {'HT-B': [zhao]})

    @with_transaction()
    def test_one_county_plan_a_month(self):
        """One county plan a month; special checks as many as needed, the
        same month too"""
        world, _ = build()
        county = self.plan(world, seed=1)
        self.assertEqual(county.kind, 'county')
        first = self.plan(world, seed=3, kind='special', name='一')
        second = self.plan(world, seed=4, kind='special', name='二')
        self.assertEqual((first.state, second.state), ('drawn', 'drawn'))
        self.assertEqual(first.rec_name, f'{MONTH} 一')
        # Another month has its own county plan
        other = self.plan(world, seed=1, month=f'{YEAR}-04')
        self.assertEqual(other.kind, 'county')
        # Last: on PostgreSQL the refusal ends the transaction
        with self.assertRaises(UserError) as context:
            self.plan(world, seed=2)
        self.assertIn('once a month', context.exception.message)

    @with_transaction()
    def test_special_needs_name(self):
        "A special check is named"
        world, _ = build()
        with self.assertRaises(UserError):
            self.plan(world, seed=1, kind='special')

    @with_transaction()
    def test_unfinished_month_refused(self):
        """A month that has not ended is not planned, county or special
        (Asia/Shanghai calendar)"""
        Plan = Pool().get('care.check.plan')
        world, _ = build()
        this_month = local_time.today().strftime('%Y-%m')
        for values in [{}, {'kind': 'special', 'name': '专项'}]:
            with self.subTest(**values), \
                    Transaction().set_context(company=world.company.id):
                with self.assertRaises(UserError) as context:
                    Plan.create([dict(values, month=this_month, seed=1)])
                self.assertIn(this_month, context.exception.message)
                self.assertIn('has not ended', context.exception.message)
