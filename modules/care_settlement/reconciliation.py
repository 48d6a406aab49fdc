# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The finance bureau's three-way match, one row a settlement that was
approved (or invoiced or paid for) — FORMATS.md "reconciliation export":
结算金额 the approved net, 发票金额 the contractor's own invoice recorded on
the settlement (DESIGN.md "Payment"; the posted supplier invoice is the
settlement's net by construction, so it could never differ), 已付金额 the
succeeded payments, 合同余额 the contract amount less all nets settled up
to the month.  No invoice received is `unpaid` (FORMATS.md has no state
for it) with a note."""
from sql import Literal, Null
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.social_assistance.tools import sql_decimal
from trytond.pool import Pool

from .settlement import SETTLED

STATUSES = [
    ('matched', "Matched"),
    ('unpaid', "Unpaid"),
    ('invoice_mismatch', "Invoice Mismatch"),
    ('overpaid', "Overpaid"),
    ('over_budget', "Over Budget"),
    ]


class Reconciliation(ModelSQL, ModelView):
    __name__ = 'care.settlement.reconciliation'
    __string__ = "Finance Reconciliation"

    settlement = fields.Many2One('care.settlement', "Settlement",
        readonly=True)
    month = fields.Char("Month", readonly=True)
    contract = fields.Many2One('care.contract', "Contract", readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency",
        readonly=True)
    settlement_state = fields.Selection('get_settlement_states',
        "Settlement State", readonly=True)
    settled = Monetary("Settled", currency='currency',
        digits='currency', readonly=True,
        help="The approved net of the month.")
    invoiced = Monetary("Invoiced", currency='currency',
        digits='currency', readonly=True,
        help="The contractor's invoice recorded on the settlement.")
    invoice_number = fields.Char("Invoice Number", readonly=True)
    payment_due_date = fields.Date("Payment Due Date", readonly=True)
    paid = Monetary("Paid", currency='currency',
        digits='currency', readonly=True,
        help="The successful payments.")
    difference = Monetary("Difference", currency='currency',
        digits='currency', readonly=True,
        help="Settled less paid.")
    contract_balance = Monetary("Contract Balance", currency='currency',
        digits='currency', readonly=True,
        help="The contract amount less all nets settled up to the month.")
    status = fields.Function(fields.Selection(STATUSES, "Status"),
        'get_status')
    note = fields.Function(fields.Char("Note"), 'get_note')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('contract', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_settlement_states(cls):
        Settlement = Pool().get('care.settlement')
        return Settlement.fields_get(['state'])['state']['selection']

    @classmethod
    def table_query(cls):
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Contract = pool.get('care.contract')
        Payment = pool.get('account.payment')
        Company = pool.get('company.company')
        settlement = Settlement.__table__()
        company = Company.__table__()
        earlier = Settlement.__table__()
        contract = Contract.__table__()
        payment = Payment.__table__()

        paid = payment.select(payment.care_settlement.as_('settlement'),
            Sum(payment.amount).as_('amount'),
            where=payment.state == 'succeeded',
            group_by=payment.care_settlement)
        settled_to_date = earlier.select(Sum(earlier.net),
            where=(earlier.contract == settlement.contract)
            & (earlier.month <= settlement.month)
            & earlier.state.in_(SETTLED))
        settled = Case((settlement.state.in_(SETTLED), settlement.net),
            else_=Literal(0))
        invoiced = settlement.contractor_invoice_amount
        paid_amount = Coalesce(paid.amount, Literal(0))
        return (settlement
            .join(contract, condition=contract.id == settlement.contract)
            .join(company, condition=company.id == settlement.company)
            .join(paid, 'LEFT', condition=paid.settlement == settlement.id)
            .select(
                settlement.id.as_('id'),
                settlement.create_uid.as_('create_uid'),
                settlement.create_date.as_('create_date'),
                settlement.write_uid.as_('write_uid'),
                settlement.write_date.as_('write_date'),
                settlement.id.as_('settlement'),
                settlement.month.as_('month'),
                settlement.contract.as_('contract'),
                settlement.contractor.as_('contractor'),
                company.currency.as_('currency'),
                settlement.state.as_('settlement_state'),
                settled.as_('settled'),
                Coalesce(invoiced, Literal(0)).as_('invoiced'),
                settlement.contractor_invoice_number.as_('invoice_number'),
                settlement.payment_due_date.as_('payment_due_date'),
                paid_amount.as_('paid'),
                (settled - paid_amount).as_('difference'),
                (contract.amount - Coalesce(settled_to_date, Literal(0))
                    ).as_('contract_balance'),
                where=settlement.state.in_(SETTLED)
                | (settlement.invoice != Null)
                | (paid.amount != Null)))

    @classmethod
    def get_status(cls, rows, name):
        return {r.id: cls.status_of(*(sql_decimal(getattr(r, f))
                        for f in ['settled', 'invoiced', 'paid',
                            'contract_balance']),
                received=bool(r.invoice_number))
            for r in rows}

    @classmethod
    def get_note(cls, rows, name):
        # FORMATS.md has no state for it: the row is unpaid, and says why
        return {r.id: gettext('care_settlement.msg_reconciliation_no_invoice')
            if not r.invoice_number and r.settled else None for r in rows}

    @classmethod
    def status_of(cls, settled, invoiced, paid, balance, received=True):
        """The first status that applies, the most serious first; an
        invoice not yet received is no mismatch, the row is unpaid"""
        if balance < 0:
            return 'over_budget'
        if paid > settled:
            return 'overpaid'
        if received and invoiced != settled:
            return 'invoice_mismatch'
        if paid < settled:
            return 'unpaid'
        return 'matched'

    @classmethod
    def month_rows(cls, month):
        "The month's rows in contract-number order, as the export writes them"
        return sorted(cls.search([('month', '=', month)]),
            key=lambda r: r.contract.number)


