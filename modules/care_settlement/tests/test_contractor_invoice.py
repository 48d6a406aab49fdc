# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The contractor's own invoice (数电票) and the payment's due date
(DESIGN.md "Payment", issue 14 item 6): recorded by the contractor's user on
its own settlement or by the finance clerk, compared by the reconciliation,
required before paying; due 30 days after the later of the approval and
the invoice; the finance clerk's list of what is due within 7 days and
overdue."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from . import test_access
from .tools import ActivatedTestCase, record_invoices

MONTH = '2025-03'
NUMBER = '25372000000000012345'


class ContractorInvoiceTestCase(ActivatedTestCase):
    "The contractor's invoice, the reconciliation and the due dates"

    # the users and the month of the access tests (not imported by name,
    # so that their tests are not run twice)
    users = test_access.SettlementAccessTestCase.users
    as_user = test_access.SettlementAccessTestCase.as_user
    settled = test_access.SettlementAccessTestCase.settled

    def approved(self):
        "Both contracts approved (a: 90.00, b: 42.00), awaiting invoices"
        Settlement = Pool().get('care.settlement')
        world, (a, b) = self.settled()
        Settlement.approve([a, b])
        a, b = Settlement.browse([a, b])
        self.assertEqual([s.state for s in (a, b)], ['invoiced', 'invoiced'])
        return world, a, b

    def run_wizard(self, settlement, **values):
        "The record invoice wizard on the settlement, as the client runs it"
        RecordInvoice = Pool().get('care.settlement.record_invoice',
            type='wizard')
        with Transaction().set_context(active_model='care.settlement',
                active_id=settlement.id, active_ids=[settlement.id]):
            session_id, _, _ = RecordInvoice.create()
            RecordInvoice.execute(session_id, {}, 'start')
            RecordInvoice.execute(session_id, {'start': dict({
                            'number': NUMBER,
                            'date': settlement.approval_date,
                            'amount': settlement.net,
                            'file': b'%PDF-1.7',
                            'file_name': 'invoice.pdf',
                            }, **values)}, 'record_')
            RecordInvoice.delete(session_id)

    @with_transaction()
    def test_contractor_records_its_own(self):
        """The contractor's user records its invoice with the PDF on its
        own settlement; on another contractor's it is refused, and it still
        writes nothing on a settlement directly"""
        Settlement = Pool().get('care.settlement')
        world, a, b = self.approved()
        _officer, _clerk, contractor_a, _contractor_b = self.users(world)
        with self.as_user(contractor_a):
            self.run_wizard(Settlement(a.id))
            own = Settlement(a.id)
            self.assertEqual((own.contractor_invoice_number,
                    own.contractor_invoice_amount,
                    own.contractor_invoice_attached,
                    own.contractor_invoice_by),
                (NUMBER, a.net, True, contractor_a))
            # the other contractor's settlement: not even readable
            with self.assertRaises(AccessError):
                self.run_wizard(b)
            # nor by the rule, whatever the client sends
            with self.assertRaises(AccessError) as context:
                Settlement.record_contractor_invoice([Settlement(b.id)],
                    NUMBER, a.approval_date, b.net)
            self.assertIn('your own settlements', str(context.exception))
            with self.assertRaises(AccessError):
                Settlement.write([own], {
                        'contractor_invoice_amount': Decimal('1.00')})
        self.assertIsNone(Settlement(b.id).contractor_invoice_number)
        # the supplier invoice carries the contractor's number
        self.assertEqual(Settlement(a.id).invoice.reference, NUMBER)

    @with_transaction()
    def test_finance_records(self):
        """The finance clerk records an invoice received by post; a number
        that is not one, a future date or no amount are refused"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Date = pool.get('ir.date')
        world, a, b = self.approved()
        officer, clerk, _contractor_a, _contractor_b = self.users(world)
        with self.as_user(clerk):
            for values, text in [
                    ({'number': 'FP2025-01'}, '8 to 20 digits'),
                    ({'number': '1234567'}, '8 to 20 digits'),
                    ({'date': Date.today() + dt.timedelta(days=1)},
                        'in the future'),
                    ({'amount': Decimal(0)}, 'must be positive'),
                    ]:
                with self.subTest(values=values):
                    with self.assertRaises(ValidationError) as context:
                        self.run_wizard(Settlement(b.id), **values)
                    self.assertIn(text, str(context.exception))
            # an older invoice's 12 digits are a number too
            self.run_wizard(Settlement(b.id), number='037002100111',
                file=None)
            b = Settlement(b.id)
            self.assertEqual((b.contractor_invoice_number,
                    b.contractor_invoice_attached),
                ('037002100111', False))
        # procurement does not record invoices
        with self.as_user(officer):
            with self.assertRaises(UserError):
                self.run_wizard(Settlement(a.id))

    @with_transaction()
    def test_pay_without_invoice_refused(self):
        """Paying before the contractor's invoice is received is refused
        naming the rule; once recorded, it pays; once paid, the invoice
        stays"""
        Settlement = Pool().get('care.settlement')
        world, a, b = self.approved()
        _officer, clerk, _contractor_a, _contractor_b = self.users(world)
        with self.as_user(clerk):
            with self.assertRaises(ValidationError) as context:
                Settlement.pay([Settlement(a.id)])
            self.assertIn('No invoice received from the contractor',
                str(context.exception))
            self.assertIn('art. 9', str(context.exception))
            record_invoices([a])
            Settlement.pay([Settlement(a.id)])
            self.assertEqual(Settlement.paid_amounts([a.id], ['processing'])[
                    a.id], a.net)
            with self.assertRaises(AccessError):
                record_invoices([a])

    @with_transaction()
    def test_mismatch_in_reconciliation(self):
        """An invoice of another amount than the net is an invoice_mismatch
        and is not paid; an invoice not yet received is unpaid, with a
        note; a corrected invoice matches"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Reconciliation = pool.get('care.settlement.reconciliation')
        world, a, b = self.approved()
        record_invoices([a], amounts={a: a.net + Decimal('10.00')})
        rows = {r.settlement: r for r in Reconciliation.month_rows(MONTH)}
        self.assertEqual((rows[a].settled, rows[a].invoiced,
                rows[a].invoice_number, rows[a].status, rows[a].note),
            (a.net, a.net + 10, f'2537{a.id:016d}', 'invoice_mismatch',
                None))
        self.assertEqual((rows[b].invoiced, rows[b].status, rows[b].note),
            (0, 'unpaid', 'No invoice received'))
        with self.assertRaises(ValidationError) as context:
            Settlement.create_payments([Settlement(a.id)])
        self.assertIn('differs from the net', str(context.exception))
        # the contractor reissues the invoice (红冲 and a new one)
        record_invoices([a])
        row, = Reconciliation.search([('settlement', '=', a.id)])
        self.assertEqual((row.invoiced, row.status), (a.net, 'unpaid'))

    @with_transaction()
    def test_due_date_later_of_approval_and_invoice(self):
        """Due 30 days after the approval when the invoice came before it,
        30 days after the invoice when it came later"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Date = pool.get('ir.date')
        today = Date.today()
        world, a, b = self.approved()
        self.assertEqual(a.approval_date, today)
        self.assertIsNone(a.payment_due_date)
        # issued the day before the approval
        record_invoices([a], date=today - dt.timedelta(days=1))
        self.assertEqual(Settlement(a.id).payment_due_date,
            today + dt.timedelta(days=30))
        # approved 40 days ago, invoiced 10 days ago
        Settlement.write([b], {
                'approval_date': today - dt.timedelta(days=40)})
        record_invoices([b], date=today - dt.timedelta(days=10))
        b = Settlement(b.id)
        self.assertEqual(b.payment_due_date, today + dt.timedelta(days=20))
        self.assertEqual(b.payment_days_left, 20)
        self.assertEqual(
            Settlement.due_date(dt.date(2025, 4, 2), dt.date(2025, 4, 9)),
            dt.date(2025, 5, 9))
        self.assertEqual(
            Settlement.due_date(dt.date(2025, 4, 9), dt.date(2025, 4, 2)),
            dt.date(2025, 5, 9))
        # cancelled and set back to draft: approved and invoiced anew
        Settlement.do_cancel([b], 'wrong month')
        Settlement.draft([Settlement(b.id)])
        b = Settlement(b.id)
        self.assertEqual((b.state, b.approval_date,
                b.contractor_invoice_number, b.payment_due_date),
            ('draft', None, None, None))

    def payment_deadlines(self):
        """{tab name: [settlement]} of the finance clerk's 付款期限 list, as
        the client evaluates the action's domains"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        action = Action(ModelData.get_id('care_settlement',
                'act_settlement_payment_due'))
        decoder = PYSONDecoder({})
        domain = decoder.decode(action.pyson_domain)
        return {tab.name: Settlement.search(
                    [domain, decoder.decode(tab.domain)])
            for tab in action.act_window_domains}

    @with_transaction()
    def test_payment_deadlines_list(self):
        """The finance clerk's list shows the unpaid settlements due within
        7 days and the overdue ones, with the days left; not one due later,
        not a paid one"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Date = pool.get('ir.date')
        today = Date.today()
        world, a, b = self.approved()
        _officer, clerk, _contractor_a, _contractor_b = self.users(world)
        # a: approved 45 days ago with its invoice: overdue by 15 days
        Settlement.write([a], {
                'approval_date': today - dt.timedelta(days=45)})
        record_invoices([a], date=today - dt.timedelta(days=45))
        # b: invoice of today: due in 30 days, not yet on the list
        record_invoices([b])
        with self.as_user(clerk):
            self.assertEqual(self.payment_deadlines(),
                {'Overdue': [Settlement(a.id)], 'Due within 7 Days': []})
            self.assertEqual(Settlement(a.id).payment_days_left, -15)
        # b's invoice came 25 days ago: due in 5 days
        Settlement.write([b], {
                'approval_date': today - dt.timedelta(days=25)})
        record_invoices([b], date=today - dt.timedelta(days=25))
        with self.as_user(clerk):
            self.assertEqual(self.payment_deadlines(),
                {'Overdue': [Settlement(a.id)],
                    'Due within 7 Days': [Settlement(b.id)]})
            self.assertEqual(Settlement(b.id).payment_days_left, 5)
            # paid (in processing): still unpaid until the bank confirms;
            # once paid it leaves the list
        Settlement.paid([Settlement(a.id)])
        with self.as_user(clerk):
            self.assertEqual(self.payment_deadlines()['Overdue'], [])

