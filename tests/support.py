"""Shared helpers of the cross-module tests (tests/test_*.py).

These tests drive the project as an operator does: through the `care`
command, on a throw-away database of the backend that scripts/run_tests.py
chose through the environment:

- CARE_TEST_BACKEND: 'sqlite' (default) or 'postgresql';
- TRYTOND_DATABASE_URI: 'sqlite://' or e.g. postgresql://postgres@127.0.0.1:5432/
  (defaulted from CARE_TEST_BACKEND when unset);
- TRYTOND_DATABASE__PATH: the folder of the SQLite files (a temporary one
  under scripts/test; var/db when unset, as `care` does).

Everything that opens trytond runs in a subprocess: trytond's Pool and
configuration are process-wide, and the test process may hold trytond's own
test settings (DB_NAME, DB_CACHE), which the subprocesses never see.
"""
import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The configuration file, as `care` chooses it without -c
CONFIG = os.path.abspath(os.environ.get('CARE_CONFIG')
    or os.path.join(ROOT, 'tryton.conf'))
ARTIFACTS = os.path.join(ROOT, 'var', 'test-artifacts')
DEFAULT_URIS = {
    'sqlite': 'sqlite://',
    'postgresql': 'postgresql://postgres@127.0.0.1:5432/',
    }
# Bounds of the subprocesses, in seconds
INIT_TIMEOUT = 600
COMMAND_TIMEOUT = 300
SERVER_START_TIMEOUT = 90
SERVER_STOP_TIMEOUT = 15
# Bound of each HTTP request to the server, in seconds
REQUEST_TIMEOUT = 60
# Where initialised databases are kept to be copied (see CareDatabase.create)
INIT_CACHE = os.path.join(os.environ.get('CARE_TEST_CACHE')
    or os.path.join(os.path.expanduser('~'), '.cache', 'shenqing-care'),
    'care-init')
# Environment variables meant for trytond's unit tests only
TEST_ONLY_VARIABLES = ['DB_NAME', 'DB_CACHE', 'DB_CACHE_JOBS']


def _bin_dir():
    "The folder of the venv's scripts (care, trytond, python)"
    here = os.path.dirname(sys.executable)
    if os.path.exists(os.path.join(here, 'care')):
        return here
    return os.path.join(ROOT, '.venv', 'bin')


BIN = _bin_dir()
PYTHON = os.path.join(BIN, 'python')
CARE = os.path.join(BIN, 'care')


def backend():
    "The backend under test: 'sqlite' or 'postgresql'"
    name = os.environ.get('CARE_TEST_BACKEND', 'sqlite')
    if name not in DEFAULT_URIS:
        raise ValueError(f'CARE_TEST_BACKEND={name!r}: expected one of '
            f'{", ".join(DEFAULT_URIS)}')
    return name


def database_uri():
    "The trytond database URI of the backend under test"
    name = backend()
    uri = os.environ.get('TRYTOND_DATABASE_URI') or DEFAULT_URIS[name]
    if not uri.startswith(name):
        raise ValueError(f'CARE_TEST_BACKEND={name} but '
            f'TRYTOND_DATABASE_URI={uri}')
    return uri


def sqlite_path():
    "The folder of the SQLite files, as care_cli.database.load_config sets it"
    return os.path.join(os.path.dirname(CONFIG),
        os.environ.get('TRYTOND_DATABASE__PATH') or os.path.join('var', 'db'))


def environment(**extra):
    "The environment of a subprocess: the backend's, no unit-test settings"
    env = dict(os.environ)
    for name in TEST_ONLY_VARIABLES:
        env.pop(name, None)
    # python -O of the test process is not passed on
    env.pop('PYTHONOPTIMIZE', None)
    env['TRYTOND_DATABASE_URI'] = database_uri()
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in [ROOT, env.get('PYTHONPATH')] if p)
    env['PYTHONUNBUFFERED'] = '1'
    env.update({k: str(v) for k, v in extra.items()})
    return env


def free_port():
    "A TCP port free on the loopback address at the time of asking"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def artifact_path(name):
    "A path under var/test-artifacts/ (made if needed) for evidence files"
    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.join(ARTIFACTS, name)


