"""Opening the project's trytond: configuration, database, transactions."""
import os
from contextlib import contextmanager
from contextvars import ContextVar

# The modules of this project, in dependency order
MODULES = ['social_assistance', 'care_procurement', 'care_visit',
    'care_settlement']
LANGUAGE = 'zh_CN'
# The administrator's login, which the commands run as unless told (with
# the administrator's access checks, like any user)
ADMIN = 'admin'


# Folders under the project root used unless the environment names others
DEFAULT_PATHS = {
    ('database', 'path'): os.path.join('var', 'db'),
    ('web', 'root'): os.path.join('var', 'sao', 'package'),
    }


def load_config(path):
    """Load the trytond configuration; the SQLite folder and the web client
    default to folders under var/ next to the configuration file, and are
    passed on through the environment to trytond-admin and trytond."""
    from trytond.config import config
    path = os.path.abspath(path)
    os.environ['TRYTOND_CONFIG'] = path
    config.update_etc(path)
    base = os.path.dirname(path)
    for (section, option), default in DEFAULT_PATHS.items():
        variable = f'TRYTOND_{section.upper()}__{option.upper()}'
        value = os.path.join(base, os.environ.get(variable) or default)
        config.set(section, option, value)
        os.environ[variable] = value
    os.makedirs(config.get('database', 'path'), exist_ok=True)
    return config


def care_option(name, default=None):
    "An option of the [care] section of the configuration"
    from trytond.config import config
    return config.get('care', name, default=default)


def backend_name():
    from trytond import backend
    return backend.name


def database_exists(name):
    from trytond import backend
    database = backend.Database()
    database.connect()
    try:
        return name in database.list()
    finally:
        database.close()


def create_database(name):
    from trytond import backend
    database = backend.Database()
    database.connect()
    connection = database.get_connection(autocommit=True)
    try:
        database.create(connection, name)
    finally:
        database.put_connection(connection)
        database.close()


def drop_database(name):
    from trytond import backend
    from trytond.pool import Pool
    Pool.stop(name)
    forget_pool(name)
    database = backend.Database()
    database.connect()
    connection = database.get_connection(autocommit=True)
    try:
        database.drop(connection, name)
    finally:
        database.put_connection(connection)
        database.close()
    backend.Database._list_cache.clear()


def is_initialised(name):
    "Whether the project's modules are activated in the database"
    if not database_exists(name):
        return False
    from trytond import backend
    database = backend.Database(name).connect()
    connection = database.get_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute("SELECT state FROM ir_module WHERE name = %s"
                if backend.name == 'postgresql' else
                "SELECT state FROM ir_module WHERE name = ?",
                (MODULES[-1],))
        except Exception:
            return False
        row = cursor.fetchone()
        return bool(row and row[0] == 'activated')
    finally:
        database.put_connection(connection)


_LOADED = set()
# The transaction extras (the locks to take at start) of the innermost
# db.retried call
_EXTRAS = ContextVar('care_transaction_extras', default=None)


def forget_pool(name):
    "The modules of the database changed: load them again on next session"
    _LOADED.discard(name)


class MissingDatabase(Exception):
    "The database named does not exist"


class UnknownUser(Exception):
    "No user has the login given"


class Busy(Exception):
    "Another transaction held the records: the command gave up after retries"


def retried(function, *args, **kwargs):
    """Call function (which opens its own sessions) until its transaction
    goes through, as Tryton's RPC dispatcher and proteus do: again with the
    locks it asked for (TransactionError: Tryton takes locks when a
    transaction starts), or after losing to a concurrent transaction
    (serialization failure, deadlock, a lock held by another run) at most
    [database] retry times, then raise Busy.  The function must start
    afresh: a rolled back session left nothing behind; it opens one session
    that writes, or the locks it asked for are taken in each."""
    import time

    from trytond import backend
    from trytond.config import config
    from trytond.transaction import TransactionError
    retry = config.getint('database', 'retry')
    extras = {}
    token = _EXTRAS.set(extras)
    try:
        count = 0
        while True:
            try:
                return function(*args, **kwargs)
            except TransactionError as error:
                error.fix(extras)
            except backend.DatabaseOperationalError as error:
                if count >= retry:
                    raise Busy(str(error)) from error
                count += 1
                # the winner commits meanwhile (the dispatcher's back-off, a
                # little longer: a command's transaction is long)
                time.sleep(0.1 * count)
    finally:
        _EXTRAS.reset(token)


@contextmanager
def session(name, login='admin', readonly=False):
    """A transaction as the user, with the user's context (language):
    committed when the block ends normally, rolled back otherwise.  A
    session that writes runs inside db.retried, which starts it again when
    it asks for a lock.  Every user, admin included, gets Tryton's access
    checks, as for a call of the user through RPC (model access, record
    rules, button groups)."""
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    # Asked afresh: the list is cached, and this process may have just
    # created the database
    backend.Database._list_cache.clear()
    if not database_exists(name):
        raise MissingDatabase(name)
    Pool.start()
    pool = Pool(name)
    # Loading the modules takes seconds: once a process, unless trytond-admin
    # changed them since (forget_pool)
    if name not in _LOADED:
        pool.init()
        _LOADED.add(name)
    # the locks asked for by an earlier attempt of db.retried
    extras = _EXTRAS.get() or {}
    with Transaction().start(name, 0, readonly=readonly, **extras) \
            as transaction:
        User = pool.get('res.user')
        users = User.search([('login', '=', login)])
        if not users:
            raise UnknownUser(login)
        user, = users
        with transaction.set_user(user.id), \
                transaction.set_context(
                    User.get_preferences(context_only=True)), \
                check_access():
            yield pool


def run_in_session(name, function, *args, login='admin'):
    """Return function(pool, *args) called in a session of the user that
    writes, started again by retried when it must"""
    def attempt():
        with session(name, login=login) as pool:
            return function(pool, *args)
    return retried(attempt)
