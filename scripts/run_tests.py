"""The test driver behind scripts/test (see there for options)."""
import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_URI = os.environ.get('CARE_TEST_POSTGRESQL',
    'postgresql://postgres@127.0.0.1:5432')
CACHE = os.environ.get('CARE_TEST_CACHE',
    os.path.join(os.path.expanduser('~'), '.cache', 'shenqing-care'))
# Suites run once only, on the first backend: the browser suites drive a
# served database; test_cli tests the command line's own behaviour (help,
# exit codes, init and demo run twice), the same on both backends, while
# every PostgreSQL suite runs on databases that `care init` and `care demo`
# made on PostgreSQL
ONCE = {'tests.test_browser', 'tests.test_browser_procurement',
    'tests.test_browser_supervision', 'tests.test_cli'}


def module_suites():
    "Each module's ModuleTestCase and scenarios, then the cross-module tests"
    suites = []
    for path in sorted(glob.glob(os.path.join(ROOT, 'modules', '*'))):
        module = os.path.basename(path)
        for test in sorted(glob.glob(os.path.join(path, 'tests', 'test_*.py'))):
            name = os.path.splitext(os.path.basename(test))[0]
            suites.append(f'trytond.modules.{module}.tests.{name}')
    for test in sorted(glob.glob(os.path.join(ROOT, 'tests', 'test_*.py'))):
        suites.append('tests.' + os.path.splitext(os.path.basename(test))[0])
    return suites


def source_hash():
    "A hash of the modules' files: a changed module invalidates the cache"
    digest = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(ROOT, 'modules', '**', '*'),
                recursive=True)):
        if os.path.isfile(path) and '__pycache__' not in path:
            digest.update(path[len(ROOT):].encode())
            with open(path, 'rb') as file:
                digest.update(file.read())
    return digest.hexdigest()[:16]


def postgresql_reachable():
    try:
        import psycopg
        with psycopg.connect(PG_URI + '/postgres', connect_timeout=3):
            return True
    except Exception as exception:
        print(f'PostgreSQL at {PG_URI} not reachable: {exception}')
        return False


def prepare_postgresql_cache(digest):
    """Template databases (DB_CACHE) are named after the modules only: drop
    them when the modules' sources changed since they were made."""
    import psycopg
    stamp = os.path.join(CACHE, 'postgresql.stamp')
    old = open(stamp).read() if os.path.exists(stamp) else None
    with psycopg.connect(PG_URI + '/postgres', autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
                "SELECT datname FROM pg_database "
                "WHERE datname LIKE 'test-%' OR datname LIKE 'test\\_%' "
                "OR datname LIKE 'caretest\\_%'")]
        for name in names:
            # Leftovers of killed runs always go; templates only when stale
            if old != digest or not name.startswith('test-'):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    os.makedirs(CACHE, exist_ok=True)
    with open(stamp, 'w') as file:
        file.write(digest)
    return PG_URI


def environment(backend, digest, tmp):
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    env['CARE_TEST_BACKEND'] = backend
    env['TRYTOND_DATABASE__PATH'] = tmp
    if backend == 'sqlite':
        env['TRYTOND_DATABASE_URI'] = 'sqlite://'
        env['DB_NAME'] = ':memory:'
        env['DB_CACHE'] = os.path.join(CACHE, 'sqlite-' + digest)
    else:
        env['TRYTOND_DATABASE_URI'] = PG_URI + '/'
        env.pop('DB_NAME', None)
        env['DB_CACHE'] = PG_URI
    return env


def run(backend, suite, env):
    with tempfile.NamedTemporaryFile(suffix='.json', delete=False) as out:
        result_file = out.name
    started = time.monotonic()
    print(f'== {suite} [{backend}]', flush=True)
    process = subprocess.run([sys.executable, '-O',
            os.path.join(ROOT, 'scripts', 'run_suite.py'), result_file,
            suite], env=env, cwd=ROOT)
    try:
        with open(result_file) as file:
            counts = json.load(file)
    except (OSError, ValueError):
        counts = {'passed': 0, 'failed': 1, 'skipped': 0}
        print(f'{suite} [{backend}] crashed (exit {process.returncode})')
    os.remove(result_file)
    print(f'== {suite} [{backend}]: {counts["passed"]} passed, '
        f'{counts["failed"]} failed, {counts["skipped"]} skipped '
        f'in {time.monotonic() - started:.0f} s', flush=True)
    return counts


def main():
    parser = argparse.ArgumentParser(prog='scripts/test')
    parser.add_argument('--sqlite', action='store_true')
    parser.add_argument('--postgresql', action='store_true')
    parser.add_argument('-k', dest='pattern')
    args = parser.parse_args()
    backends = []
    if args.sqlite or not args.postgresql:
        backends.append('sqlite')
    pg_skipped = False
    if args.postgresql or not args.sqlite:
        if postgresql_reachable():
            backends.append('postgresql')
        else:
            pg_skipped = True
            print('PostgreSQL skipped: no server at ' + PG_URI)
    digest = source_hash()
    suites = [s for s in module_suites()
        if not args.pattern or args.pattern in s]
    totals = {'passed': 0, 'failed': 0, 'skipped': 0}
    started = time.monotonic()
    for backend in backends:
        if backend == 'postgresql':
            prepare_postgresql_cache(digest)
        with tempfile.TemporaryDirectory(prefix='care-test-') as tmp:
            env = environment(backend, digest, tmp)
            for suite in suites:
                if suite in ONCE and backend != backends[0]:
                    continue
                for key, value in run(backend, suite, env).items():
                    totals[key] += value
    print(f'tested on: {", ".join(backends)}'
        + (' (PostgreSQL skipped)' if pg_skipped else '')
        + f' in {time.monotonic() - started:.0f} s')
    if pg_skipped and os.environ.get('CARE_REQUIRE_POSTGRESQL'):
        print('PostgreSQL is required but was not tested')
        totals['failed'] += 1
    print(f'{totals["passed"]} passed, {totals["failed"]} failed'
        + (f', {totals["skipped"]} skipped' if totals['skipped'] else ''))
    return 1 if totals['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
