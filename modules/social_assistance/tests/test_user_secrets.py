# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Users' secrets cannot be probed: Tryton searches relational paths
(create_uid.password_hash) for anyone who may read the record."""
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase


class UserSecretsTestCase(ActivatedTestCase):
    "Users' secrets"

    @with_transaction()
    def test_secrets_not_searchable(self):
        "A user finds no record by its author's password hash or key"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        user, = User.create([{'login': 'clerk', 'name': 'Clerk',
                    'password': 'a long enough password'}])
        Party.create([{'name': 'Party'}])
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            for path in ['create_uid.password_hash',
                    'create_uid.password_reset',
                    'create_uid.applications.key']:
                with self.subTest(path=path):
                    with self.assertRaises(AccessError):
                        Party.search([(path, 'like', '%')])

    @with_transaction()
    def test_user_changes_own_password(self):
        "The field access does not stop a user changing the password"
        User = Pool().get('res.user')
        user, = User.create([{'login': 'clerk', 'name': 'Clerk',
                    'password': 'a long enough password'}])
        # As the RPC call runs it: without access checks
        with Transaction().set_user(user.id):
            User.set_preferences({'password': 'another long password',
                    'old_password': 'a long enough password'})
        self.assertTrue(User.get_login('clerk', {
                    'password': 'another long password'}))
