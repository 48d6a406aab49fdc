# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Paying settled months through account_payment: one payment per
settlement on its invoice's payable line, processed in one group per
contractor; never more than the net, whoever creates the payment."""
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Sum
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .settlement_compute import as_decimal

CHUNK = 1000
# Payments that still count against the net: all but the failed ones
COUNTED = ('draft', 'submitted', 'approved', 'processing', 'succeeded')


def paid_amounts(settlement_ids, states):
    "{settlement id: amount of its payments in the states}"
    Payment = Pool().get('account.payment')
    payment = Payment.__table__()
    cursor = Transaction().connection.cursor()
    amounts = defaultdict(Decimal)
    if settlement_ids:
        cursor.execute(*payment.select(payment.care_settlement,
                Sum(payment.amount),
                where=payment.care_settlement.in_(list(settlement_ids))
                & payment.state.in_(list(states)),
                group_by=payment.care_settlement))
        for settlement_id, amount in cursor:
            amounts[settlement_id] = as_decimal(amount)
    return amounts


def committed_amounts(settlement_ids):
    "{settlement id: amount of its payments that did not fail}"
    return paid_amounts(settlement_ids, COUNTED)


def serialize(settlements):
    """Write the settlements' rows first, so that two transactions paying
    the same settlement at once cannot both pass the checks: the second
    waits on the row and then fails to serialize (PostgreSQL) or to get the
    database lock (SQLite), and is retried seeing the first one's payments.
    (Model.lock would need the transaction to be restarted with the lock,
    which only the RPC dispatcher does.)"""
    Settlement = Pool().get('care.settlement')
    table = Settlement.__table__()
    cursor = Transaction().connection.cursor()
    for sub in grouped_slice([s.id for s in settlements], CHUNK):
        cursor.execute(*table.update([table.write_date],
                [CurrentTimestamp()], where=table.id.in_(list(sub))))


class SettlementPaymentMixin:
    __slots__ = ()

    @classmethod
    def pay(cls, settlements):
        """Create, approve and process the payment of what each invoiced
        settlement still has to receive, one group per contractor; return
        the payments"""
        pool = Pool()
        Configuration = pool.get('care.configuration')
        Payment = pool.get('account.payment')
        Group = pool.get('account.payment.group')
        journal = Configuration(1).payment_journal
        if not journal:
            raise ValidationError(gettext(
                    'care_settlement.msg_settlement_accounting_missing'))
        settlements = [s for s in settlements if s.state == 'invoiced']
        serialize(settlements)
        committed = committed_amounts([s.id for s in settlements])
        payments = []
        for settlement in settlements:
            amount = settlement.net - committed[settlement.id]
            if amount <= 0:
                continue
            line, = settlement.invoice.lines_to_pay
            payments.append(Payment(company=settlement.company,
                    journal=journal, kind='payable',
                    party=settlement.contractor, amount=amount, line=line,
                    date=line.maturity_date,
                    reference=settlement.invoice.reference))
        Payment.save(payments)
        Payment.submit(payments)
        Payment.approve(payments)
        by_contractor = defaultdict(list)
        for payment in payments:
            by_contractor[payment.party].append(payment)
        for party, grouped in sorted(by_contractor.items(),
                key=lambda i: i[0].rec_name):
            def group():
                group = Group(company=grouped[0].company, journal=journal,
                    kind='payable')
                group.save()
                return group
            Payment.process(grouped, group)
        return payments

    @classmethod
    def update_paid(cls, settlements):
        "Invoiced settlements whose net has succeeded in payments are paid"
        settlements = [s for s in settlements if s.state == 'invoiced']
        succeeded = paid_amounts([s.id for s in settlements], ['succeeded'])
        cls.paid([s for s in settlements if succeeded[s.id] >= s.net])


class Payment(metaclass=PoolMeta):
    __name__ = 'account.payment'

    care_settlement = fields.Many2One('care.settlement', "Settlement",
        readonly=True, ondelete='RESTRICT',
        help="The monthly settlement this payment pays.")

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('line'):
            values['care_settlement'] = cls._settlement_of_line(
                values['line'])
        return values

    @classmethod
    def _settlement_of_line(cls, line_id):
        "The settlement whose invoice the move line pays, if any"
        pool = Pool()
        Line = pool.get('account.move.line')
        Invoice = pool.get('account.invoice')
        Settlement = pool.get('care.settlement')
        origin = Line(line_id).move.origin
        if isinstance(origin, Invoice):
            settlements = Settlement.search([('invoice', '=', origin.id)],
                limit=1)
            if settlements:
                return settlements[0].id

    @classmethod
    def validate(cls, payments):
        super().validate(payments)
        cls.check_settlement_net(payments)

    @classmethod
    def check_settlement_net(cls, payments):
        "Never more than a settlement's net, in all its payments together"
        settlements = {p.care_settlement for p in payments
            if p.care_settlement}
        serialize(settlements)
        committed = committed_amounts([s.id for s in settlements])
        for settlement in settlements:
            if committed[settlement.id] > settlement.net:
                raise ValidationError(gettext(
                        'care_settlement.msg_payment_above_net',
                        settlement=settlement.rec_name,
                        amount=committed[settlement.id],
                        net=settlement.net))

    @classmethod
    @ModelView.button
    def succeed(cls, payments):
        Settlement = Pool().get('care.settlement')
        super().succeed(payments)
        Settlement.update_paid(list({p.care_settlement for p in payments
                    if p.care_settlement}))
