"""The demo county: 莘县's real towns with made-up villages and persons.

Everything is drawn from a seeded random generator, so that two runs make the
same county.  Division codes are illustrative (the published names come with
no codes) and the summary says so.
"""
import csv
import datetime as dt
import json
import os
from functools import cache

from trytond.modules.social_assistance import identity
from trytond.modules.social_assistance.person_import import roster_format
from trytond.modules.social_assistance.tabular import SpreadsheetWriter

DATA = os.path.join(os.path.dirname(__file__), 'data')
COUNTY_CODE = '371522'
# Birth places: mostly the county itself, some neighbours
BIRTH_COUNTIES = ['371522'] * 17 + ['371521', '371524', '410928']
CENTRE = (36.237, 115.671)  # latitude, longitude of the county seat


@cache
def words():
    with open(os.path.join(DATA, 'names.json'), encoding='utf-8') as file:
        return json.load(file)


def towns():
    "The county's 街道 and 镇 (name, kind) from the reference data"
    path = os.path.join(DATA, 'shenxian-towns.csv')
    with open(path, encoding='utf-8') as file:
        return [tuple(row) for row in list(csv.reader(file))[1:] if row]


def divisions(rng):
    """Return [(town name, town code, [(village name, village code)])] with
    illustrative codes"""
    w = words()
    result = []
    for t, (name, _kind) in enumerate(towns(), start=1):
        town_code = f'{COUNTY_CODE}{t:03d}000'
        villages, seen = [], set()
        while len(villages) < rng.randint(14, 26):
            village = (rng.choice(w['village_prefixes'])
                + rng.choice(w['village_prefixes'])
                + rng.choice(w['village_suffixes']))
            if village not in seen:
                seen.add(village)
                code = f'{COUNTY_CODE}{t:03d}{len(villages) + 1:03d}'
                villages.append((village, code))
        result.append((name, town_code, villages))
    return result


class IdNumbers:
    "Unique, valid identity numbers"

    def __init__(self, rng):
        self.rng, self.used = rng, set()

    def make(self, birth, gender):
        while True:
            county = self.rng.choice(BIRTH_COUNTIES)
            sequence = self.rng.randrange(0, 500) * 2 + (
                1 if gender == 'male' else 0)
            first = f'{county}{birth:%Y%m%d}{sequence:03d}'
            number = first + identity.check_character(first)
            if number not in self.used:
                self.used.add(number)
                return number


@cache
def guardian_words():
    """The relations of the demo's guardians, carers and contacts as rosters
    write them (data/guardians.json)"""
    with open(os.path.join(DATA, 'guardians.json'), encoding='utf-8') as file:
        return json.load(file)


def _date_between(rng, start, end):
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _years_after(date, years):
    "The date years later (28 February for a 29 February)"
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def _age(birth, date):
    return date.year - birth.year - ((date.month, date.day)
        < (birth.month, birth.day))


# The first rows are minors turning 18 within 90 days (the registry's list
# of minors turning 18): the days until their 18th birthday
TURNING_ADULT_DAYS = [30, 75]


