# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.model import ModelView, fields
from trytond.modules.care_procurement.procurement import MONEY
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .accounting_setup import setup_accounting


class Configuration(metaclass=PoolMeta):
    __name__ = 'care.configuration'

    second_approval_amount = fields.Numeric("Second Approval Above",
        digits=MONEY,
        help="A settlement whose net exceeds this needs the approval of a "
        "second, different user; empty for never.")
    budget_warning_ratio = fields.Numeric("Budget Warning Ratio",
        digits=(3, 2), required=True,
        domain=[('budget_warning_ratio', '>', 0),
            ('budget_warning_ratio', '<=', 1)],
        help="A share such as 0.80: an approval that brings the settled "
        "total of a contract, lot or procurement above this share of its "
        "amount or budget warns the approver first.")
    settlement_journal = fields.Many2One('account.journal',
        "Invoice Journal", domain=[('type', '=', 'expense')],
        help="The journal of the supplier invoices posted on approval.")
    settlement_account = fields.Many2One('account.account',
        "Expense Account", domain=[
            ('type.expense', '=', True),
            ('closed', '!=', True),
            ],
        help="The account charged with the settled care services.")
    payment_journal = fields.Many2One('account.payment.journal',
        "Payment Journal",
        help="The journal of the payments to contractors.")
    statement_journal = fields.Many2One('account.statement.journal',
        "Bank Statement Journal",
        help="The journal of the bank statements that confirm payments.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'setup_accounting': {},
                })

    @classmethod
    @ModelView.button
    def setup_accounting(cls, configurations):
        """Set up the books of the user's company: chart, fiscal years,
        journals; what exists is kept"""
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if company_id:
            setup_accounting(Company(company_id))

    @staticmethod
    def default_budget_warning_ratio():
        return Decimal('0.80')
