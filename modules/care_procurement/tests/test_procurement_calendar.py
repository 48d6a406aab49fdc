# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The legal calendar of a procurement and its contracts, challenges, the
list of legal deadlines and the award notice and letter.

The dates cross the National Day holiday of 2025 as the shipped calendar
has it: 10-01 to 10-08 off, Sunday 09-28 and Saturday 10-11 worked."""
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.social_assistance.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import (
    ActivatedTestCase, content, create_bureau, create_contractors, uscc_code)

D = dt.date


class ProcurementCalendarTestCase(ActivatedTestCase):
    "The legal calendar of procurements"

    def awarded(self, award_date=D(2025, 9, 26), name='居家照护服务'):
        """An open tender of one lot awarded on award_date to the best of
        three valid bids (the first contractor)"""
        pool = Pool()
        Service = pool.get('care.service')
        Procurement = pool.get('care.procurement')
        Bid = pool.get('care.procurement.bid')
        company = Transaction().context.get('company')
        if not company:
            company = create_bureau('莘县民政局').id
        meal, = Service.search([('code', '=', 'HC-MEAL')])
        if not getattr(self, 'contractors', None):
            self.contractors = create_contractors(
                '莘县康宁居家养老服务中心', '聊城颐和养老服务有限公司',
                '莘县爱心家政服务有限公司')
        lot_service = {'service': meal.id, 'ceiling_price': Decimal(20),
            'estimated_quantity': Decimal(100)}
        procurement, = Procurement.create([{
                    'name': name, 'company': company, 'year': 2025,
                    'budget': Decimal(10000), 'method': 'open_tender',
                    'lots': [('create', [{
                                    'name': '第一包', 'budget': Decimal(10000),
                                    'services': [('create', [lot_service])],
                                    }])],
                    }])
        Procurement.publish([procurement])
        lot, = procurement.lots
        Bid.create([{
                    'lot': lot.id, 'contractor': contractor.id,
                    'technical_score': score,
                    'lines': [('create', [{
                                    'service': meal.id, 'unit_price': price,
                                    }])],
                    } for contractor, price, score in zip(self.contractors,
                    [Decimal(18), Decimal(19), Decimal('19.5')],
                    [Decimal(60), Decimal(50), Decimal(45)])])
        Procurement.evaluate([procurement])
        Procurement.award([procurement])
        procurement = Procurement(procurement.id)
        self.assertEqual(procurement.state, 'awarded')
        # The award button dates the award today: back to the test's day
        Procurement.write([procurement], {'award_date': award_date})
        return Procurement(procurement.id)

    def contract(self, procurement):
        "The draft contract of the procurement's lot"
        Lot = Pool().get('care.procurement.lot')
        lot, = procurement.lots
        contract, = Lot.create_contract([lot])
        return contract

    def notify(self, procurement, notice=D(2025, 9, 29),
            letter=D(2025, 9, 29)):
        Procurement = Pool().get('care.procurement')
        Procurement.write([procurement], {
                'notice_date': notice, 'award_letter_date': letter})
        return Procurement(procurement.id)

    def challenge(self, procurement, received, **values):
        Challenge = Pool().get('care.procurement.challenge')
        challenge, = Challenge.create([{
                    'procurement': procurement.id,
                    'received_date': received,
                    'supplier': self.contractors[1].id,
                    'matter': '评分有误',
                    **values}])
        return challenge

    # -- the procurement's calendar ------------------------------------------

    @with_transaction()
    def test_notice_deadline_across_national_day(self):
        "Awarded 2025-09-30: the notice is due 2025-10-10 (2 working days)"
        procurement = self.awarded(D(2025, 9, 30))
        self.assertEqual(procurement.notice_deadline, D(2025, 10, 10))
        self.assertIsNone(procurement.notice_end)
        self.assertIsNone(procurement.challenge_end)

        procurement = self.notify(procurement, D(2025, 10, 10),
            D(2025, 10, 10))
        # Saturday 10-11 is a make-up working day: the notice period
        self.assertEqual(procurement.notice_end, D(2025, 10, 11))
        # 7 working days from the end of the notice period
        self.assertEqual(procurement.challenge_end, D(2025, 10, 21))

    @with_transaction()
    def test_notice_deadline_counts_makeup_sunday(self):
        "Awarded Friday 2025-09-26: Sunday 09-28 is worked, due 09-29"
        procurement = self.awarded(D(2025, 9, 26))
        self.assertEqual(procurement.notice_deadline, D(2025, 9, 29))
        procurement = self.notify(procurement)
        self.assertEqual(procurement.notice_end, D(2025, 9, 30))
        self.assertEqual(procurement.challenge_end, D(2025, 10, 16))

    @with_transaction()
    def test_holiday_change_moves_deadlines(self):
        "An officer adds a holiday: the stored deadlines follow"
        Holiday = Pool().get('social_assistance.holiday')
        procurement = self.awarded(D(2025, 9, 26))
        self.assertEqual(procurement.notice_deadline, D(2025, 9, 29))
        holiday, = Holiday.create([{
                    'date': D(2025, 9, 29), 'kind': 'holiday'}])
        procurement = type(procurement)(procurement.id)
        self.assertEqual(procurement.notice_deadline, D(2025, 9, 30))
        Holiday.delete([holiday])
        procurement = type(procurement)(procurement.id)
        self.assertEqual(procurement.notice_deadline, D(2025, 9, 29))

    # -- the contract's calendar ---------------------------------------------

    @with_transaction()
    def test_contract_deadlines(self):
        """Signed 2025-09-30: published by 10-10 (2 working days), filed by
        10-16 (7); signing due 30 days after the award letter"""
        pool = Pool()
        Contract = pool.get('care.contract')
        Procurement = pool.get('care.procurement')
        procurement = self.notify(self.awarded())
        contract = self.contract(procurement)
        self.assertEqual(contract.award_letter_date, D(2025, 9, 29))
        self.assertEqual(contract.signing_deadline, D(2025, 10, 29))
        Contract.write([contract], {'signed_date': D(2025, 9, 30)})
        self.assertEqual(contract.publication_deadline, D(2025, 10, 10))
        self.assertEqual(contract.filing_deadline, D(2025, 10, 16))
        self.assertFalse(contract.signing_late)

        # The letter re-dated: the signing deadline follows
        Procurement.write([procurement], {
                'award_letter_date': D(2025, 9, 30)})
        contract = Contract(contract.id)
        self.assertEqual(contract.signing_deadline, D(2025, 10, 30))

    @with_transaction()
    def test_contract_runs_once_signed(self):
        "A contract of a lot does not run without its signing date"
        Contract = Pool().get('care.contract')
        procurement = self.notify(self.awarded())
        contract = self.contract(procurement)
        with self.assertRaises(ValidationError) as cm:
            Contract.run([contract])
        self.assertIn('art. 46', cm.exception.message)
        Contract.write([contract], {'signed_date': D(2025, 10, 9)})
        Contract.run([contract])
        self.assertEqual(contract.state, 'running')

    @with_transaction()
    def test_contract_needs_award_letter(self):
        "No contract runs before the award letter is issued"
        Contract = Pool().get('care.contract')
        procurement = self.awarded()
        contract = self.contract(procurement)
        Contract.write([contract], {'signed_date': D(2025, 10, 9)})
        with self.assertRaises(ValidationError) as cm:
            Contract.run([contract])
        self.assertIn('art. 43', cm.exception.message)

    @with_transaction()
    def test_contract_signed_before_letter(self):
        "A contract is not signed before its award letter"
        Contract = Pool().get('care.contract')
        procurement = self.notify(self.awarded())
        contract = self.contract(procurement)
        with self.assertRaises(ValidationError) as cm:
            Contract.write([contract], {'signed_date': D(2025, 9, 28)})
        self.assertIn('art. 46', cm.exception.message)

    @with_transaction()
    def test_late_signing_needs_reason(self):
        "Signed 31 days after the award letter: the reason is written"
        Contract = Pool().get('care.contract')
        procurement = self.notify(self.awarded())
        contract = self.contract(procurement)
        # the 30th day is in time
        Contract.write([contract], {'signed_date': D(2025, 10, 29)})
        self.assertFalse(contract.signing_late)
        with self.assertRaises(ValidationError) as cm:
            Contract.write([contract], {'signed_date': D(2025, 10, 30)})
        self.assertIn('more than 30 days', cm.exception.message)
        self.assertIn('art. 46', cm.exception.message)
        Contract.write([contract], {'signed_date': D(2025, 10, 30),
                'signing_late_reason': '供应商法定代表人变更，延期签订'})
        self.assertTrue(contract.signing_late)
        Contract.run([contract])
        self.assertEqual(contract.state, 'running')

    # -- challenges ----------------------------------------------------------

    @with_transaction()
    def test_challenge_window(self):
        """A challenge is received within the window, 2025-10-16; the answer
        is due 7 working days later"""
        procurement = self.notify(self.awarded())
        challenge = self.challenge(procurement, D(2025, 10, 16))
        self.assertEqual(challenge.answer_deadline, D(2025, 10, 27))
        self.assertEqual(challenge.state, 'open')
        with self.assertRaises(ValidationError) as cm:
            self.challenge(procurement, D(2025, 10, 17))
        self.assertIn('art. 52', cm.exception.message)
        self.assertIn('2025-10-16', cm.exception.message)

    @with_transaction()
    def test_open_challenge_blocks_contract(self):
        "No contract runs while a challenge is open; a rejected one frees it"
        pool = Pool()
        Contract = pool.get('care.contract')
        Challenge = pool.get('care.procurement.challenge')
        procurement = self.notify(self.awarded())
        contract = self.contract(procurement)
        Contract.write([contract], {'signed_date': D(2025, 10, 20)})
        challenge = self.challenge(procurement, D(2025, 10, 9))
        with self.assertRaises(ValidationError) as cm:
            Contract.run([contract])
        self.assertIn('No. 94', cm.exception.message)
        # Nor is a signing date recorded after the challenge was received
        with self.assertRaises(ValidationError) as cm:
            Contract.write([contract], {'signed_date': D(2025, 10, 21)})
        self.assertIn('No. 94', cm.exception.message)

        # An answer needs its text and outcome
        with self.assertRaises(ValidationError) as cm:
            Challenge.answer_([challenge])
        self.assertIn('art. 53', cm.exception.message)
        Challenge.write([challenge], {
                'answer': '经复核，评分无误，质疑不成立。',
                'outcome': 'rejected', 'answer_date': D(2025, 10, 15)})
        Challenge.answer_([challenge])
        self.assertEqual(challenge.state, 'answered')
        self.assertEqual(procurement.state, 'awarded')
        Contract.run([contract])
        self.assertEqual(contract.state, 'running')

    @with_transaction()
    def test_upheld_challenge_reopens_evaluation(self):
        """An upheld challenge puts the lot back to open and the procurement
        back to the evaluation; the draft contract goes"""
        pool = Pool()
        Procurement = pool.get('care.procurement')
        Contract = pool.get('care.contract')
        Challenge = pool.get('care.procurement.challenge')
        procurement = self.notify(self.awarded())
        contract = self.contract(procurement)
        lot, = procurement.lots
        challenge = self.challenge(procurement, D(2025, 10, 9), lot=lot.id,
            answer='质疑成立，重新评审。', outcome='upheld')
        Challenge.answer_([challenge])

        procurement = Procurement(procurement.id)
        self.assertEqual(procurement.state, 'evaluating')
        self.assertIsNone(procurement.award_date)
        self.assertIsNone(procurement.award_letter_date)
        lot, = procurement.lots
        self.assertEqual(lot.state, 'open')
        self.assertIsNone(lot.awarded_bid)
        self.assertEqual(Contract.search([('id', '=', contract.id)]), [])
        self.assertEqual(challenge.answer_date,
            Pool().get('ir.date').today())

        # The panel scores the challenged bid again: it ranks first now
        Bid = pool.get('care.procurement.bid')
        second, = Bid.search([('lot', '=', lot.id),
                ('contractor', '=', self.contractors[1].id)])
        Bid.write([second], {'technical_score': Decimal(70)})
        Procurement.rescore([procurement])
        self.assertEqual(Bid(second.id).rank, 1)

        # The evaluation is decided again
        Procurement.award([procurement])
        self.assertEqual(Procurement(procurement.id).state, 'awarded')
        lot, = Procurement(procurement.id).lots
        self.assertEqual(lot.awarded_bid, second)

    @with_transaction()
    def test_upheld_challenge_running_contract(self):
        "A signed, running contract is not deleted by an upheld challenge"
        pool = Pool()
        Contract = pool.get('care.contract')
        Challenge = pool.get('care.procurement.challenge')
        procurement = self.notify(self.awarded())
        contract = self.contract(procurement)
        Contract.write([contract], {'signed_date': D(2025, 10, 20)})
        Contract.run([contract])
        challenge = self.challenge(procurement, D(2025, 10, 9),
            answer='质疑成立。', outcome='upheld')
        with self.assertRaises(ValidationError) as cm:
            Challenge.answer_([challenge])
        self.assertIn(contract.rec_name, cm.exception.message)
        self.assertIn('No. 94', cm.exception.message)

    @with_transaction()
    def test_contractor_sees_no_challenge_nor_deadline(self):
        "Challenges and deadlines are the officers': contractors see none"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Challenge = pool.get('care.procurement.challenge')
        Deadline = pool.get('care.procurement.deadline')
        procurement = self.notify(self.awarded())
        self.challenge(procurement, D(2025, 10, 9))
        company = procurement.company
        user, = User.create([{
                    'login': 'contractor', 'name': 'contractor',
                    'groups': [('add', [ModelData.get_id(
                                    'care_procurement', 'group_contractor')])],
                    'care_contractor': self.contractors[1].id,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }])
        with acting_as(user):
            for Model in [Challenge, Deadline]:
                with self.subTest(model=Model.__name__):
                    with self.assertRaises(AccessError):
                        Model.search([])

    # -- the list of deadlines -----------------------------------------------

    @with_transaction()
    def test_deadline_list(self):
        """The notice of a procurement awarded today is due soon; a 2025
        notice never published is missed; a published one is done"""
        pool = Pool()
        Procurement = pool.get('care.procurement')
        Deadline = pool.get('care.procurement.deadline')
        Contract = pool.get('care.contract')
        today = pool.get('ir.date').today()
        missed = self.awarded(D(2025, 9, 26), name='未公告')
        done = self.notify(self.awarded(D(2025, 9, 26), name='已公告'))
        contract = self.contract(done)
        Contract.write([contract], {'signed_date': D(2025, 9, 30),
                'published_date': D(2025, 10, 9)})
        current = self.awarded(today, name='本周')
        Procurement.write([current], {'award_date': today})

        def rows(domain):
            return {(str(d.record), d.kind, d.state)
                for d in Deadline.search(domain)}

        self.assertEqual(rows([('procurement', '=', missed.id)]), {
                (str(missed), 'notice', 'missed'),
                (str(missed), 'award_letter', 'missed'),
                })
        self.assertEqual(rows([('procurement', '=', done.id)]), {
                (str(done), 'notice', 'done'),
                (str(done), 'award_letter', 'done'),
                (str(contract), 'signing', 'done'),
                (str(contract), 'publication', 'done'),
                (str(contract), 'filing', 'missed'),
                })
        self.assertEqual(rows([('due_soon', '=', True)]), {
                (str(current), 'notice', 'due'),
                (str(current), 'award_letter', 'due'),
                })
        notice, = Deadline.search([
                ('procurement', '=', current.id), ('kind', '=', 'notice')])
        self.assertEqual(notice.deadline, current.notice_deadline)
        self.assertGreater(notice.deadline, today)
        self.assertEqual(Deadline.search_count([('state', '=', 'missed')]),
            3)

        # A challenge: its answer is a deadline too
        challenge = self.challenge(done, D(2025, 10, 9))
        row, = Deadline.search([('kind', '=', 'challenge_answer')])
        self.assertEqual(row.record, challenge)
        self.assertEqual(row.deadline, D(2025, 10, 17))
        self.assertEqual(row.state, 'missed')

    # -- the printed notice and letters --------------------------------------

    @with_transaction()
    def test_award_notice_report(self):
        "The notice names the winner, its code, the amount and the window"
        pool = Pool()
        Report = pool.get('care.procurement.award_notice', type='report')
        procurement = self.notify(self.awarded())
        with Transaction().set_context(language='zh_CN'):
            xml = content(Report.execute([procurement.id], {}))
            date = Report.format_date(procurement.challenge_end)
        self.assertIn('居家照护服务中标结果公告', xml)
        self.assertIn(procurement.number, xml)
        self.assertIn('第一包', xml)
        self.assertIn('莘县康宁居家养老服务中心', xml)
        self.assertIn(uscc_code(1), xml)
        self.assertIn('1,800.00', xml)
        self.assertIn(date, xml)
        self.assertIn('第五十二条', xml)

    @with_transaction()
    def test_award_letter_report(self):
        "One letter per awarded lot, to the winner, printed from either"
        pool = Pool()
        Report = pool.get('care.procurement.award_letter', type='report')
        ActionReport = pool.get('ir.action.report')
        procurement = self.notify(self.awarded())
        lot, = procurement.lots
        actions = {a.model: a.id for a in ActionReport.search([
                    ('report_name', '=', 'care.procurement.award_letter')])}
        with Transaction().set_context(language='zh_CN'):
            xml = content(Report.execute([lot.id], {
                        'action_id': actions['care.procurement.lot']}))
            from_procurement = content(Report.execute([procurement.id], {
                        'action_id': actions['care.procurement']}))
        for text in [xml, from_procurement]:
            self.assertIn('中标通知书', text)
            self.assertIn('莘县康宁居家养老服务中心：', text)
            self.assertIn(uscc_code(1), text)
            self.assertIn('1,800.00', text)
            self.assertIn('第四十六条', text)