def roster(rng, count, county, today):
    """Yield the roster rows (dict of field → text) of count persons.
    county is the result of divisions()."""
    w = words()
    fmt = roster_format()
    word = {field: {v: k for k, v in reversed(values.items())}
        for field, values in fmt['values'].items()}
    numbers = IdNumbers(rng)
    town_centres = {name: (CENTRE[0] + rng.uniform(-0.2, 0.2),
            CENTRE[1] + rng.uniform(-0.2, 0.2)) for name, _, _ in county}
    for index in range(count):
        roll = rng.random()
        if roll < 0.04:
            birth = _date_between(rng, today.replace(year=today.year - 17),
                today.replace(year=today.year - 3))
        elif roll < 0.18:
            birth = _date_between(rng, dt.date(1966, 1, 1),
                dt.date(2000, 12, 31))
        else:
            birth = _date_between(rng, dt.date(1928, 1, 1),
                dt.date(1965, 12, 31))
        if index < len(TURNING_ADULT_DAYS):
            birth = _years_after(today, -18) + dt.timedelta(
                days=TURNING_ADULT_DAYS[index])
        gender = rng.choice(['male', 'female'])
        age = _age(birth, today)
        town, town_code, villages = rng.choice(county)
        village, village_code = rng.choice(villages)
        latest = today - dt.timedelta(days=60)
        if age < 18:
            # A minor is recognised under 16 (Min Fa [2021] No. 43)
            latest = min(latest, _years_after(birth, 16) - dt.timedelta(
                    days=1))
        start = _date_between(rng, max(birth, dt.date(2012, 1, 1)), latest)
        start_age = _age(birth, start)
        categories = []
        # Elderly: 60 or older when recognised; who was recognised younger
        # was recognised for a disability
        if age >= 60 and start_age >= 60:
            categories.append('elderly')
        if age < 18:
            categories.append('minor')
        # Adults under 60 are supported for a disability
        if 18 <= age < 60 or (age >= 60 and rng.random() < 0.2) or (
                age >= 60 and start_age < 60):
            categories.append('disabled')
        mental = rng.random() < 0.04
        self_care = rng.choices(['capable', 'partial', 'none'],
            [45, 35, 20])[0]
        lat, lon = town_centres[town]
        row = {
            'id_number': numbers.make(birth, gender),
            'name': rng.choice(w['surnames']) + rng.choice(
                w['given_male' if gender == 'male' else 'given_female']),
            'phone': (f'1{rng.choice("35789")}{rng.randrange(10**9):09d}'
                if rng.random() < 0.8 else ''),
            'town': town if rng.random() < 0.9 else town_code,
            'village': village if rng.random() < 0.85 else village_code,
            'address': w['address_format'].format(
                village=village, number=rng.randint(1, 180)),
            'support_mode': word['support_mode'][
                'centralized' if rng.random() < 0.12 else 'scattered'],
            'self_care': word['self_care'][self_care],
            'categories': fmt['list_separators'][-1].join(
                word['categories'][c] for c in categories),
            'mental_illness': word['mental_illness'][mental],
            'start_date': start.isoformat(),
            'latitude': f'{lat + rng.uniform(-0.03, 0.03):.6f}',
            'longitude': f'{lon + rng.uniform(-0.03, 0.03):.6f}',
            }
        if rng.random() < 0.008:
            row['death_date'] = _date_between(rng, start, today).isoformat()
        # Minors and persons with mental illness have a guardian, but for a
        # few the bureau still has to find one; a few persons who lost
        # self-care have a carer the town entrusts or a contact.  The
        # relation is in the words a roster writes: orphaned minors are
        # mostly with grandparents, aunts and uncles
        needs = age < 18 or mental
        relations = guardian_words()
        role = None
        if needs and rng.random() < 0.93:
            role = 'guardian'
            relation = rng.choice(relations['minor' if age < 18 else 'adult'])
        elif self_care == 'none' and rng.random() < 0.3:
            role = rng.choice(['carer', 'carer', 'contact'])
            relation = rng.choice(relations[role])
        if role:
            g_birth = _date_between(rng, dt.date(1955, 1, 1),
                dt.date(1995, 12, 31))
            g_gender = rng.choice(['male', 'female'])
            row.update({
                'guardian_name': rng.choice(w['surnames']) + rng.choice(
                    w['given_male' if g_gender == 'male'
                        else 'given_female']),
                'guardian_id_number': numbers.make(g_birth, g_gender),
                'guardian_phone': f'13{rng.randrange(10**9):09d}',
                'guardian_relation': relation,
                'guardian_role': word['guardian_role'][role],
                })
        yield row


def write_roster(path, rows):
    "Write rows as a persons CSV with the Chinese column names"
    columns = roster_format()['columns']
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        writer = SpreadsheetWriter(file)
        writer.writerow(names[0] for names in columns.values())
        for row in rows:
            writer.writerow(row.get(field, '') for field in columns)
