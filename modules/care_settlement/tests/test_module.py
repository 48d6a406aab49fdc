# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.modules.company.tests import (
    CompanyTestMixin, PartyCompanyCheckEraseMixin)
from trytond.modules.party.tests import PartyCheckReplaceMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import create_world_with_books, meals


class CareSettlementTestCase(
        PartyCompanyCheckEraseMixin, PartyCheckReplaceMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Care Settlement module"
    module = 'care_settlement'

    @with_transaction()
    def test_replace_contractor(self):
        """Merging a duplicate contractor party into the kept one moves its
        bids, contracts, visits and settlements to the kept one"""
        pool = Pool()
        Procurement = pool.get('care.procurement')
        Bid = pool.get('care.procurement.bid')
        Contract = pool.get('care.contract')
        Visit = pool.get('care.visit')
        Settlement = pool.get('care.settlement')
        Replace = pool.get('party.replace', type='wizard')
        world = create_world_with_books()
        kept, duplicate = world.contractors
        meals(world, 2, 3)
        Settlement.settle('2025-03')
        services = [l.service for l in world.contracts[1].lines]
        procurement, = Procurement.create([{
                    'name': '2025年特困人员居家照护服务',
                    'company': world.company.id,
                    'year': 2025,
                    'budget': Decimal(100000),
                    'method': 'competitive_negotiation',
                    'lots': [('create', [{
                                    'name': '燕店镇',
                                    'kind': 'home_care',
                                    'budget': Decimal(100000),
                                    'towns': [('add', [world.town.id])],
                                    'services': [('create', [{
                                                    'service': s.id,
                                                    'ceiling_price':
                                                    Decimal(60),
                                                    'estimated_quantity':
                                                    Decimal(100),
                                                    } for s in services])],
                                    }])],
                    }])
        Procurement.publish([procurement])
        lot, = procurement.lots
        Bid.create([{
                    'lot': lot.id,
                    'contractor': duplicate.id,
                    'technical_score': Decimal(50),
                    'lines': [('create', [{
                                    'service': s.id,
                                    'unit_price': Decimal(14),
                                    } for s in services])],
                    }])
        models = [Bid, Contract, Visit, Settlement]
        duplicates = {Model: Model.search([
                    ('contractor', '=', duplicate.id)]) for Model in models}
        self.assertEqual(
            {M.__name__: len(r) for M, r in duplicates.items()}, {
                'care.procurement.bid': 1, 'care.contract': 1,
                'care.visit': 3, 'care.settlement': 1})

        session_id, _, _ = Replace.create()
        replace = Replace(session_id)
        replace.ask.source = duplicate
        replace.ask.destination = kept
        # The officer accepts the warnings that the names and codes differ
        with Transaction().set_context(_skip_warnings=True):
            replace.transition_replace()
        Replace.delete(session_id)

        for Model, records in duplicates.items():
            with self.subTest(model=Model.__name__):
                # searched, not read: the wizard updates the tables in SQL
                self.assertEqual(Model.search([
                            ('id', 'in', [r.id for r in records]),
                            ('contractor', '=', kept.id),
                            ]), records)
                self.assertEqual(Model.search([
                            ('contractor', '=', duplicate.id)]), [])


del ModuleTestCase
