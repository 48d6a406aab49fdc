"""care init: an unattended installation (DESIGN.md "Command line")."""
import os
import secrets
import subprocess
import sys
import tempfile

from . import database as db
from .i18n import _


def add_parser(subparsers):
    parser = subparsers.add_parser('init',
        help=_('create the database, activate the modules and set up the '
            'bureau'),
        description=_('Create the database, activate the modules with '
            'Chinese, create the bureau company (CNY), the county division, '
            'the admin user and the groups. The admin password comes from '
            'the file named by TRYTONPASSFILE, else one is generated and '
            'printed once.'))
    parser.set_defaults(func=run)


def run(args):
    initialise(args.config, args.database)
    return 0


def initialise(config_path, name, out=sys.stdout):
    "Create and set up the database unless it is already; return True if new"
    if db.is_initialised(name):
        print(_('Database "%s" is already initialised; updating the '
                'modules.') % name, file=out)
        _admin(config_path, name, ['--all'])
        db.run_in_session(name, _set_up)
        return False
    if not db.database_exists(name):
        db.create_database(name)
    password_file = os.environ.get('TRYTONPASSFILE')
    generated = None
    if not password_file:
        generated = secrets.token_urlsafe(12)
        handle, password_file = tempfile.mkstemp()
        with os.fdopen(handle, 'w') as file:
            file.write(generated)
    try:
        _admin(config_path, name, [
                '--all', '--activate-dependencies', '-u', *db.MODULES,
                '-l', db.LANGUAGE, '--email', db.care_option(
                    'admin_email', 'admin@localhost')],
            password_file=password_file)
    finally:
        if generated:
            os.remove(password_file)
    db.run_in_session(name, _set_up)
    print(_('Database "%s" created with modules: %s') % (
            name, ', '.join(db.MODULES)), file=out)
    if generated:
        print(_('Admin login: admin, password: %s (shown once)') % generated,
            file=out)
    return True


def _admin(config_path, name, options, password_file=None):
    env = dict(os.environ)
    if password_file:
        env['TRYTONPASSFILE'] = password_file
    command = [os.path.join(os.path.dirname(sys.executable), 'trytond-admin'),
        '-c', os.path.abspath(config_path), '-d', name, *options]
    subprocess.run(command, env=env, check=True, stdin=subprocess.DEVNULL)
    db.forget_pool(name)


def _set_up(pool):
    """The bureau company in CNY with its books, the county division, the
    admin's language; what exists already is kept"""
    Currency = pool.get('currency.currency')
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Division = pool.get('social_assistance.division')
    User = pool.get('res.user')
    Lang = pool.get('ir.lang')
    Configuration = pool.get('ir.configuration')

    currency, = Currency.search([('code', '=', 'CNY')]) or Currency.create([{
                'name': 'Chinese Yuan', 'code': 'CNY', 'symbol': '¥',
                'numeric_code': '156', 'rounding': '0.01', 'digits': 2}])
    companies = Company.search([])
    if not companies:
        party, = Party.create([{'name': db.care_option('bureau', 'Bureau')}])
        companies = Company.create([{'party': party.id,
                    'currency': currency.id,
                    'timezone': 'Asia/Shanghai'}])
    pool.get('care.configuration').setup_company_accounting(companies[0])
    if not Division.search([('level', '=', 'county')]):
        Division.create([{'name': db.care_option('county', 'County'),
                    'code': db.care_option('county_code'),
                    'level': 'county'}])
    zh, = Lang.search([('code', '=', db.LANGUAGE)])
    configuration = Configuration(1)
    configuration.language = db.LANGUAGE
    configuration.save()
    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {
            'language': zh.id,
            'companies': [('add', [c.id for c in companies])],
            'company': companies[0].id,
            })
    _make_employee(pool, admin, companies[0])


def _make_employee(pool, user, company):
    """The user acts as an employee of the company, a party of the user's
    name, unless it is one already: an approval names a person of the
    bureau"""
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    employees = [e for e in user.employees if e.company == company]
    if not employees:
        party, = Party.create([{'name': user.name}])
        employees = Employee.create([{'party': party.id,
                    'company': company.id}])
    User.write([user], {
            'employees': [('add', [e.id for e in employees])],
            'employee': employees[0].id,
            })
