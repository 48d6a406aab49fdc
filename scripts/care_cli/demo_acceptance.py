"""The demo's 履约验收: each running contract of the year accepted for its
first half year (or the months of it that have ended), with two service
users' representatives in the team, their opinions counted, passed and
published (政府采购法实施条例 art. 45)."""
import datetime as dt
import random

from . import demo_county

# The acceptance follows the period by about a week, its publication by two
# or three days
ACCEPTANCE_DELAY = 8
HALF_YEAR_END = (6, 30)


def record(pool, today, contracts):
    """Record and close the acceptance of each running contract; return
    the acceptances"""
    Acceptance = pool.get('care.contract.acceptance')
    Contract = pool.get('care.contract')
    Division = pool.get('social_assistance.division')
    words = demo_county.words()
    # As they are now: run, signed and dated since they were made
    contracts = Contract.browse([c.id for c in contracts])
    last_ended = today.replace(day=1) - dt.timedelta(days=1)
    values = []
    for contract in contracts:
        if contract.state != 'running':
            continue
        start = contract.start_date
        period_to = min(dt.date(start.year, *HALF_YEAR_END), last_ended,
            contract.end_date)
        if period_to < start:
            continue
        # Its own stream: the demo's other draws stay as they were
        rng = random.Random(f'acceptance:{contract.number}')
        date = min(period_to + dt.timedelta(days=ACCEPTANCE_DELAY), today)
        published = min(date + dt.timedelta(days=rng.randint(2, 3)), today)
        towns = [t.id for t in contract.lot.towns] if contract.lot else []
        villages = Division.search([('parent', 'in', towns),
                ('level', '=', 'village')], order=[('code', 'ASC')])

        def name():
            return rng.choice(words['surnames']) + rng.choice(
                words[rng.choice(['given_male', 'given_female'])])
        members = [{'name': name(), 'role': 'purchaser',
                'organisation': contract.company.rec_name}]
        for village in rng.sample(villages, min(2, len(villages))) or [
                None, None]:
            members.append({'name': name(), 'role': 'user_representative',
                    'organisation': village.name if village else None})
        surveyed = rng.randint(20, 40)
        values.append({
                'contract': contract.id,
                'kind': 'interim',
                'period_from': start,
                'period_to': period_to,
                'date': date,
                'members': [('create', members)],
                'surveyed': surveyed,
                'satisfied': surveyed - rng.randint(0, 3),
                'opinions': rng.choice(words['acceptance_opinions']),
                'result': 'pass',
                'published_date': published,
                })
    acceptances = Acceptance.create(values)
    Acceptance.done(acceptances)
    return acceptances
