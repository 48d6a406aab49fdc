# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Procurement and contract numbers follow the year they are for: next
year's procurement, prepared in December, is CG<next year>-…"""
import datetime as dt
from decimal import Decimal

from trytond.modules.social_assistance.tests.tools import create_divisions
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import ActivatedTestCase, create_bureau, create_contractors


class NumberingTestCase(ActivatedTestCase):
    "Numbers of procurements and contracts"

    @with_transaction()
    def test_procurement_number_follows_year(self):
        "A procurement is numbered in its year, whatever today is"
        pool = Pool()
        Procurement = pool.get('care.procurement')
        company = create_bureau("Bureau")
        this_year = pool.get('ir.date').today().year
        current, next_ = Procurement.create([
                {'name': "This Year", 'company': company.id,
                    'year': this_year, 'budget': Decimal(100)},
                {'name': "Next Year", 'company': company.id,
                    'year': this_year + 1, 'budget': Decimal(100)},
                ])
        self.assertTrue(current.number.startswith(f'CG{this_year}-'),
            current.number)
        self.assertTrue(next_.number.startswith(f'CG{this_year + 1}-'),
            next_.number)

    @with_transaction()
    def test_contract_number_follows_start(self):
        "A contract is numbered in the year it starts; a given number stays"
        pool = Pool()
        Service = pool.get('care.service')
        Contract = pool.get('care.contract')
        company = create_bureau("Bureau")
        contractor, = create_contractors("Contractor")
        meal, = Service.search([('code', '=', 'HC-MEAL')])

        def values(start, **extra):
            return {'company': company.id, 'contractor': contractor.id,
                'start_date': start, 'end_date': start.replace(month=12,
                    day=31),
                'amount': Decimal(1000),
                'lines': [('create', [{'service': meal.id,
                                'unit_price': Decimal(20)}])],
                **extra}
        old, new, kept = Contract.create([
                values(dt.date(2024, 3, 1)),
                values(dt.date(2031, 1, 1)),
                values(dt.date(2031, 1, 1), number='HT-EXISTING-7'),
                ])
        self.assertTrue(old.number.startswith('HT2024-'), old.number)
        self.assertTrue(new.number.startswith('HT2031-'), new.number)
        self.assertEqual(kept.number, 'HT-EXISTING-7')

    @with_transaction()
    def test_copy_failed_procurement(self):
        """A failed procurement is re-run from a copy: a new number, its lots
        with their towns and services, none of the bids"""
        pool = Pool()
        Service = pool.get('care.service')
        Procurement = pool.get('care.procurement')
        Bid = pool.get('care.procurement.bid')
        company = create_bureau("Bureau")
        _county, town, _village = create_divisions()
        contractor, = create_contractors("Contractor")
        meal, = Service.search([('code', '=', 'HC-MEAL')])
        procurement, = Procurement.create([{
                    'name': "Home Care", 'company': company.id,
                    'year': 2025, 'budget': Decimal(1000),
                    'lots': [('create', [{
                                    'name': "Lot", 'budget': Decimal(1000),
                                    'towns': [('add', [town.id])],
                                    'services': [('create', [{
                                                    'service': meal.id,
                                                    'ceiling_price':
                                                    Decimal(20),
                                                    'estimated_quantity':
                                                    Decimal(10)}])],
                                    }])],
                    }])
        Procurement.publish([procurement])
        lot, = procurement.lots
        Bid.create([{'lot': lot.id, 'contractor': contractor.id,
                    'technical_score': Decimal(50),
                    'lines': [('create', [{'service': meal.id,
                                    'unit_price': Decimal(18)}])]}])
        Procurement.evaluate([procurement])
        Procurement.award([procurement])
        self.assertEqual(procurement.state, 'failed')

        copy, = Procurement.copy([procurement])

        self.assertNotEqual(copy.number, procurement.number)
        self.assertEqual(copy.state, 'draft')
        self.assertIsNone(copy.announcement_date)
        lot_copy, = copy.lots
        self.assertEqual(lot_copy.state, 'open')
        self.assertEqual(list(lot_copy.towns), [town])
        self.assertEqual([s.service for s in lot_copy.services], [meal])
        self.assertEqual(lot_copy.bids, ())
        # The copy runs as a procurement of its own
        Procurement.publish([copy])
        self.assertEqual(copy.state, 'published')

    @with_transaction()
    def test_copy_contract(self):
        "A copied contract is a new draft with a number of its own"
        pool = Pool()
        Service = pool.get('care.service')
        Contract = pool.get('care.contract')
        company = create_bureau("Bureau")
        contractor, = create_contractors("Contractor")
        meal, = Service.search([('code', '=', 'HC-MEAL')])
        contract, = Contract.create([{
                    'company': company.id, 'contractor': contractor.id,
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 12, 31),
                    'amount': Decimal(1000),
                    'lines': [('create', [{'service': meal.id,
                                    'unit_price': Decimal(20)}])]}])
        copy, = Contract.copy([contract])
        self.assertNotEqual(copy.number, contract.number)
        self.assertEqual(copy.state, 'draft')
        self.assertEqual(len(copy.lines), 1)
