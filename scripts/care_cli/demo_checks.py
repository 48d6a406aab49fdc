"""The demo county's supervision: inspectors, a spot-check plan a month and
a special check in one town for the last month, inspections done for all
months but the last (a few failing), and the rectifications they opened —
closed, answered, open or overdue."""
import datetime as dt
import random
from decimal import Decimal

from . import demo_county

FAIL_SHARE = 0.06
METHODS = ['onsite', 'onsite', 'onsite', 'phone', 'video']


def inspectors(pool):
    "The bureau's inspectors as employees, and the supervisor's user"
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Company = pool.get('company.company')
    company, = Company.search([], limit=1)
    names = demo_county.words()['inspectors']
    existing = Employee.search([('party.name', 'in', names)])
    if existing:
        return existing
    parties = Party.create([{'name': n} for n in names])
    return Employee.create([{'party': p.id, 'company': company.id}
            for p in parties])


def supervise(pool, rng, months, today, employees):
    """Draw each month's plan; inspect all months but the last; answer and
    close rectifications as months go by"""
    from trytond.transaction import Transaction
    Plan = pool.get('care.check.plan')
    plans = []
    for year, month in months:
        plan, = Plan.create([{'month': f'{year}-{month:02d}',
                    'seed': rng.randrange(1, 2 ** 31 - 1)}])
        # The administrator draws for the team: the inspections are not
        # shared out yet (the one drawing would be their inspector)
        with Transaction().set_context(employee=None):
            Plan.draw([plan])
        plans.append(Plan(plan.id))
    if plans:
        _special(pool, plans[-1])
    for age, plan in enumerate(reversed(plans[:-1]), start=1):
        _inspect(pool, rng, plan, employees, today)
        _follow_up(pool, rng, plan, age, today)
    Rectification = pool.get('care.rectification')
    Rectification.mark_overdue_all()
    return plans


def _special(pool, plan):
    """A special check of the last month in the town of the county
    plan's first inspection, left pending like the county plan's"""
    from trytond.transaction import Transaction
    Plan = pool.get('care.check.plan')
    towns = [c.person.town for c in plan.checks if c.person.town]
    if not towns:
        return None
    town = towns[0]
    special, = Plan.create([{'kind': 'special', 'month': plan.month,
                'name': demo_county.words()['special_check_name'].format(
                    town=town.name),
                'towns': [('add', [town.id])],
                'rate': Decimal('0.20'),
                # Its own generator: the demo's stream stays as it was
                'seed': random.Random(plan.seed).randrange(1, 2 ** 31 - 1)}])
    with Transaction().set_context(employee=None):
        Plan.draw([special])
    return special


def _inspect(pool, rng, plan, employees, today):
    Check = pool.get('care.check')
    CheckVisit = pool.get('care.check.visit')
    Visit = pool.get('care.visit')
    words = demo_county.words()
    year, month = map(int, plan.month.split('-'))
    first = dt.date(year, month, 1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    checks = list(plan.checks)
    failing = set(rng.sample(range(len(checks)),
            max(1, round(FAIL_SHARE * len(checks)))))
    writes, lines, passed, failed = [], [], [], []
    for index, check in enumerate(checks):
        fails = index in failing
        visits = Visit.search([('contract', '=', check.contract.id),
                ('person', '=', check.person.id),
                ('month', '=', plan.month), ('state', '=', 'accepted')],
            order=[('start', 'ASC')], limit=3)
        lines.extend({'check': check.id, 'visit': v.id,
                'delivered': not (fails and i == 0)}
            for i, v in enumerate(visits))
        position = (check.person.latitude, check.person.longitude)
        writes.extend([[check], {
                    'inspector': rng.choice(employees).id,
                    'date': min(today, next_month + dt.timedelta(
                            days=rng.randint(0, 12))),
                    'method': rng.choice(METHODS),
                    'delivered': 'no' if fails else 'yes',
                    'on_time': 'no' if fails else rng.choice(
                        ['yes'] * 9 + ['no']),
                    'satisfaction': str(rng.randint(1, 3) if fails
                        else rng.choice([4, 5, 5, 5, 3])),
                    'living_conditions': rng.choice(
                        words['living_conditions']),
                    'person_condition': rng.choice(
                        words['person_conditions']),
                    'latitude': position[0],
                    'longitude': position[1],
                    'reasons': (rng.choice(words['check_failures'])
                        if fails else None),
                    }])
        (failed if fails else passed).append(check)
    Check.write(*writes)
    CheckVisit.create(lines)
    Check.record_pass(passed)
    Check.record_fail(failed)


def _follow_up(pool, rng, plan, age, today):
    """Rectifications of older months are closed; of the last inspected
    month some are answered, the others left to run"""
    Rectification = pool.get('care.rectification')
    words = demo_county.words()
    rectifications = Rectification.search([('check.plan', '=', plan.id)])
    for index, rectification in enumerate(rectifications):
        if age == 1 and index % 3 == 2:
            continue  # not answered: open, or overdue past its deadline
        Rectification.write([rectification], {
                'response': rng.choice(words['rectification_responses'])})
        Rectification.respond([rectification])
        # Answered before the deadline, as the months went by
        responded = min(today, rectification.deadline - dt.timedelta(
                days=rng.randint(1, 10)))
        Rectification.write([rectification], {'responded_on': responded})
        if age > 1 or index % 3 == 0:
            Rectification.write([rectification], {
                    'reinspection_date': min(today,
                        responded + dt.timedelta(days=rng.randint(2, 6))),
                    'reinspection_note': rng.choice(
                        words['reinspection_notes'])})
            Rectification.close([rectification])

