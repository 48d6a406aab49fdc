# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for the tests of the modules built on the registry"
import unittest
from contextlib import contextmanager

from trytond.modules.social_assistance import identity
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, drop_db
from trytond.transaction import Transaction


class ActivatedTestCase(unittest.TestCase):
    "Tests run in a database where the module `module` is activated"
    module = 'social_assistance'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module(cls.module)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


@contextmanager
def acting_as(user, **context):
    """Act as the user (a record or an id), with its context and access
    checks, as an RPC call of the user does"""
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(int(user)):
        preferences = User.get_preferences(context_only=True)
        with transaction.set_context(preferences, _check_access=True,
                **context):
            yield


def make_id_number(birth='19450304', sequence='101', county='371522'):
    "A valid identity number"
    first = county + birth + sequence
    return first + identity.check_character(first)


def create_divisions(county='County', town='Town', village='Village',
        town_code='371522001'):
    "Create a county with one town and one village; return the three"
    Division = Pool().get('social_assistance.division')
    county, = Division.create([{'name': county, 'level': 'county',
                'code': town_code[:6] + '000000'}])
    town, = Division.create([{'name': town, 'level': 'town',
                'parent': county.id, 'code': town_code + '000'}])
    village, = Division.create([{'name': village, 'level': 'village',
                'parent': town.id, 'code': town_code + '001'}])
    return county, town, village


def working_days_after(config, date, days):
    """The date `days` working days after date by the holiday calendar of the
    proteus scenario's database (config): a scenario's expected deadline"""
    with Transaction().start(config.database_name, 0, readonly=True):
        Holiday = Pool().get('social_assistance.holiday')
        return Holiday.add_working_days(date, days)
