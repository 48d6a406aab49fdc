# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The treasury's bank statement confirms payments: each of its rows names
a payment in processing (by its reference, the settlement's invoice
reference) for its exact amount.  Posting the statement marks the payments
succeeded (account_payment) and settles the supplier invoices."""
from collections import namedtuple
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

BankRow = namedtuple('BankRow', ['line', 'date', 'payee', 'amount',
        'reference'])


class StatementLine(metaclass=PoolMeta):
    __name__ = 'account.statement.line'

    @classmethod
    def reconcile(cls, move_lines):
        """A line paying a settlement's payment also reconciles the
        invoice's payable line, so that the invoice is paid"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        MoveLine = pool.get('account.move.line')
        Payment = pool.get('account.payment')
        super().reconcile(move_lines)
        to_reconcile, invoices = [], []
        for move_line, line in move_lines:
            if not line or not isinstance(line.related_to, Payment):
                continue
            payment = line.related_to
            if (payment.care_settlement and payment.line
                    and not payment.line.reconciliation
                    and payment.line.account == move_line.account
                    and payment.line.credit == move_line.debit):
                to_reconcile.append([payment.line, move_line])
                invoices.append(payment.care_settlement.invoice)
        if to_reconcile:
            MoveLine.reconcile(*to_reconcile)
            # Tryton queues this after the reconciliation; the settlement
            # is paid now, so its invoice is too
            Invoice.process(invoices)


def import_bank_rows(rows, date):
    """Post one statement of the rows that each match a processing payment
    of a settlement; return (statement or None, [(row, reason)] rejected)"""
    pool = Pool()
    Configuration = pool.get('care.configuration')
    Payment = pool.get('account.payment')
    Statement = pool.get('account.statement')
    Line = pool.get('account.statement.line')
    journal = Configuration(1).statement_journal
    if not journal:
        raise ValidationError(gettext(
                'care_settlement.msg_settlement_accounting_missing'))
    references = {r.reference for r in rows}
    payments = {}
    for payment in Payment.search([
                ('reference', 'in', sorted(references)),
                ('care_settlement', '!=', None),
                ('kind', '=', 'payable'),
                ('state', '=', 'processing'),
                ]):
        payments.setdefault(payment.reference, []).append(payment)
    lines, rejected, used = [], [], set()
    for row in rows:
        candidates = [p for p in payments.get(row.reference, [])
            if p.id not in used and p.party.name == row.payee]
        if not candidates:
            rejected.append((row, gettext(
                        'care_settlement.msg_bank_row_no_payment',
                        reference=row.reference, payee=row.payee)))
            continue
        payment = candidates[0]
        if payment.amount != row.amount:
            rejected.append((row, gettext(
                        'care_settlement.msg_bank_row_amount',
                        amount=row.amount, payment=payment.rec_name,
                        expected=payment.amount)))
            continue
        used.add(payment.id)
        lines.append(Line(date=row.date, amount=-row.amount,
                party=payment.party, account=payment.line.account,
                related_to=payment, description=row.reference))
    if not lines:
        return None, rejected
    statement = Statement(name=gettext(
            'care_settlement.msg_statement_name', date=date.isoformat()),
        company=journal.company, journal=journal, date=date,
        total_amount=sum((l.amount for l in lines), Decimal(0)),
        lines=lines)
    statement.save()
    with Transaction().set_context(company=journal.company.id):
        Statement.validate_statement([statement])
        Statement.post([statement])
    return statement, rejected