def describe(process):
    "The command, exit code and output of a CompletedProcess, for messages"
    return (f'{" ".join(map(str, process.args))} exited '
        f'{process.returncode}\n--- stdout\n{process.stdout}'
        f'\n--- stderr\n{process.stderr}')


class CareError(AssertionError):
    "A care command or snippet that should have succeeded failed"


class HTTPAnswer:
    "The HTTP status, the body and its JSON (None if none) of a request"

    def __init__(self, status, body):
        self.status = status
        self.body = body
        try:
            self.data = json.loads(body) if body else None
        except ValueError:
            self.data = None

    def __repr__(self):
        return f'<{type(self).__name__} {self.status} {self.body[:500]!r}>'


def send(request, answer=HTTPAnswer):
    """Send the urllib REQUEST; return ANSWER (HTTPAnswer or a subclass) of
    the status and the body, error statuses included"""
    try:
        with urllib.request.urlopen(request,
                timeout=REQUEST_TIMEOUT) as response:
            return answer(response.status,
                response.read().decode('utf-8', 'replace'))
    except urllib.error.HTTPError as error:
        return answer(error.code, error.read().decode('utf-8', 'replace'))


# Run in a subprocess by CareDatabase.python(): loads the configuration as
# `care` does, then runs CODE with `pool` (a transaction as a user) and
# `params`, and prints the JSON of the variable `result`.
_SNIPPET = '''
import json, sys
from care_cli import database as db
db.load_config(sys.argv[1])
params = json.loads(sys.argv[4])
code = compile(params.pop('__code__'), '<snippet>', 'exec')

def run(pool):
    namespace = {**globals(), 'pool': pool, 'params': params,
        'result': None}
    exec(code, namespace)
    return namespace['result']

result = db.run_in_session(sys.argv[2], run, login=sys.argv[3])
print('\\n@@RESULT@@' + json.dumps(result, default=str))
'''

_CREATE_USER = '''
User = pool.get('res.user')
ModelData = pool.get('ir.model.data')
admin, = User.search([('login', '=', 'admin')])
groups = [ModelData.get_id(*g.split('.', 1)) for g in params['groups']]
values = {
    'name': params['name'],
    'password': params['password'],
    'language': admin.language.id if admin.language else None,
    'groups': [('add', groups)],
    }
if admin.company:
    values['companies'] = [('add', [c.id for c in admin.companies])]
    values['company'] = admin.company.id
users = User.search([('login', '=', params['login'])])
if users:
    User.write(users, values)
else:
    users = User.create([{'login': params['login'], **values}])
if params['employee'] and admin.company and not users[0].employee:
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    party, = Party.create([{'name': params['name']}])
    employee, = Employee.create([{'party': party.id,
                'company': admin.company.id}])
    User.write(users, {'employees': [('add', [employee.id])],
            'employee': employee.id})
result = users[0].id
'''

_EMPLOYEE = '''
User = pool.get('res.user')
user, = User.search([('login', '=', params['login'])])
result = user.employee.id if user.employee else None
'''

_LINK_CONTRACTOR = '''
User = pool.get('res.user')
user, = User.search([('login', '=', params['login'])])
User.write([user], {'care_contractor': params['contractor']})
result = user.care_contractor.id
'''

CONTRACTOR_GROUP = 'care_procurement.group_contractor'

