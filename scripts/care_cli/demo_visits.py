"""The demo county's visit logs: what the contractors' apps would export.

Each contractor has caregivers, one for about twenty persons of a town; a
caregiver works through the day from house to house.  About eight visits a
month a person, drawn from the person's care plan.  A small share of the
rows carries the anomalies the rules and the online supervision must catch:
every reason code (outside_contract by a slip of the year), every flag, and
a few rows the import cannot store at all.
"""
import datetime as dt
import math

from trytond.modules.social_assistance.tabular import SpreadsheetWriter

from . import demo_county

PERSONS_PER_CAREGIVER = 20
VISITS_A_MONTH = (6, 10)
FIRST_START = dt.time(8, 0)
LAST_START = dt.time(19, 0)
# Share of the rows planted with each anomaly
ANOMALY_SHARE = 0.002
# Services no demo contract buys (rule 2)
UNBOUGHT_SERVICE = 'HC-MIND'
# Minutes a visit of each unit lasts
DURATIONS = {'visit': (30, 60), 'hour': (60, 120)}
METRES_A_DEGREE = 111000


def months_to_show(today):
    """Three months of one year that have ended (only those can be settled
    and sampled): the last three before today's month, or the last three of
    the year before when today's year has fewer behind it"""
    last = today.replace(day=1) - dt.timedelta(days=1)
    if last.month < 3:
        return [(last.year - 1, m) for m in (10, 11, 12)]
    return [(last.year, m) for m in range(last.month - 2, last.month + 1)]


def demo_year(today):
    "The year of the demo's procurement and contracts: its months' year"
    return months_to_show(today)[-1][0]


def month_days(year, month, today):
    "The days of the month up to yesterday"
    day = dt.date(year, month, 1)
    while day.month == month and day < today:
        yield day
        day += dt.timedelta(days=1)


class World:
    "What the generator needs to know of the county, read once"

    def __init__(self, pool):
        Assignment = pool.get('care.contract.assignment')
        Plan = pool.get('care.contract.assignment.plan')
        Person = pool.get('social_assistance.person')
        Suspension = pool.get('social_assistance.person.suspension')
        Service = pool.get('care.service')
        self.units = {s.code: s.unit for s in Service.search([])}
        self.assignments = Assignment.search_read([
                ('contract.state', '=', 'running'),
                ('contract.kind', '=', 'home_care'),
                ], fields_names=['contract.number', 'contract.contractor',
                'person', 'start_date', 'end_date'],
            order=[('id', 'ASC')])
        self.plans = {}
        for line in Plan.search_read([
                    ('assignment', 'in', [a['id'] for a in self.assignments]),
                    ], fields_names=['assignment', 'service.code',
                    'quantity']):
            self.plans.setdefault(line['assignment'], []).append(
                (line['service.']['code'], float(line['quantity'])))
        self.persons = {p['id']: p for p in Person.search_read(
                [('id', 'in', [a['person'] for a in self.assignments])],
                fields_names=['id_number', 'latitude', 'longitude', 'town',
                    'division', 'start_date', 'end_date', 'death_date'])}
        self.suspensions = {}
        for s in Suspension.search_read([], fields_names=[
                    'person', 'from_date', 'to_date']):
            self.suspensions.setdefault(s['person'], []).append(
                (s['from_date'], s['to_date'] or dt.date.max))

    def active(self, person_id, day):
        person = self.persons[person_id]
        return (person['start_date'] <= day
            and (not person['end_date'] or day <= person['end_date'])
            and (not person['death_date'] or day < person['death_date'])
            and not any(f <= day <= t
                for f, t in self.suspensions.get(person_id, [])))


