"""Benchmarks behind scripts/bench: figures and ratios, never pass/fail."""
import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CARE = os.path.join(ROOT, '.venv', 'bin', 'care')
CONFIG = os.path.join(ROOT, 'tryton.conf')
PG_URI = os.environ.get('CARE_BENCH_POSTGRESQL',
    'postgresql://postgres@127.0.0.1:5432/')


def backends():
    "SQLite always; PostgreSQL when reachable"
    yield 'sqlite', {'TRYTOND_DATABASE_URI': 'sqlite://'}
    try:
        import psycopg
        with psycopg.connect(PG_URI + 'postgres', connect_timeout=3):
            pass
    except Exception as exception:
        print(f'PostgreSQL skipped: {exception}')
        return
    yield 'postgresql', {'TRYTOND_DATABASE_URI': PG_URI}


# Creates the demo county's divisions, which the roster names
PREPARE = """
import random, sys
sys.path.insert(0, %r)
from care_cli import database as db, demo, demo_county
db.load_config(sys.argv[1])
demo.create_divisions(sys.argv[2], demo_county.divisions(random.Random(1)))
""" % os.path.join(ROOT, 'scripts')


def care(env, *args, check=True):
    return subprocess.run([CARE, '-c', CONFIG, *args], env=env, check=check,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def bench_persons(rows):
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    from care_cli import demo_county
    rng = random.Random(1)
    county = demo_county.divisions(rng)
    with tempfile.TemporaryDirectory(prefix='care-bench-') as tmp:
        roster = os.path.join(tmp, 'persons.csv')
        demo_county.write_roster(roster, demo_county.roster(
                rng, rows, county, dt.date.today()))
        print(f'persons: {rows} rows, end to end (care import persons)')
        for backend, extra in backends():
            env = dict(os.environ, TRYTOND_DATABASE__PATH=tmp,
                TRYTONPASSFILE=os.path.join(tmp, 'pass'), **extra)
            with open(env['TRYTONPASSFILE'], 'w') as file:
                file.write('bench-password')
            name = f'carebench_{os.getpid()}'
            care(env, '-d', name, 'init')
            subprocess.run([sys.executable, '-c', PREPARE, CONFIG, name],
                env=env, check=True)
            try:
                figures = []
                for label in ['first import', 'second import (unchanged)']:
                    started = time.perf_counter()
                    result = care(env, '-d', name, 'import', 'persons',
                        roster, check=False)
                    seconds = time.perf_counter() - started
                    summary = result.stdout.strip().splitlines()[-1]
                    figures.append((label, seconds, summary))
                for label, seconds, summary in figures:
                    print(f'  {backend:10} {label:26} {seconds:6.2f} s '
                        f'{rows / seconds:8.0f} rows/s   [{summary}]')
            finally:
                _drop(backend, name, tmp)


# Writes one or more months of visit logs for the county of a database
WRITE_VISITS = """
import datetime as dt, random, sys
sys.path.insert(0, %r)
from care_cli import database as db, demo_visits
db.load_config(sys.argv[1])
name, path, months = sys.argv[2], sys.argv[3], sys.argv[4]
low, high, per_caregiver = map(int, sys.argv[5:8])
# More caregivers for the denser runs: a caregiver's day has room for ~8
demo_visits.PERSONS_PER_CAREGIVER = per_caregiver
with db.session(name, readonly=True) as pool:
    world = demo_visits.World(pool)
    columns = {f: pool.get('care.visit.log').header(f)
        for f in demo_visits.FIELDS}
today = dt.date.today()
rng = random.Random(7)
rows = []
for month in months.split(','):
    year, number = map(int, month.split('-'))
    rows += demo_visits.rows(rng, world, year, number,
        dt.date(year + 1, 1, 1), (low, high))
demo_visits.write(path, rows, columns)
print(len(rows))
""" % os.path.join(ROOT, 'scripts')


def demo_counties(tmp, towns_per_lot=4, persons=5000, only=None):
    """Yield (backend, env, name): a county of 5,000 persons (or as many as
    given) with its contracts and no visits on each backend (or the one
    named), dropped afterwards"""
    for backend, extra in backends():
        if only and backend != only:
            continue
        env = dict(os.environ, TRYTOND_DATABASE__PATH=tmp,
            TRYTONPASSFILE=os.path.join(tmp, 'pass'),
            CARE_DEMO_PASSWORD='bench-password', **extra)
        with open(env['TRYTONPASSFILE'], 'w') as file:
            file.write('bench-password')
        name = f'carebench_{os.getpid()}'
        care(env, '-d', name, 'demo', '--persons', str(persons),
            '--without-visits', '--towns-per-lot', str(towns_per_lot))
        try:
            yield backend, env, name
        finally:
            _drop(backend, name, tmp)


def write_visits(env, name, path, months, per_person, per_caregiver):
    "Write the county's visits of the months to path; return the rows"
    written = subprocess.run([sys.executable, '-c', WRITE_VISITS, CONFIG,
            name, path, ','.join(months), *map(str, per_person),
            str(per_caregiver)], env=env, check=True,
        stdout=subprocess.PIPE, text=True)
    return int(written.stdout.split()[-1])


def bench_visits(large):
    """A county month (5,000 persons, about 50,000 visits) imported end to
    end on each backend, beside the floor: the same rows copied raw into a
    bare table; then the month's spot-check plan.  --large repeats with a
    year of visits (about 1,000,000) on PostgreSQL."""
    year = dt.date.today().year
    with tempfile.TemporaryDirectory(prefix='care-bench-') as tmp:
        for backend, env, name in demo_counties(tmp):
            # (label, months, visits a person and month, persons a caregiver)
            runs = [('county month', [f'{year}-03'], (9, 13), 20)]
            if large and backend == 'postgresql':
                runs.append(('county year x2', [f'{year}-{m:02d}'
                            for m in range(4, 13)] + [f'{year}-01',
                            f'{year}-02'], (18, 22), 6))
            for label, months, per_person, per_caregiver in runs:
                _bench_visit_file(env, backend, name, tmp, label,
                    months, per_person, per_caregiver)
            started = time.perf_counter()
            result = care(env, '-d', name, 'checks', 'plan', '--month',
                f'{year}-03', '--seed', '1')
            seconds = time.perf_counter() - started
            print(f'  {backend:10} {"checks plan (end to end)":26} '
                f'{seconds:6.2f} s   '
                f'[{result.stdout.strip().splitlines()[-1]}]')


def _bench_visit_file(env, backend, name, tmp, label, months, per_person,
        per_caregiver):
    path = os.path.join(tmp, f'visits-{label.replace(" ", "-")}.csv')
    rows = write_visits(env, name, path, months, per_person, per_caregiver)
    print(f'visits: {label}, {rows} rows ({backend})')
    floor = _copy_floor(backend, name, tmp, path)
    print(f'  {backend:10} {"floor (raw copy)":26} {floor:6.2f} s '
        f'{rows / floor:8.0f} rows/s')
    for run in ['first import', 'second import (unchanged)']:
        started = time.perf_counter()
        result = care(env, '-d', name, 'import', 'visits', path,
            check=False)
        seconds = time.perf_counter() - started
        summary = result.stdout.strip().splitlines()[-1]
        print(f'  {backend:10} {run:26} {seconds:6.2f} s '
            f'{rows / seconds:8.0f} rows/s  {seconds / floor:5.1f}x floor'
            f'   [{summary}]')


def _copy_floor(backend, name, tmp, path):
    """Seconds to store the file's rows raw into a bare visit-like table
    with a primary key and a unique (contract, external id) index"""
    import csv
    with open(path, encoding='utf-8-sig', newline='') as file:
        reader = csv.reader(file)
        next(reader)
        rows = list(reader)
    create = ('CREATE TABLE floor_visit (id SERIAL PRIMARY KEY, '
        'external_id TEXT, contract TEXT, id_number TEXT, service TEXT, '
        'caregiver TEXT, caregiver_id TEXT, start TEXT, "end" TEXT, '
        'longitude TEXT, latitude TEXT, note TEXT)')
    index = ('CREATE UNIQUE INDEX floor_visit_key '
        'ON floor_visit (contract, external_id)')
    columns = ('external_id, contract, id_number, service, caregiver, '
        'caregiver_id, start, "end", longitude, latitude, note')
    if backend == 'sqlite':
        import sqlite3
        conn = sqlite3.connect(os.path.join(tmp, 'floor.sqlite'))
        conn.execute('DROP TABLE IF EXISTS floor_visit')
        conn.execute(create.replace('SERIAL', 'INTEGER'))
        conn.execute(index)
        started = time.perf_counter()
        conn.executemany(f'INSERT INTO floor_visit ({columns}) VALUES '
            f'({", ".join("?" * 11)})', rows)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.close()
        return seconds
    import psycopg
    with psycopg.connect(PG_URI + name) as conn:
        conn.execute('DROP TABLE IF EXISTS floor_visit')
        conn.execute(create)
        conn.execute(index)
        conn.commit()
        started = time.perf_counter()
        with conn.cursor().copy(
                f'COPY floor_visit ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute('DROP TABLE floor_visit')
        conn.commit()
        return seconds


# The floor: one GROUP BY computing each contract's gross from the accepted
# visits with the caps, as a hand-written query would
FLOOR_SETTLE = """
SELECT contract, SUM(amount) FROM (
  SELECT contract, person, line, ROUND(SUM(counted) * unit_price, 2) AS amount
  FROM (
    SELECT v.contract, v.person, l.id AS line, l.unit_price,
      CASE WHEN l.monthly_cap IS NULL THEN q
        ELSE MAX(0, MIN(q, l.monthly_cap - (SUM(q) OVER w - q))) END
        AS counted
    FROM (SELECT *, CASE WHEN unit = 'visit' THEN 1.0
            ELSE (duration / 30) * 0.5 END AS q
          FROM care_visit JOIN (SELECT id AS sid, unit FROM care_service) s
            ON s.sid = care_visit.service
          WHERE month = '{month}' AND state = 'accepted'
            AND unit IN ('visit', 'hour')) v
    JOIN care_contract_line l
      ON l.contract = v.contract AND l.service = v.service
    WINDOW w AS (PARTITION BY v.person, l.id ORDER BY v.start, v.external_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  ) c GROUP BY contract, person, line, unit_price
) t GROUP BY contract
"""


# Settling in a warm process: the month's settlements are deleted, then
# timed as computed anew and as computed again (unchanged)
SETTLE_IN_PROCESS = """
import sys, time
sys.path.insert(0, %r)
from care_cli import database as db
db.load_config(sys.argv[1])
from trytond.transaction import Transaction
with db.session(sys.argv[2]) as pool:
    Settlement = pool.get('care.settlement')
    Line = pool.get('care.settlement.line')
    month = sys.argv[3]
    settlement, line = Settlement.__table__(), Line.__table__()
    cursor = Transaction().connection.cursor()
    ids = settlement.select(settlement.id, where=settlement.month == month)
    cursor.execute(*line.delete(where=line.settlement.in_(ids)))
    cursor.execute(*settlement.delete(where=settlement.month == month))
    for run in ['first', 'again']:
        started = time.perf_counter()
        computed, unchanged = Settlement.settle(month)
        print(run, time.perf_counter() - started, len(computed),
            len(unchanged))
""" % os.path.join(ROOT, 'scripts')


def bench_settle(large):
    """A county month (5,000 persons, about 50,000 visits, 13 contracts)
    settled end to end with care settle, and in a warm process, beside the
    floor: one raw GROUP BY of the same gross totals.  --large adds a month
    of about 1,000,000 visits on PostgreSQL (a county of 12,000 persons:
    the demo's caregiver schedules give about 90 visits a person a month at
    the most)."""
    year = dt.date.today().year
    counties = [({}, [('county month', f'{year}-03', (13, 16), 20)])]
    if large:
        counties.append(({'persons': 12000, 'only': 'postgresql'}, [
                    ('1,000,000-visit month', f'{year}-04', (195, 205), 2)]))
    with tempfile.TemporaryDirectory(prefix='care-bench-') as tmp:
        for options, runs in counties:
            for backend, env, name in demo_counties(tmp, towns_per_lot=2,
                    **options):
                _bench_settle_runs(tmp, backend, env, name, runs)


def _bench_settle_runs(tmp, backend, env, name, runs):
    "Each run: write and import the month's visits, then settle it"
    for label, month, per_person, per_caregiver in runs:
        path = os.path.join(tmp, f'{month}.csv')
        write_visits(env, name, path, [month], per_person,
            per_caregiver)
        imported = care(env, '-d', name, 'import', 'visits', path,
            check=False).stdout.strip().splitlines()[-1]
        print(f'settle: {label} ({backend}) [{imported}]')
        floor = _settle_floor(backend, name, tmp, month)
        print(f'  {backend:10} {"floor (raw GROUP BY)":26} '
            f'{floor:6.2f} s')
        for run in ['first settle', 'settle again (unchanged)']:
            started = time.perf_counter()
            result = care(env, '-d', name, 'settle', '--month',
                month)
            seconds = time.perf_counter() - started
            print(f'  {backend:10} {"care " + run:26} {seconds:6.2f} s '
                f'{seconds / floor:6.1f}x floor   '
                f'[{result.stdout.strip().splitlines()[-1]}]')
        warm = subprocess.run([sys.executable, '-c',
                SETTLE_IN_PROCESS, CONFIG, name, month], env=env,
            check=True, stdout=subprocess.PIPE, text=True)
        for line in warm.stdout.splitlines():
            run, seconds, computed, unchanged = line.split()
            seconds = float(seconds)
            label = {'first': 'in process, first',
                'again': 'in process, again'}[run]
            print(f'  {backend:10} {label:26} {seconds:6.2f} s '
                f'{seconds / floor:6.1f}x floor   [{computed} '
                f'computed, {unchanged} unchanged]')


def _settle_floor(backend, name, tmp, month):
    query = FLOOR_SETTLE.format(month=month)
    if backend == 'sqlite':
        import sqlite3
        conn = sqlite3.connect(os.path.join(tmp, name + '.sqlite'))
        started = time.perf_counter()
        conn.execute(query).fetchall()
        seconds = time.perf_counter() - started
        conn.close()
        return seconds
    import psycopg
    query = query.replace('MAX(0, MIN(', 'GREATEST(0, LEAST(')
    with psycopg.connect(PG_URI + name) as conn:
        started = time.perf_counter()
        conn.execute(query).fetchall()
        return time.perf_counter() - started


def _drop(backend, name, tmp):
    if backend == 'sqlite':
        path = os.path.join(tmp, name + '.sqlite')
        if os.path.exists(path):
            os.remove(path)
    else:
        import psycopg
        with psycopg.connect(PG_URI + 'postgres', autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(prog='scripts/bench')
    commands = parser.add_subparsers(dest='command', required=True)
    persons = commands.add_parser('persons',
        help='import a roster end to end with care import persons')
    persons.add_argument('--rows', type=int, default=10000)
    visits = commands.add_parser('visits',
        help='import a county month of visits end to end with care import '
        'visits, beside a raw copy; then draw its spot-check plan')
    visits.add_argument('--large', action='store_true',
        help='also a year of visits (about 1,000,000) on PostgreSQL')
    settle = commands.add_parser('settle',
        help='settle a county month end to end with care settle, beside a '
        'raw GROUP BY')
    settle.add_argument('--large', action='store_true',
        help='also a dense month on PostgreSQL')
    args = parser.parse_args()
    if args.command == 'settle':
        bench_settle(args.large)
    elif args.command == 'persons':
        bench_persons(args.rows)
    elif args.command == 'visits':
        bench_visits(args.large)


if __name__ == '__main__':
    main()