# The opening of a snippet (CareDatabase.python) for the contractor tests:
# `admin`; a town and a village under the county (`county`, `town`,
# `village`); two contractors A and B, parties with a 统一社会信用代码
# (`contractors`); home_care(), the values of a contract; and the models
# the tests use
TWO_CONTRACTORS = r'''
import datetime as dt
from decimal import Decimal
from stdnum.cn import uscc

Party = pool.get('party.party')
Division = pool.get('social_assistance.division')
Person = pool.get('social_assistance.person')
Service = pool.get('care.service')
Contract = pool.get('care.contract')
Assignment = pool.get('care.contract.assignment')
User = pool.get('res.user')

admin, = User.search([('login', '=', 'admin')])
county, = Division.search([('level', '=', 'county')])
town, = Division.create([{'name': '燕店镇', 'level': 'town',
            'parent': county.id, 'code': '371522101000'}])
village, = Division.create([{'name': '燕店村', 'level': 'village',
            'parent': town.id, 'code': '371522101001'}])


def code(sequence):
    first = f'91371522MA3C{sequence:05d}'
    return first + uscc.calc_check_digit(first)


contractors = Party.create([{'name': name,
            'identifiers': [('create', [{'type': 'cn_vat',
                            'code': code(sequence)}])]}
        for sequence, name in [(1, '甲居家养老服务中心'),
            (2, '乙养老服务有限公司')]])


def home_care(contractor, amount, lines):
    "A home-care contract of 2025 for CONTRACTOR: lines [(service, price)]"
    return {
        'company': admin.company.id,
        'contractor': contractor.id,
        'kind': 'home_care',
        'start_date': dt.date(2025, 1, 1),
        'end_date': dt.date(2025, 12, 31),
        'amount': Decimal(amount),
        'penalty_per_failed_check': Decimal(0),
        'lines': [('create', [{'service': service.id,
                        'unit_price': Decimal(price)}
                    for service, price in lines])],
        }
'''


def init_key():
    """What `care init` makes depends on: the modules, the command line, the
    configuration, the backend and the year (its fiscal years)"""
    digest = hashlib.sha256()
    paths = glob.glob(os.path.join(ROOT, 'modules', '**', '*'),
        recursive=True) + glob.glob(os.path.join(ROOT, 'scripts', 'care_cli',
            '**', '*'), recursive=True) + [CONFIG]
    for path in sorted(paths):
        if os.path.isfile(path) and '__pycache__' not in path:
            digest.update(path.encode())
            with open(path, 'rb') as file:
                digest.update(file.read())
    digest.update(f'{backend()} {dt.date.today().year}'.encode())
    return digest.hexdigest()[:12]


def _template_password(key):
    # The cached databases are throw-away test data: a derived password
    return f'care-init-{key}'


@contextlib.contextmanager
def _postgres():
    import psycopg
    uri = database_uri().rstrip('/') + '/postgres'
    with psycopg.connect(uri, autocommit=True, connect_timeout=10) as conn:
        yield conn


def _initialised_template(key):
    """The database `care init` made for the key (made now when missing):
    a file path for SQLite, a database name for PostgreSQL"""
    name = f'careinit_{key}'
    os.makedirs(INIT_CACHE, exist_ok=True)
    if backend() == 'sqlite':
        path = os.path.join(INIT_CACHE, name + '.sqlite')
        if os.path.exists(path):
            return path
        for old in glob.glob(os.path.join(INIT_CACHE, 'careinit_*.sqlite')):
            os.remove(old)
    else:
        with _postgres() as conn:
            names = [r[0] for r in conn.execute("SELECT datname FROM "
                    "pg_database WHERE datname LIKE 'careinit\\_%'")]
            if name in names:
                return name
            for old in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    password_file = os.path.join(INIT_CACHE, 'admin-password')
    with open(password_file, 'w') as file:
        file.write(_template_password(key))
    # Made under a temporary name, so that a killed run leaves no template
    making = f'careinit_making_{secrets.token_hex(4)}'
    process = subprocess.run([CARE, '-c', CONFIG, '-d', making, 'init'],
        cwd=ROOT, env=environment(TRYTONPASSFILE=password_file),
        capture_output=True, text=True, timeout=INIT_TIMEOUT,
        stdin=subprocess.DEVNULL)
    if process.returncode != 0:
        raise CareError('care init of the template failed: '
            + describe(process))
    if backend() == 'sqlite':
        shutil.move(os.path.join(sqlite_path(), making + '.sqlite'), path)
        return path
    with _postgres() as conn:
        conn.execute(f'ALTER DATABASE "{making}" RENAME TO "{name}"')
    return name


def _demo_paths(key):
    "(template: file or database name, file of its logins)"
    name = f'caredemo_{key}'
    logins = os.path.join(INIT_CACHE, name + '.json')
    if backend() == 'sqlite':
        return os.path.join(INIT_CACHE, name + '.sqlite'), logins
    return name, logins