def caregivers(rng, world):
    """{(contract number, town): [caregiver]} with the assignments each
    serves; a caregiver is (name, identity number or None)"""
    words = demo_county.words()
    numbers = demo_county.IdNumbers(rng)
    groups = {}
    for assignment in world.assignments:
        person = world.persons[assignment['person']]
        key = (assignment['contract.']['number'], person['town'])
        groups.setdefault(key, []).append(assignment)
    teams = {}
    for key, assignments in sorted(groups.items()):
        assignments.sort(key=lambda a: (
                world.persons[a['person']]['division'], a['id']))
        count = math.ceil(len(assignments) / PERSONS_PER_CAREGIVER)
        for index in range(count):
            female = rng.random() < 0.8
            name = rng.choice(words['surnames']) + rng.choice(
                words['given_female' if female else 'given_male'])
            birth = dt.date(rng.randint(1965, 1995), rng.randint(1, 12),
                rng.randint(1, 28))
            # Most apps send the caregiver's number, some only the name
            number = (numbers.make(birth, 'female' if female else 'male')
                if rng.random() < 0.7 else None)
            share = assignments[index::count]
            teams.setdefault(key, []).append(((name, number), share))
    return teams


def rows(rng, world, year, month, today, per_person=VISITS_A_MONTH):
    """The visit rows of the month as FORMATS.md dictionaries (field names),
    with the time each was logged, in the contractors' order"""
    days = [d for d in month_days(year, month, today) if d.weekday() < 6]
    result = []
    serial = 0
    for (number, _town), team in sorted(caregivers(rng, world).items()):
        for caregiver, assignments in team:
            agenda = {}
            for assignment in assignments:
                plan = world.plans.get(assignment['id'])
                if not plan:
                    continue
                codes = [c for c, _q in plan]
                weights = [q for _c, q in plan]
                for _ in range(rng.randint(*per_person)):
                    day = rng.choice(days)
                    if not (world.active(assignment['person'], day)
                            and assignment['start_date'] <= day
                            and day <= (assignment['end_date']
                                or dt.date.max)):
                        continue
                    agenda.setdefault(day, []).append(
                        (assignment, rng.choices(codes, weights)[0]))
            for day, tasks in sorted(agenda.items()):
                clock = dt.datetime.combine(day, FIRST_START)
                for assignment, code in tasks:
                    if clock.time() > LAST_START:
                        break  # the rest of the day's agenda is dropped
                    serial += 1
                    clock += dt.timedelta(minutes=rng.randint(15, 40))
                    minutes = rng.randint(
                        *DURATIONS[world.units[code]])
                    end = clock + dt.timedelta(minutes=minutes)
                    result.append(_row(rng, world, number, caregiver,
                            assignment['person'], code, clock, end,
                            f'{number}-{year}{month:02d}-{serial:06d}'))
                    clock = end
    return result


def _row(rng, world, contract, caregiver, person_id, code, start, end,
        external_id):
    person = world.persons[person_id]
    lat, lon = _near(rng, person, 20)
    return {
        'external_id': external_id,
        'contract': contract,
        'id_number': person['id_number'],
        'service': code,
        'caregiver': caregiver[0],
        'caregiver_id': caregiver[1] or '',
        'start': start.strftime('%Y-%m-%d %H:%M'),
        'end': end.strftime('%Y-%m-%d %H:%M'),
        'longitude': f'{lon:.6f}',
        'latitude': f'{lat:.6f}',
        'note': '',
        '_logged': end + dt.timedelta(minutes=rng.randint(5, 600)),
        '_person': person_id,
        }


def _near(rng, person, metres):
    "A position within metres of the person's home"
    delta = metres / METRES_A_DEGREE
    return (float(person['latitude']) + rng.uniform(-delta, delta),
        float(person['longitude']) + rng.uniform(-delta, delta))


