# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import (
    CompanyTestMixin, PartyCompanyCheckEraseMixin)
from trytond.modules.party.exceptions import EraseError
from trytond.modules.party.tests import PartyCheckReplaceMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import create_bureau, create_contractors


class CareProcurementTestCase(
        PartyCompanyCheckEraseMixin, PartyCheckReplaceMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Care Procurement module"
    module = 'care_procurement'

    def create_contract(self, contractor):
        "A draft contract of the contractor, with a bid of it on a lot"
        pool = Pool()
        Service = pool.get('care.service')
        Procurement = pool.get('care.procurement')
        Bid = pool.get('care.procurement.bid')
        Contract = pool.get('care.contract')
        company = create_bureau("Bureau")
        meal, = Service.search([('code', '=', 'HC-MEAL')])
        lot_service = {'service': meal.id, 'ceiling_price': Decimal(20),
            'estimated_quantity': Decimal(10)}
        procurement, = Procurement.create([{
                    'name': "Home Care", 'company': company.id,
                    'year': 2025, 'budget': Decimal(1000),
                    'lots': [('create', [{
                                    'name': "Lot", 'budget': Decimal(1000),
                                    'services': [('create', [lot_service])],
                                    }])],
                    }])
        Procurement.publish([procurement])
        lot, = procurement.lots
        bid, = Bid.create([{'lot': lot.id, 'contractor': contractor.id}])
        contract, = Contract.create([{
                    'company': company.id, 'contractor': contractor.id,
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 12, 31),
                    'amount': Decimal(1000),
                    'lines': [('create', [{
                                    'service': meal.id,
                                    'unit_price': Decimal(20),
                                    }])],
                    }])
        return bid, contract

    @with_transaction()
    def test_replace_contractor(self):
        "Merging two contractor parties moves bids, contracts and users"
        pool = Pool()
        Bid = pool.get('care.procurement.bid')
        Contract = pool.get('care.contract')
        User = pool.get('res.user')
        Replace = pool.get('party.replace', type='wizard')
        old, new = create_contractors("Old", "New")
        bid, contract = self.create_contract(old)
        user, = User.create([{'login': 'contractor', 'name': "Contractor",
                    'care_contractor': old.id}])

        session_id, _, _ = Replace.create()
        replace = Replace(session_id)
        replace.ask.source = old
        replace.ask.destination = new
        with Transaction().set_context(_skip_warnings=True):
            replace.transition_replace()

        # Searched, not browsed: the wizard updates the tables in SQL
        self.assertEqual(Bid.search([('contractor', '=', new.id)]), [bid])
        self.assertEqual(
            Contract.search([('contractor', '=', new.id)]), [contract])
        self.assertEqual(
            User.search([('care_contractor', '=', new.id)]), [user])

    @with_transaction()
    def test_erase_contractor_with_contract(self):
        "A contractor with a contract neither closed nor terminated stays"
        pool = Pool()
        Party = pool.get('party.party')
        Contract = pool.get('care.contract')
        Erase = pool.get('party.erase', type='wizard')
        Session = pool.get('ir.session.wizard')
        contractor, = create_contractors("Contractor")
        _, contract = self.create_contract(contractor)
        Party.write([contractor], {'active': False})
        session = Session()
        session.save()

        Contract.run([contract])
        with self.assertRaises(EraseError):
            Erase(session.id).check_erase(contractor)

        Contract.close([contract])
        Erase(session.id).check_erase(contractor)


del ModuleTestCase
