# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The visit statistics (the client's graphs, `care charts`) count the
visits of the month per town, contractor, state and reason."""
from collections import Counter

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_visits, create_world


class StatisticsTestCase(ActivatedTestCase):
    "Visit statistics"

    @with_transaction()
    def test_visits_per_month(self):
        "The rows of the month count its visits, one row a group"
        pool = Pool()
        Visit = pool.get('care.visit')
        Statistics = pool.get('care.visit.statistics')
        world = create_world()
        create_visits(world,
            ('V-1', '2025-03-03 09:00', '2025-03-03 09:45', {}),
            ('V-2', '2025-03-04 09:00', '2025-03-04 09:45', {}),
            # Person 3 is assigned to B's contract only: rejected
            ('V-3', '2025-03-05 09:00', '2025-03-05 09:45',
                {'person': 3}),
            ('V-4', '2025-03-06 09:00', '2025-03-06 09:45',
                {'person': 3, 'contract': 1}),
            ('V-5', '2025-04-01 09:00', '2025-04-01 09:45', {}))
        expected = Counter((v.person.town.id, v.contractor.id, v.state,
                v.reason) for v in Visit.search([('month', '=', '2025-03')]))
        self.assertIn('rejected', {state for _, _, state, _ in expected})

        with Transaction().set_context(month='2025-03'):
            rows = Statistics.search([])
            self.assertEqual(
                Counter({(r.town.id, r.contractor.id, r.state, r.reason):
                        r.visits for r in rows}), expected)
            self.assertEqual({r.month for r in rows}, {'2025-03'})
            self.assertEqual(sum(r.accepted + r.rejected for r in rows),
                sum(expected.values()))
        with Transaction().set_context(month='2025-05'):
            self.assertEqual(Statistics.search([]), [])
        # Without a month: every month, ids unique
        rows = Statistics.search([])
        self.assertEqual(len({r.id for r in rows}), len(rows))
        self.assertEqual(sum(r.visits for r in rows), 5)