def _cached_demo(key):
    "(template, logins) of the demo kept for the key, or None"
    template, logins = _demo_paths(key)
    if not os.path.exists(logins):
        return None
    if backend() == 'sqlite' and not os.path.exists(template):
        return None
    if backend() == 'postgresql':
        with _postgres() as conn:
            if not conn.execute('SELECT 1 FROM pg_database WHERE datname '
                    '= %s', (template,)).fetchone():
                return None
    with open(logins) as file:
        return template, json.load(file)


def _keep_demo(key, database, logins):
    "Keep a copy of the database's fresh demo for the key"
    template, logins_path = _demo_paths(key)
    os.makedirs(INIT_CACHE, exist_ok=True)
    if database.backend == 'sqlite':
        for old in glob.glob(os.path.join(INIT_CACHE, 'caredemo_*')):
            os.remove(old)
        shutil.copyfile(os.path.join(sqlite_path(),
                database.name + '.sqlite'), template)
    else:
        with _postgres() as conn:
            for old, in conn.execute("SELECT datname FROM pg_database "
                    "WHERE datname LIKE 'caredemo\\_%'").fetchall():
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{template}" '
                f'TEMPLATE "{database.name}"')
    with open(logins_path, 'w') as file:
        json.dump(logins, file)


class CareDatabase:
    """A throw-away database initialised by `care init`.

    Use create() then drop() (drop() is safe to call at any time and more
    than once), or as a context manager."""

    def __init__(self, prefix='caretest'):
        self.prefix = prefix
        self.name = None
        self.backend = backend()
        self.admin_password = None
        self._tmp = None

    def __enter__(self):
        self.create()
        return self

    def __exit__(self, *exc):
        self.drop()

    def create(self, fresh=False):
        """Create and initialise a new database; return its name.  Unless
        fresh, it is a copy of a database `care init` made once for these
        sources (activating the modules takes a minute, copying a second)."""
        if self.name is not None:
            raise RuntimeError(f'database {self.name} already created')
        self.name = f'{self.prefix}_{secrets.token_hex(5)}'
        self._tmp = tempfile.mkdtemp(prefix='caretest-')
        if not fresh:
            key = init_key()
            template = _initialised_template(key)
            self.admin_password = _template_password(key)
            self._copy(template)
            return self.name
        self.admin_password = secrets.token_urlsafe(12)
        password_file = os.path.join(self._tmp, 'admin-password')
        with open(password_file, 'w') as file:
            file.write(self.admin_password)
        process = self.care('init', timeout=INIT_TIMEOUT,
            env={'TRYTONPASSFILE': password_file})
        if process.returncode != 0:
            raise CareError(f'care init of {self.name} failed: '
                + describe(process))
        return self.name

    def _copy(self, template):
        if self.backend == 'sqlite':
            shutil.copyfile(template,
                os.path.join(sqlite_path(), self.name + '.sqlite'))
        else:
            with _postgres() as conn:
                conn.execute(f'CREATE DATABASE "{self.name}" '
                    f'TEMPLATE "{template}"')

    def command(self, *args):
        "The command line of `care ARGS` against this database"
        return [CARE, '-c', CONFIG, '-d', self.name, *map(str, args)]

    def care(self, *args, timeout=COMMAND_TIMEOUT, env=None, check=False,
            input=None):
        "Run `care ARGS` against this database; return the CompletedProcess"
        process = subprocess.run(self.command(*args), cwd=ROOT,
            env=environment(**(env or {})), capture_output=True, text=True,
            timeout=timeout, input=input,
            stdin=None if input is not None else subprocess.DEVNULL)
        if check and process.returncode != 0:
            raise CareError(describe(process))
        return process

    def python(self, code, as_user='admin', timeout=COMMAND_TIMEOUT,
            **params):
        """Run CODE in a subprocess inside a transaction as AS_USER (committed
        when CODE ends without error), with `pool` and `params` (the keyword
        arguments, JSON) defined; return the JSON-decoded value that CODE
        assigned to `result`."""
        process = subprocess.run([PYTHON, '-c', _SNIPPET, CONFIG, self.name,
                as_user, json.dumps({'__code__': code, **params})],
            cwd=ROOT, env=environment(), capture_output=True, text=True,
            timeout=timeout, stdin=subprocess.DEVNULL)
        if process.returncode != 0 or '@@RESULT@@' not in process.stdout:
            raise CareError('snippet failed: ' + describe(process))
        return json.loads(process.stdout.rsplit('@@RESULT@@', 1)[1])

    def create_user(self, login, password, group_xml_ids, name=None,
            employee=False):
        """Create (or update) a user with the password, in the groups given
        as 'module.xml_id', with the admin's language and companies; with
        employee, the user acts as an employee of the admin's company (a
        party of the user's name), as approvers must.  Return the user's
        id."""
        return self.python(_CREATE_USER, login=login, password=password,
            groups=list(group_xml_ids), name=name or login,
            employee=employee)

    def employee(self, login='admin'):
        "The id of the employee the user LOGIN acts as, or None"
        return self.python(_EMPLOYEE, login=login)

    def link_contractor(self, login, contractor):
        """Link the user LOGIN to the contractor (a party's id); fail unless
        it is linked"""
        linked = self.python(_LINK_CONTRACTOR, login=login,
            contractor=contractor)
        if linked != contractor:
            raise CareError(f'{login} not linked to {contractor}: {linked}')

    def create_contractor_user(self, login, password, contractor, name):
        """Create the user LOGIN of the group 服务机构, linked to the
        contractor (a party's id); return the user's id"""
        user_id = self.create_user(login, password, [CONTRACTOR_GROUP],
            name=name)
        self.link_contractor(login, contractor)
        return user_id

    def demo(self, persons, password, timeout=INIT_TIMEOUT):
        """Build the demo county in this database: `care demo --persons
        PERSONS --settle-months 1` with CARE_DEMO_PASSWORD=PASSWORD (at
        least 8 characters), the password of the demo's users.  Return the
        logins that `care demo` lists for them; fail unless it built the
        demo.  The demo built is kept (per sources, day, size and password)
        and copied into the next database asking for the same one."""
        key = hashlib.sha256(
            f'{init_key()} {dt.date.today()} {persons} {password}'.encode()
            ).hexdigest()[:12]
        cached = _cached_demo(key)
        if cached:
            template, logins = cached
            self._replace_by(template)
            return logins
        logins = self._build_demo(persons, password, timeout)
        _keep_demo(key, self, logins)
        return logins

    def _build_demo(self, persons, password, timeout):
        # One month settled and paid: the others are left for the tests
        process = self.care('demo', '--persons', persons,
            '--settle-months', 1, timeout=timeout,
            env={'CARE_DEMO_PASSWORD': password})
        if process.returncode != 0:
            raise CareError(f'care demo in {self.name} failed: '
                + describe(process))
        # "Demo users (password PASSWORD): registry, contractor01, ..."
        for line in process.stdout.splitlines():
            if password in line:
                tail = line.split(password, 1)[1]
                colon = min((i for i in (tail.find(':'), tail.find('：'))
                        if i >= 0), default=-1)
                if colon >= 0:
                    return [login.strip()
                        for login in tail[colon + 1:].split(',')
                        if login.strip()]
        raise CareError(f'care demo did not list its users in {self.name}: '
            + describe(process))

    def _replace_by(self, template):
        "This database becomes a copy of the template"
        if self.backend == 'sqlite':
            shutil.copyfile(template,
                os.path.join(sqlite_path(), self.name + '.sqlite'))
        else:
            with _postgres() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" '
                    'WITH (FORCE)')
            self._copy(template)

    def serve(self, port, log_path):
        "Start `care serve` on 127.0.0.1:PORT; return the CareServer"
        server = CareServer(self, port, log_path)
        server.start()
        return server

    def drop(self):
        "Drop the database and the temporary files, whatever state they are in"
        name, self.name = self.name, None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        if not name:
            return
        if self.backend == 'sqlite':
            path = os.path.join(sqlite_path(), name + '.sqlite')
            for suffix in ['', '-journal', '-wal', '-shm']:
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        else:
            import psycopg
            uri = database_uri().rstrip('/') + '/postgres'
            with psycopg.connect(uri, autocommit=True,
                    connect_timeout=10) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def exists(self, name=None):
        "Whether the database (by default this one) is there"
        name = name or self.name
        if self.backend == 'sqlite':
            return os.path.exists(os.path.join(sqlite_path(), name + '.sqlite'))
        import psycopg
        uri = database_uri().rstrip('/') + '/postgres'
        with psycopg.connect(uri, connect_timeout=10) as conn:
            return bool(conn.execute(
                    'SELECT 1 FROM pg_database WHERE datname = %s',
                    (name,)).fetchone())


