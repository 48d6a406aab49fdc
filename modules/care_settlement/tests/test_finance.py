# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""From an approved settlement to the money: the supplier invoice, the
payment grouped per contractor, the bank statement that confirms it, the
three-way reconciliation, and the guards — never above the net, never twice,
never beyond the budget."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError, UserWarning
from trytond.modules.care_settlement.statement import BankRow
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import (
    ActivatedTestCase, create_world_with_books, meals, record_invoices)

MONTH = '2025-03'


class FinanceTestCase(ActivatedTestCase):
    "Invoices, payments, statements and reconciliation of settlements"

    def approved_world(self, meals_b=0):
        """Contract A: ten meals (150.00); contract B: meals_b meals at
        14.00; both settled, confirmed and approved, and the contractors'
        invoices recorded"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        world = create_world_with_books()
        meals(world, 10, meals_b)
        Settlement.settle(MONTH)
        settlements = Settlement.search([('month', '=', MONTH)],
            order=[('contract.number', 'ASC')])
        Settlement.confirm(settlements)
        Settlement.approve(settlements)
        record_invoices(settlements)
        return world, Settlement.browse(settlements)

    def bank_rows(self, payments, **changes):
        return [BankRow(line=i, date=dt.date(2025, 4, 20),
                payee=p.party.name, amount=changes.get('amount', p.amount),
                reference=p.reference)
            for i, p in enumerate(payments, 2)]

    @with_transaction()
    def test_invoice_payment_statement_reconciliation(self):
        "Approved → invoiced → paid through the bank statement: matched"
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Payment = pool.get('account.payment')
        Reconciliation = pool.get('care.settlement.reconciliation')
        world, (a, b) = self.approved_world(meals_b=5)

        # One supplier invoice per settlement, one line per service
        self.assertEqual([s.state for s in (a, b)], ['invoiced', 'invoiced'])
        self.assertEqual((a.invoice.type, a.invoice.party, a.invoice.state,
                a.invoice.total_amount),
            ('in', world.contractors[0], 'posted', Decimal('150.00')))
        self.assertEqual([(l.quantity, l.unit_price, l.origin)
                for l in a.invoice.lines],
            [(1, Decimal('150.00'), a)])
        self.assertEqual(b.invoice.total_amount, Decimal('70.00'))

        payments = Settlement.create_payments([a, b])
        self.assertEqual(sorted(p.amount for p in payments),
            [Decimal('70.00'), Decimal('150.00')])
        self.assertEqual({p.state for p in payments}, {'processing'})
        # one payment group per contractor
        self.assertEqual(len({p.group for p in payments}), 2)
        # paying again finds nothing left to pay
        self.assertEqual(
            Settlement.create_payments(Settlement.browse([a, b])), [])
        # nor can a settlement be cancelled once a payment is under way
        with self.assertRaises(UserError):
            Settlement.do_cancel([a], 'late')

        rows = {r.contract: r for r in Reconciliation.month_rows(MONTH)}
        self.assertEqual((rows[a.contract].settled, rows[a.contract].paid,
                rows[a.contract].status),
            (Decimal('150.00'), Decimal(0), 'unpaid'))

        StatementImport = pool.get('account.statement.import', type='wizard')
        statement, rejected = StatementImport.import_bank_rows(
            self.bank_rows(payments))
        self.assertEqual(rejected, [])
        self.assertEqual(statement.state, 'posted')
        self.assertEqual({p.state for p in Payment.browse(payments)},
            {'succeeded'})
        a, b = Settlement.browse([a, b])
        self.assertEqual([s.state for s in (a, b)], ['paid', 'paid'])
        self.assertEqual([s.invoice.state for s in (a, b)], ['paid', 'paid'])

        rows = Reconciliation.month_rows(MONTH)
        self.assertEqual([(r.contract.number, r.settled, r.invoiced, r.paid,
                    r.difference, r.contract_balance, r.status)
                for r in rows], [
                ('HT-A', Decimal('150.00'), Decimal('150.00'),
                    Decimal('150.00'), Decimal(0), Decimal('499850.00'),
                    'matched'),
                ('HT-B', Decimal('70.00'), Decimal('70.00'),
                    Decimal('70.00'), Decimal(0), Decimal('499930.00'),
                    'matched'),
                ])
        # A paid settlement cannot be cancelled
        Settlement.do_cancel([a], 'late')
        self.assertEqual(Settlement(a.id).state, 'paid')

    @with_transaction()
    def test_never_above_the_net(self):
        "A second payment of the same invoice, by hand, is refused"
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Payment = pool.get('account.payment')
        world, (a, b) = self.approved_world()
        payment, = Settlement.create_payments([a])
        # a failed payment no longer counts: the net can be paid again
        Payment.fail([payment])
        again, = Settlement.create_payments([Settlement(a.id)])
        self.assertEqual(again.amount, Decimal('150.00'))
        extra = Payment(company=world.company, journal=payment.journal,
            kind='payable', party=payment.party, line=payment.line,
            amount=Decimal('0.01'))
        with self.assertRaises(UserError) as context:
            extra.save()
        self.assertIn('150.01', str(context.exception))

    @with_transaction()
    def test_bank_rows_that_match_nothing(self):
        "Rows naming no payment, or another amount, are rejected, not paid"
        pool = Pool()
        Settlement = pool.get('care.settlement')
        world, (a, b) = self.approved_world()
        payment, = Settlement.create_payments([a])
        wrong = self.bank_rows([payment], amount=Decimal('149.00'))
        unknown = [wrong[0]._replace(reference='HT-X/2025-03')]
        StatementImport = pool.get('account.statement.import', type='wizard')
        statement, rejected = StatementImport.import_bank_rows(
            wrong + unknown)
        self.assertIsNone(statement)
        self.assertEqual(len(rejected), 2)
        self.assertIn('149.00', rejected[0][1])
        self.assertEqual(Settlement(a.id).state, 'invoiced')

    @with_transaction()
    def test_nothing_to_pay(self):
        "A net of zero is approved and closed without an invoice"
        world, (a, b) = self.approved_world()
        self.assertEqual((b.net, b.state, b.invoice), (0, 'paid', None))

    @with_transaction()
    def test_budget(self):
        "Refused beyond the contract amount; warned beyond 80 % of it"
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Contract = pool.get('care.contract')
        world = create_world_with_books()
        meals(world, 10)
        contract = world.contracts[0]
        Contract.write([contract], {'amount': Decimal(140)})
        Settlement.settle(MONTH, [contract])
        settlement, = Settlement.search([('contract', '=', contract.id)])
        Settlement.confirm([settlement])
        with self.assertRaises(UserError) as context:
            Settlement.approve([settlement])
        self.assertIn('140', str(context.exception))
        self.assertEqual(Settlement(settlement.id).state, 'confirmed')
        self.assertIsNone(Settlement(settlement.id).invoice)

        Contract.write([contract], {'amount': Decimal(180)})
        with self.assertRaises(UserWarning):
            Settlement.approve([Settlement(settlement.id)])
