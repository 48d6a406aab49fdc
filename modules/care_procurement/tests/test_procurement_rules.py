# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The rules of law a procurement is audited against (DESIGN.md
"Procurement rules"): each refusal names its rule, each outcome is shown."""
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from stdnum.cn import uscc as stdnum_uscc

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement import uscc
from trytond.modules.care_procurement.bid import USCC
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.modules.social_assistance.tests.tools import (
    acting_as, make_id_number)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import ActivatedTestCase, create_bureau, create_contractors

# Two services of a lot: (code, ceiling price, estimated quantity)
SERVICES = [('HC-CARE', Decimal(30), Decimal(1000)),
    ('HC-MEAL', Decimal(12), Decimal(1000))]
# The lot budget (最高限价): every price at its ceiling
BUDGET = Decimal(42000)


class ProcurementRulesTestCase(ActivatedTestCase):
    "The procurement rules of 政府采购法, 87号令, 74号令, 102号令"

    def bureau(self):
        "The bureau, created once per transaction"
        Company = Pool().get('company.company')
        companies = Company.search([('party.name', '=', "Bureau")])
        return companies[0] if companies else create_bureau("Bureau")

    def procurement(self, method='open_tender', bids=(), publish=True,
            lot_budget=BUDGET, **values):
        """A procurement of one lot; bids are (care price, meal price,
        technical score or None, sme) of as many contractors"""
        pool = Pool()
        Service = pool.get('care.service')
        Procurement = pool.get('care.procurement')
        Bid = pool.get('care.procurement.bid')
        company = self.bureau()
        services = {s.code: s for s in Service.search([])}
        values.setdefault('budget', BUDGET)
        procurement, = Procurement.create([{
                    'name': "Home Care", 'company': company.id,
                    'year': 2025, 'method': method,
                    'lots': [('create', [{
                                    'name': "Lot", 'budget': lot_budget,
                                    'services': [('create', [{
                                                    'service': services[c].id,
                                                    'ceiling_price': p,
                                                    'estimated_quantity': q,
                                                    } for c, p, q in SERVICES
                                                ])],
                                    }])],
                    **values}])
        if publish:
            Procurement.publish([procurement])
        lot, = procurement.lots
        Party = pool.get('party.party')
        # New contractors: the credit codes are numbered from 1
        first = Party.search([], count=True) + 1
        contractors = create_contractors(
            *(f"Contractor {i}" for i in range(first, first + len(bids))))
        created = Bid.create([{
                    'lot': lot.id, 'contractor': contractor.id,
                    'technical_score': (
                        Decimal(str(score)) if score is not None else None),
                    'sme': sme,
                    'lines': [('create', [
                                {'service': services['HC-CARE'].id,
                                    'unit_price': Decimal(str(care))},
                                {'service': services['HC-MEAL'].id,
                                    'unit_price': Decimal(str(meal))}])],
                    } for contractor, (care, meal, score, sme)
                in zip(contractors, bids)])
        return procurement, lot, created

    def run_award(self, procurement):
        Procurement = Pool().get('care.procurement')
        Procurement.evaluate([procurement])
        Procurement.award([procurement])
        lot, = Procurement(procurement.id).lots
        return lot

    # 1. Minimum valid bids per method

    @with_transaction()
    def test_invited_tender_two_valid_bids_fails(self):
        "An invited tender with 2 valid bids fails (政府采购法 第三十六条)"
        procurement, _, _ = self.procurement('invited_tender', bids=[
                (25, 10, 60, False), (26, 11, 50, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.state, 'failed')
        self.assertEqual(lot.failure_reason, "Invited tender: 2 valid bids, "
            "fewer than 3: the tender fails (Government Procurement Law, "
            "art. 36).")
        self.assertEqual(lot.procurement.state, 'failed')

    @with_transaction()
    def test_open_tender_three_valid_bids_awarded(self):
        "An open tender with 3 valid bids is awarded"
        procurement, _, bids = self.procurement('open_tender', bids=[
                (25, 10, 60, False), (26, 11, 50, False),
                (27, 11, 50, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.state, 'awarded')
        self.assertEqual(lot.awarded_bid, bids[0])
        self.assertEqual((lot.valid_bids, lot.minimum_bids), (3, 3))

    @with_transaction()
    def test_consultation_two_bids_for_services_awarded(self):
        "竞争性磋商 for a purchase of services: 2 valid bids are enough"
        procurement, _, bids = self.procurement('competitive_consultation',
            bids=[(25, 10, 60, False), (26, 11, 50, False)])
        self.assertEqual(procurement.minimum_bids, 2)
        lot = self.run_award(procurement)
        self.assertEqual(lot.state, 'awarded')
        self.assertEqual(lot.awarded_bid, bids[0])

    @with_transaction()
    def test_consultation_one_bid_fails(self):
        "竞争性磋商 with one valid bid is terminated (124号)"
        procurement, _, _ = self.procurement('competitive_consultation',
            bids=[(25, 10, 60, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.state, 'failed')
        self.assertIn("Caiku [2015] No. 124", lot.failure_reason)
        self.assertIn("1 valid offers, fewer than 2", lot.failure_reason)

    @with_transaction()
    def test_negotiation_two_bids_fails(self):
        "竞争性谈判 with 2 valid bids is terminated (74号令 第三十七条)"
        procurement, _, _ = self.procurement('competitive_negotiation',
            bids=[(25, 10, None, False), (26, 11, None, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.state, 'failed')
        self.assertIn("MOF Order No. 74, art. 37", lot.failure_reason)

    @with_transaction()
    def test_single_source_needs_reason(self):
        "单一来源 needs the reason single source is allowed (第三十一条)"
        with self.assertRaises(ValidationError) as cm:
            self.procurement('single_source', publish=False)
        self.assertIn("Government Procurement Law, art. 31",
            cm.exception.message)

    @with_transaction()
    def test_single_source_one_bid_awarded(self):
        "单一来源 with its reason: the one valid bid is awarded"
        procurement, _, bids = self.procurement('single_source',
            bids=[(25, 10, 60, False)],
            single_source_reason="Only provider of the town's day care")
        lot = self.run_award(procurement)
        self.assertEqual(lot.state, 'awarded')
        self.assertEqual(lot.awarded_bid, bids[0])

    @with_transaction()
    def test_framework_needs_decision(self):
        "A framework agreement says how it is decided"
        with self.assertRaises(ValidationError) as cm:
            self.procurement('framework', publish=False)
        self.assertIn("MOF Order No. 110", cm.exception.message)

    @with_transaction()
    def test_framework_minimum_per_lot(self):
        "A framework agreement needs 2 valid bids per lot"
        procurement, _, _ = self.procurement('framework',
            framework_decision='score', bids=[(25, 10, 60, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.state, 'failed')
        self.assertIn("fewer than 2", lot.failure_reason)
        self.assertIn("MOF Order No. 110", lot.failure_reason)

    # 2. 询价 is for goods

    @with_transaction()
    def test_inquiry_refused_for_services(self):
        "询价 cannot buy care services (政府采购法 第三十二条)"
        with self.assertRaises(ValidationError) as cm:
            self.procurement('inquiry', publish=False)
        self.assertIn("Government Procurement Law, art. 32",
            cm.exception.message)

    # 3. Decided by the score or by the lowest price

    @with_transaction()
    def test_negotiation_lowest_price_wins(self):
        """竞争性谈判 is decided by the lowest price, whatever the technical
        score, which it does not need"""
        procurement, _, bids = self.procurement('competitive_negotiation',
            bids=[(28, 11, 69, False), (25, 10, None, False),
                (26, 11, 10, False)])
        lot = self.run_award(procurement)
        for bid in bids:
            self.assertTrue(bid.valid, bid.invalid_reason)
            self.assertIsNone(bid.total_score)
        self.assertEqual([b.rank for b in bids], [3, 1, 2])
        self.assertEqual(lot.awarded_bid, bids[1])

    @with_transaction()
    def test_framework_lowest_price(self):
        "A framework agreement decided by the lowest price"
        procurement, _, bids = self.procurement('framework',
            framework_decision='lowest_price',
            bids=[(28, 11, 69, False), (25, 10, None, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.awarded_bid, bids[1])

    @with_transaction()
    def test_tender_needs_technical_score(self):
        "综合评分法: a bid without the panel's technical score is invalid"
        procurement, _, bids = self.procurement('competitive_consultation',
            bids=[(25, 10, None, False), (26, 11, 50, False)])
        self.run_award(procurement)
        self.assertFalse(bids[0].valid)
        self.assertEqual(bids[0].invalid_reason,
            "No technical score from the panel.")

    # 4. Price weight

    @with_transaction()
    def test_price_weight_below_ten_refused(self):
        "Services: the price weighs at least 10 (87号令 第五十五条)"
        with self.assertRaises(ValidationError) as cm:
            self.procurement('open_tender', publish=False,
                price_weight=Decimal(5))
        self.assertIn("MOF Order No. 87, art. 55", cm.exception.message)

    @with_transaction()
    def test_price_weight_consultation_above_thirty_refused(self):
        "竞争性磋商 services: the price weighs 10 to 30 (214号 第二十四条)"
        with self.assertRaises(ValidationError) as cm:
            self.procurement('competitive_consultation', publish=False,
                price_weight=Decimal(35))
        self.assertIn("Caiku [2014] No. 214, art. 24", cm.exception.message)
        # A tender may weigh the price more
        self.procurement('open_tender', publish=False,
            price_weight=Decimal(35))

    @with_transaction()
    def test_configuration_price_weight(self):
        "The default price weight suits every method: 10 to 30"
        Configuration = Pool().get('care.configuration')
        configuration = Configuration(1)
        self.assertEqual(configuration.price_weight, Decimal(30))
        configuration.price_weight = Decimal(5)
        with self.assertRaises(ValidationError) as cm:
            configuration.save()
        self.assertIn("MOF Order No. 87, art. 55", cm.exception.message)

    # 5. Small and micro enterprises

    @with_transaction()
    def test_sme_deduction_range(self):
        "The SME price deduction is 10 to 20 for services"
        with self.assertRaises(ValidationError) as cm:
            self.procurement('open_tender', publish=False,
                sme_deduction=Decimal(25))
        self.assertIn("art. 9", cm.exception.message)
        with self.assertRaises(ValidationError):
            self.procurement('open_tender', publish=False,
                sme_deduction=Decimal(5))

    @with_transaction()
    def test_sme_deduction_price_score_only(self):
        """An SME's total is reduced by the deduction for the price score;
        its contract keeps the real total"""
        pool = Pool()
        Lot = pool.get('care.procurement.lot')
        procurement, _, bids = self.procurement('open_tender',
            sme_deduction=Decimal(10), bids=[
                # 34500 quoted, 31050 evaluated
                (25, 9.5, 50, True),
                (24, 9, 50, False),  # 33000
                (25, 9.5, 50, False),  # 34500
                ])
        lot = self.run_award(procurement)
        sme, other, same = bids
        self.assertEqual(sme.total, Decimal('34500.00'))
        self.assertEqual(sme.evaluated_price, Decimal('31050.00'))
        self.assertEqual(same.evaluated_price, same.total)
        self.assertEqual(sme.price_score, Decimal('30.00'))
        self.assertEqual(other.price_score, (
                Decimal(31050) / Decimal(33000) * 30).quantize(
                Decimal('0.01')))
        self.assertEqual(lot.awarded_bid, sme)
        contract, = Lot.create_contract([lot])
        self.assertEqual(contract.amount, Decimal('34500.00'))

    @with_transaction()
    def test_sme_deduction_lowest_price(self):
        """The lowest-price methods rank by the deducted price (the
        deducted price is the one evaluated)"""
        procurement, _, bids = self.procurement('competitive_negotiation',
            sme_deduction=Decimal(20), bids=[
                (25, 10, None, True),  # 35000 → 28000
                (22, 9, None, False),  # 31000
                (23, 10, None, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.awarded_bid, bids[0])
        self.assertEqual([b.rank for b in bids], [1, 2, 3])

    # 6. Valid bids

    @with_transaction()
    def test_bid_above_lot_budget_invalid(self):
        """A bid whose total is above the lot budget (最高限价) is invalid
        (87号令 第六十三条), even under every ceiling"""
        Procurement = Pool().get('care.procurement')
        # The ceilings' total is 42000
        procurement, lot, bids = self.procurement('open_tender',
            lot_budget=Decimal(40000), bids=[(30, 12, 50, False),
                (28, 11, 50, False)])
        Procurement.evaluate([procurement])
        above, within = bids
        self.assertFalse(above.valid)
        self.assertEqual(above.total, Decimal(42000))
        self.assertIn("The total 42000.00 over the estimated quantities is "
            "above the lot budget (maximum price)", above.invalid_reason)
        self.assertIn("(MOF Order No. 87, art. 63)", above.invalid_reason)
        self.assertTrue(within.valid)

    # 7. Ranking

    @with_transaction()
    def test_ranking_ties(self):
        """Equal total score: the lower price first, then the higher
        technical score; still equal: drawn by lot, recorded"""
        procurement, _, bids = self.procurement('open_tender',
            price_weight=Decimal(10), bids=[
                (30, 12, 60, False),  # 42000: 10 × 33000/42000 = 7.86
                (24, 9, 57.86, False),  # 33000: 10 + 57.86 = 67.86
                (30, 12, 60, False),  # tied with the first, drawn
                (25, 9.5, 57.92, False),  # 34500: 9.57 + 57.92... 67.49
                ])
        self.run_award(procurement)
        first, cheap, twin, _ = bids
        self.assertEqual(first.total_score, Decimal('67.86'))
        self.assertEqual(cheap.total_score, Decimal('67.86'))
        # Same score: the lower price ranks first
        self.assertEqual(cheap.rank, 1)
        self.assertIsNone(cheap.draw)
        self.assertEqual({first.rank, twin.rank}, {2, 3})
        self.assertEqual({first.draw, twin.draw}, {1, 2})
        self.assertEqual(first.rank - 1, first.draw)
        self.assertIn("drawn by lot", first.draw_note)
        self.assertIn(twin.contractor.name, first.draw_note)

    @with_transaction()
    def test_ranking_tie_technical_score(self):
        """Same score and quoted price: the higher technical score ranks
        first (an SME's deduction gave it a higher price score)"""
        procurement, _, bids = self.procurement('open_tender',
            price_weight=Decimal(10), sme_deduction=Decimal(10), bids=[
                # 42000 quoted, 37800 evaluated: 8.73 + 50
                (30, 12, 50, True),
                # 42000: 7.86 + 50.87
                (30, 12, 50.87, False),
                # 33000: 10 + 40
                (24, 9, 40, False)])
        self.run_award(procurement)
        sme, other, cheap = bids
        self.assertEqual(sme.total_score, other.total_score)
        self.assertEqual([b.rank for b in bids], [2, 1, 3])
        self.assertFalse(any(b.draw for b in bids))

    @with_transaction()
    def test_draw_by_lot_is_random(self):
        "The draw is the system's random choice, not the record order"
        procurement, _, bids = self.procurement('competitive_negotiation',
            bids=[(25, 10, None, False)] * 3)

        def reverse(self, group):
            group.reverse()
        with patch('random.SystemRandom.shuffle', reverse):
            lot = self.run_award(procurement)
        self.assertEqual([b.rank for b in bids], [3, 2, 1])
        self.assertEqual([b.draw for b in bids], [3, 2, 1])
        self.assertEqual(lot.awarded_bid, bids[2])

    # 8. Award

    @with_transaction()
    def test_award_other_bid_refused(self):
        """Awarding another bid than the first-ranked one is refused
        (87号令 第六十八条)"""
        procurement, lot, bids = self.procurement('open_tender', bids=[
                (25, 10, 60, False), (26, 11, 50, False),
                (27, 11, 50, False)])
        lot = self.run_award(procurement)
        self.assertEqual(lot.awarded_bid, bids[0])
        lot.awarded_bid = bids[1]
        with self.assertRaises(ValidationError) as cm:
            lot.save()
        self.assertIn("MOF Order No. 87, art. 68", cm.exception.message)
        self.assertIn("art. 49", cm.exception.message)

    @with_transaction()
    def test_withdrawal_before_award(self):
        "The first-ranked declined while evaluating: the next is awarded"
        pool = Pool()
        Bid = pool.get('care.procurement.bid')
        Procurement = pool.get('care.procurement')
        procurement, _, bids = self.procurement('open_tender', bids=[
                (25, 10, 60, False), (26, 11, 50, False),
                (27, 11, 50, False)])
        first = bids[0]
        with self.assertRaises(AccessError):
            # Not while bids are received
            Bid.write([first], {'withdrawal': 'declined',
                    'withdrawal_date': dt.date(2025, 1, 10),
                    'withdrawal_document': "Letter 1"})
        Procurement.evaluate([procurement])
        with self.assertRaises(ValidationError):
            # Recorded with its document
            Bid.write([first], {'withdrawal': 'declined'})
        Bid.write([first], {'withdrawal': 'declined',
                'withdrawal_date': dt.date(2025, 1, 10),
                'withdrawal_document': "Letter 1"})
        Procurement.award([procurement])
        lot, = procurement.lots
        self.assertEqual(lot.awarded_bid, bids[1])

    @with_transaction()
    def test_withdrawal_after_award(self):
        """The awarded bidder cannot perform: the lot is decided again to
        the next-ranked one, its draft contract dropped"""
        pool = Pool()
        Bid = pool.get('care.procurement.bid')
        Lot = pool.get('care.procurement.lot')
        Contract = pool.get('care.contract')
        procurement, _, bids = self.procurement('open_tender', bids=[
                (25, 10, 60, False), (26, 11, 50, False),
                (27, 11, 50, False)])
        lot = self.run_award(procurement)
        with self.assertRaises(ValidationError) as cm:
            Lot.redecide([lot])
        self.assertIn("art. 68", cm.exception.message)
        Lot.create_contract([lot])
        Bid.write([bids[0]], {'withdrawal': 'cannot_perform',
                'withdrawal_date': dt.date(2025, 1, 20),
                'withdrawal_document': "Statement 7"})
        Lot.redecide([lot])
        lot = Lot(lot.id)
        self.assertEqual(lot.state, 'awarded')
        self.assertEqual(lot.awarded_bid, bids[1])
        self.assertEqual(Contract.search([('lot', '=', lot.id)]), [])
        contract, = Lot.create_contract([lot])
        self.assertEqual(contract.contractor, bids[1].contractor)
        # The withdrawal of a decided lot stays
        with self.assertRaises(AccessError):
            Bid.write([bids[0]], {'withdrawal': None})
        # Once its contract runs, the lot is not decided again (the state
        # written: signing has rules of its own, the legal calendar's)
        Contract.write([contract], {'state': 'running'})
        Bid.write([bids[1]], {'withdrawal': 'disqualified',
                'withdrawal_date': dt.date(2025, 2, 1),
                'withdrawal_document': "Decision 3"})
        with self.assertRaises(ValidationError):
            Lot.redecide([lot])

    @with_transaction()
    def test_every_bid_withdrawn_fails(self):
        "No candidate left: the lot fails"
        pool = Pool()
        Bid = pool.get('care.procurement.bid')
        Procurement = pool.get('care.procurement')
        procurement, _, bids = self.procurement('competitive_consultation',
            bids=[(25, 10, 60, False), (26, 11, 50, False)])
        Procurement.evaluate([procurement])
        Bid.write(bids, {'withdrawal': 'declined',
                'withdrawal_date': dt.date(2025, 1, 10),
                'withdrawal_document': "Letters"})
        Procurement.award([procurement])
        lot, = procurement.lots
        self.assertEqual(lot.state, 'failed')
        self.assertIn("art. 68", lot.failure_reason)

    # 9. Contract amount and term

    @with_transaction()
    def test_contract_amount_not_capped(self):
        "The contract amount is the winning bid's total"
        Lot = Pool().get('care.procurement.lot')
        procurement, _, bids = self.procurement('competitive_consultation',
            bids=[(29.99, 11.99, 60, False), (30, 12, 50, False)])
        lot = self.run_award(procurement)
        contract, = Lot.create_contract([lot])
        self.assertEqual(contract.amount, Decimal('41980.00'))
        self.assertEqual(contract.amount, lot.awarded_bid.total)

    @with_transaction()
    def test_contract_term_three_years(self):
        "A contract runs 3 years at most (财政部令第102号)"
        Lot = Pool().get('care.procurement.lot')
        procurement, _, _ = self.procurement('competitive_consultation',
            bids=[(25, 10, 60, False), (26, 11, 50, False)])
        lot = self.run_award(procurement)
        contract, = Lot.create_contract([lot])
        contract.start_date = dt.date(2025, 1, 1)
        contract.end_date = dt.date(2027, 12, 31)
        contract.save()
        contract.end_date = dt.date(2028, 1, 1)
        with self.assertRaises(ValidationError) as cm:
            contract.save()
        self.assertIn("MOF Order No. 102", cm.exception.message)

    # 10. Contractors

    @with_transaction()
    def test_uscc_any_registration_authority(self):
        """A credit code is valid by its GB 32100 check character, whatever
        the registration authority (N: a village collective)"""
        Party = Pool().get('party.party')
        first = 'N2371522MA3C0001'
        code = first + '1' + uscc.check_character(first + '1')
        # python-stdnum refuses it: the reason for our own check
        self.assertFalse(stdnum_uscc.is_valid(code))
        self.assertTrue(uscc.is_valid(code))
        self.assertTrue(uscc.is_valid('91371522MA3C00010C'))
        self.assertFalse(uscc.is_valid('91371522MA3C00010D'))
        self.assertFalse(uscc.is_valid('91371522MA3C0001'))
        party, = Party.create([{'name': "Village collective",
                    'identifiers': [('create', [{
                                    'type': USCC,
                                    'code': code.lower()}])]}])
        identifier, = party.identifiers
        self.assertEqual(identifier.code, code)
        self.assertEqual(party.care_contractor_code(), code)
        wrong = code[:17] + ('0' if code[17] != '0' else '1')
        with self.assertRaises(InvalidIdentifierCode):
            Party.create([{'name': "Wrong",
                        'identifiers': [('create', [{
                                        'type': USCC, 'code': wrong}])]}])

    @with_transaction()
    def test_village_collective_bids(self):
        "A village collective (N code) bids and wins"
        pool = Pool()
        Party = pool.get('party.party')
        Bid = pool.get('care.procurement.bid')
        procurement, lot, bids = self.procurement('competitive_consultation',
            bids=[(26, 11, 50, False)])
        first = 'N2371522MA3C0002'
        code = first + '1' + uscc.check_character(first + '1')
        village, = Party.create([{'name': "Village collective",
                    'identifiers': [('create', [{
                                    'type': USCC, 'code': code}])]}])
        bid, = Bid.create([{'lot': lot.id, 'contractor': village.id,
                    'technical_score': Decimal(60),
                    'lines': [('create', [{'service': s.service.id,
                                    'unit_price': Decimal(10)}
                                for s in lot.services])]}])
        lot = self.run_award(procurement)
        self.assertEqual(lot.awarded_bid, bid)

    @with_transaction()
    def test_individual_contractor(self):
        """An individual (具备条件的个人, 102号令 第六条) bids and contracts
        with a valid identity number, masked to users outside the registry"""
        pool = Pool()
        Party = pool.get('party.party')
        Bid = pool.get('care.procurement.bid')
        Lot = pool.get('care.procurement.lot')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        procurement, lot, _ = self.procurement('competitive_consultation',
            bids=[(26, 11, 50, False)])
        nobody, = Party.create([{'name': "No number"}])
        with self.assertRaises(ValidationError):
            Bid.create([{'lot': lot.id, 'contractor': nobody.id}])
        number = make_id_number('19700304')
        wrong = number[:17] + ('0' if number[17] != '0' else '1')
        with self.assertRaises(ValidationError):
            Party.create([{'name': "Wrong number", 'id_number': wrong}])
        person, = Party.create([{'name': "Wang Fang",
                    'id_number': number.lower()}])
        self.assertEqual(person.id_number, number)
        self.assertTrue(person.care_contractor_identified)
        self.assertEqual(Party.search([
                    ('care_contractor_identified', '=', True),
                    ('id', 'in', [nobody.id, person.id])]), [person])
        bid, = Bid.create([{'lot': lot.id, 'contractor': person.id,
                    'technical_score': Decimal(60),
                    'lines': [('create', [{'service': s.service.id,
                                    'unit_price': Decimal(10)}
                                for s in lot.services])]}])
        lot = self.run_award(procurement)
        self.assertEqual(lot.awarded_bid, bid)
        contract, = Lot.create_contract([lot])
        self.assertEqual(contract.contractor, person)

        group = ModelData.get_id('care_procurement', 'group_procurement')
        officer, = User.create([{'login': 'officer', 'name': "Officer",
                    'groups': [('add', [group])]}])
        with acting_as(officer):
            read, = Party.read([person.id], ['id_number'])
            self.assertEqual(read['id_number'],
                number[:6] + '********' + number[-4:])
            # Nor are the hidden digits found by searching
            with self.assertRaises(AccessError):
                Party.search([('id_number', '=', number)])