class CareServer:
    """`care serve` (trytond and sao) for a CareDatabase, on a loopback
    port, its output in a log file"""

    def __init__(self, database, port, log_path):
        self.database = database
        self.port = port
        self.log_path = log_path
        self.url = f'http://127.0.0.1:{port}/'
        self.process = None
        self._log = None

    def start(self, timeout=SERVER_START_TIMEOUT):
        "Start the server and wait until it serves the web client"
        self._log = open(self.log_path, 'w')
        self.process = subprocess.Popen(
            self.database.command('serve', '--listen', f'127.0.0.1:{self.port}'),
            cwd=ROOT, env=environment(), stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CareError(f'care serve exited {self.process.returncode}:'
                    f'\n{self.log()}')
            elsewhere = self._listening_elsewhere()
            if elsewhere:
                raise CareError(f'care serve --listen 127.0.0.1:{self.port} '
                    f'serves on {elsewhere} instead:\n{self.log()}')
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200 and b'sao' in response.read():
                        return
            except (OSError, urllib.error.URLError) as error:
                last = error
            time.sleep(0.5)
        raise CareError(f'care serve did not answer on {self.url} within '
            f'{timeout} s ({last}):\n{self.log()}')

    def _listening_elsewhere(self):
        "The address werkzeug says it runs on when it is not the one asked"
        for line in self.log().splitlines():
            if 'Running on http://' in line:
                address = line.split('Running on http://', 1)[1].split()[0]
                address = address.rstrip('/')
                if address != f'127.0.0.1:{self.port}':
                    return address
        return None

    def log(self):
        try:
            with open(self.log_path, errors='replace') as file:
                return file.read()[-5000:]
        except OSError:
            return ''

    def stop(self):
        "Stop the server (SIGTERM, then SIGKILL): safe to call more than once"
        process, self.process = self.process, None
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(SERVER_STOP_TIMEOUT)
        if self._log:
            self._log.close()
            self._log = None


class CareServerMixin:
    """Class setup of a unittest.TestCase against `care serve`: a
    throw-away database and the server, both gone after the class; the
    server's log is var/test-artifacts/ARTIFACTS-server-BACKEND.log"""

    # The prefix of the class's files under var/test-artifacts/
    artifacts = 'caretest'

    @classmethod
    def create_database(cls, prefix='caretest'):
        "Create the class's database (`database`, by `care init`), timed"
        cls.backend = backend()
        cls.timings = {}
        with cls.timed('init'):
            cls.database = CareDatabase(prefix)
            cls.addClassCleanup(cls.database.drop)
            cls.database.create()

    @classmethod
    def start_server(cls):
        "Start `care serve` for the class's database (`server`), timed"
        with cls.timed('serve'):
            cls.server = CareServer(cls.database, free_port(), artifact_path(
                    f'{cls.artifacts}-server-{cls.backend}.log'))
            cls.addClassCleanup(cls.server.stop)
            cls.server.start()

    @classmethod
    @contextlib.contextmanager
    def timed(cls, name):
        "Keep the seconds the block takes as timings[NAME]"
        started = time.monotonic()
        yield
        cls.timings[name] = time.monotonic() - started

    @classmethod
    def print_timings(cls):
        print(f'\n[{cls.backend}] ' + ', '.join(
                f'{name} {seconds:.1f} s'
                for name, seconds in cls.timings.items()))