def plant_anomalies(rng, world, visits, today):
    """Change a small share of the rows so that every rule and flag has
    something to catch; return the number of rows changed"""
    planted = 0
    others = {}
    for visit in visits:
        others.setdefault(visit['contract'], set()).add(visit['id_number'])
    # Suspended persons keep their assignment: rule 5 rejects their visits
    suspended = {}
    for assignment in world.assignments:
        if world.suspensions.get(assignment['person']):
            suspended.setdefault(assignment['contract.']['number'], []).append(
                assignment['person'])
    kinds = ['invalid_times', 'service_not_in_contract', 'outside_contract',
        'not_assigned',
        'person_inactive', 'too_short', 'overlap', 'far', 'travel', 'late',
        'hours']
    count = max(1, round(ANOMALY_SHARE * len(visits)))
    for kind in kinds:
        for visit in rng.sample(visits, count):
            if visit.get('_planted'):
                continue
            visit['_planted'] = kind
            planted += 1
            start = dt.datetime.fromisoformat(visit['start'])
            end = dt.datetime.fromisoformat(visit['end'])
            if kind == 'invalid_times':
                visit['end'] = (start - dt.timedelta(minutes=30)).strftime(
                    '%Y-%m-%d %H:%M')
            elif kind == 'service_not_in_contract':
                visit['service'] = UNBOUGHT_SERVICE
            elif kind == 'outside_contract':
                # A slip of the year: after the contract's end
                for field, value in [('start', start), ('end', end)]:
                    visit[field] = (value + dt.timedelta(days=365)).strftime(
                        '%Y-%m-%d %H:%M')
            elif kind == 'not_assigned':
                foreign = [c for c in others if c != visit['contract']]
                visit['id_number'] = rng.choice(sorted(
                        others[rng.choice(sorted(foreign))]))
            elif kind == 'person_inactive':
                day = start.date()
                candidates = [p for p in suspended.get(visit['contract'], [])
                    if not world.active(p, day)]
                if candidates:
                    visit['id_number'] = world.persons[
                        rng.choice(candidates)]['id_number']
            elif kind == 'too_short':
                visit['end'] = (start + dt.timedelta(minutes=5)).strftime(
                    '%Y-%m-%d %H:%M')
            elif kind == 'overlap':
                # The same caregiver logged twice at once
                twin = dict(visit, external_id=visit['external_id'] + 'D',
                    _planted='overlap')
                twin['start'] = (start + dt.timedelta(minutes=5)).strftime(
                    '%Y-%m-%d %H:%M')
                visits.append(twin)
            elif kind == 'far':
                lat, lon = _near(rng, world.persons[visit['_person']], 2000)
                visit['latitude'] = f'{lat + 0.02:.6f}'
            elif kind == 'travel':
                visit['latitude'] = f'{float(visit["latitude"]) + 0.3:.6f}'
            elif kind == 'late':
                visit['_logged'] = end + dt.timedelta(
                    days=rng.randint(4, 12))
            elif kind == 'hours':
                early = start.replace(hour=5, minute=rng.randint(0, 40))
                visit['start'] = early.strftime('%Y-%m-%d %H:%M')
                visit['end'] = (early + (end - start)).strftime(
                    '%Y-%m-%d %H:%M')
    return planted


def bad_rows(rng, visits):
    "Rows the import cannot store: an unknown person, a time that is none"
    first = dict(rng.choice(visits), external_id='BAD-1',
        id_number='371522190001010000')
    second = dict(rng.choice(visits), external_id='BAD-2',
        start='2026-13-40 25:00')
    return [first, second]


def write(path, visits, columns):
    "Write the rows as a CSV with the Chinese column names"
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        writer = SpreadsheetWriter(file)
        writer.writerow([columns[f] for f in columns])
        for visit in visits:
            writer.writerow([visit.get(f, '') for f in columns])


# The columns the demo writes, in FORMATS.md order
FIELDS = ['external_id', 'contract', 'id_number', 'service', 'caregiver',
    'caregiver_id', 'start', 'end', 'longitude', 'latitude', 'note']


def date_logging(pool, visits):
    """Store when each row was logged: the demo imports a month at once,
    the apps sent each visit soon after it ended (late ones days after)"""
    from trytond.modules.care_visit.local_time import to_utc
    from trytond.modules.social_assistance.sql_tools import update_many
    from trytond.transaction import Transaction
    Visit = pool.get('care.visit')
    Contract = pool.get('care.contract')
    contracts = {c.number: c.id for c in Contract.search([])}
    visit = Visit.__table__()
    cursor = Transaction().connection.cursor()
    logged = {(contracts[v['contract']], v['external_id']):
        to_utc(v['_logged']) for v in visits if v['contract'] in contracts}
    ids = []
    for contract in set(c for c, _e in logged):
        cursor.execute(*visit.select(visit.id, visit.external_id,
                where=visit.contract == contract))
        rows = [[logged[contract, external_id], id_]
            for id_, external_id in cursor.fetchall()
            if (contract, external_id) in logged]
        update_many(Visit, ['logged_at'], rows)
        ids.extend(r[1] for r in rows)
    Visit.derive(ids)
    Visit.evaluate(ids)
