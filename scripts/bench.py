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
    args = parser.parse_args()
    if args.command == 'persons':
        bench_persons(args.rows)


if __name__ == '__main__':
    main()
