# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the web API may not do (api_guard.py) and the phone entries the web
client can save."""
import unittest

from lxml import etree

from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..api_guard import APPLICATION_KEY, RPC_DOMAIN_SIZE, RPC_SEARCH_LIMIT
from .tools import ActivatedTestCase


def arguments(*args, **kwargs):
    "What the RPC method was called with"
    return args, kwargs


class APIGuardTestCase(ActivatedTestCase):
    "The web API's bounds"

    @with_transaction()
    def test_rpc_search_limit(self):
        "An RPC search without a limit, or above it, gets the cap"
        Person = Pool().get('social_assistance.person')
        for name in ['search', 'search_read']:
            call = Person.__rpc__[name].decorate(arguments)
            for limit, expected in [(None, RPC_SEARCH_LIMIT),
                    (10 ** 7, RPC_SEARCH_LIMIT), (50, 50)]:
                with self.subTest(method=name, limit=limit):
                    args, _ = call([], 0, limit, None)
                    self.assertEqual(args[2], expected)
                    _, kwargs = call([], limit=limit)
                    self.assertEqual(kwargs['limit'], expected)
            args, _ = call([])
            _, kwargs = call([])
            self.assertEqual(kwargs['limit'], RPC_SEARCH_LIMIT)

    @with_transaction()
    def test_rpc_bad_order_and_domain(self):
        """An order clause with SQL in it, through a function field or a
        domain of thousands of conditions is a user error, not a crash"""
        Person = Pool().get('social_assistance.person')
        search = Person.__rpc__['search'].decorate(Person.search)
        count = Person.__rpc__['search_count'].decorate(Person.search_count)
        for order in [[['name; DROP TABLE ir_model', 'ASC']],
                [['name', 'ASC; SELECT 1']], [['age', 'ASC']],
                [['division.no_such_field', 'ASC']], ['name'],
                [['name', 'ASC', 'x']]]:
            with self.subTest(order=order):
                with self.assertRaises(ValidationError):
                    search([], 0, 10, order)
        self.assertEqual(search([], 0, 10, [['name', 'DESC'],
                    ['division.name', 'ASC NULLS LAST']]), [])
        domain = ['OR'] + [[('name', '=', str(i))]
            for i in range(RPC_DOMAIN_SIZE + 1)]
        for call in [lambda: search(domain, 0, 10, None),
                lambda: count(domain)]:
            with self.assertRaises(ValidationError):
                call()
        self.assertEqual(count(domain[:50]), 0)

    @with_transaction()
    def test_fresh_session_button_refused_to_key(self):
        """A button whose RPC wants a fresh login is refused in a
        transaction that an application key authenticated"""
        pool = Pool()
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        fresh = [n for n, r in User.__rpc__.items() if r.fresh_session]
        self.assertTrue(fresh)
        Button.get_groups('res.user', fresh[0])
        setattr(Transaction(), APPLICATION_KEY, 'rest')
        with self.assertRaises(AccessError):
            Button.get_groups('res.user', fresh[0])
        # other buttons keep their groups
        Button.get_groups('social_assistance.person', 'no_such_button')

    @with_transaction()
    def test_phone_entries_plain(self):
        """A phone number is a plain entry: sao's callto widget is an
        <input type=url> that the browser refuses to submit a number in"""
        pool = Pool()
        for model in ['social_assistance.person',
                'social_assistance.guardian']:
            view = pool.get(model).fields_view_get(view_type='form')
            arch = etree.fromstring(view['arch'])
            for field in arch.iter('field'):
                with self.subTest(model=model, field=field.get('name')):
                    self.assertNotIn(field.get('widget'),
                        {'callto', 'sip', 'url', 'email'}
                        if field.get('name') == 'phone' else {'callto'})


if __name__ == '__main__':
    unittest.main()
