# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The chart of account_chart.xml
CHART = ('care_settlement', 'account_template_root')


class Configuration(metaclass=PoolMeta):
    __name__ = 'care.configuration'

    currency = fields.Function(fields.Many2One('currency.currency',
            "Currency"), 'get_currency')
    second_approval_amount = Monetary("Second Approval Above",
        currency='currency', digits='currency',
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

    @staticmethod
    def default_budget_warning_ratio():
        return Decimal('0.80')

    def get_currency(self, name):
        "The currency of the user's company, in which settlements are paid"
        pool = Pool()
        Company = pool.get('company.company')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            return Company(company_id).currency.id

    @classmethod
    @ModelView.button
    def setup_accounting(cls, configurations):
        """Set up the books of the user's company: chart, fiscal years,
        journals; what exists is kept"""
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if company_id:
            cls.setup_company_accounting(Company(company_id))

    @classmethod
    def setup_company_accounting(cls, company, years=None):
        """Make the company able to invoice and pay in the years given (by
        default last year, this year and next year): the chart of
        account_chart.xml, fiscal years with monthly periods and invoice
        sequences, the journals of invoices, payments and bank statements.
        Run again, it only adds what is missing (`care init`, the tests)."""
        Date = Pool().get('ir.date')
        with Transaction().set_context(company=company.id), \
                Transaction().set_user(0):
            if years is None:
                this_year = Date.today().year
                years = [this_year - 1, this_year, this_year + 1]
            accounts = cls._setup_chart(company)
            for year in years:
                cls._setup_fiscal_year(company, year)
            configuration = cls(1)
            if not configuration.settlement_journal:
                configuration.settlement_journal = cls._expense_journal()
            if not configuration.settlement_account:
                configuration.settlement_account = accounts['500101']
            if not configuration.payment_journal:
                configuration.payment_journal = cls._setup_payment_journal(
                    company)
            if not configuration.statement_journal:
                configuration.statement_journal = (
                    cls._setup_statement_journal(company, accounts['1011']))
            configuration.save()

    @classmethod
    def _setup_chart(cls, company):
        "The accounts of the chart by code, created from the template once"
        pool = Pool()
        Account = pool.get('account.account')
        AccountTemplate = pool.get('account.account.template')
        ModelData = pool.get('ir.model.data')
        CreateChart = pool.get('account.create_chart', type='wizard')
        if not Account.search([('company', '=', company.id)], limit=1):
            template = AccountTemplate(ModelData.get_id(*CHART))
            session_id, _, _ = CreateChart.create()
            wizard = CreateChart(session_id)
            wizard.account.account_template = template
            wizard.account.company = company
            wizard.transition_create_account()
            by_code = {a.code: a for a in Account.search(
                    [('company', '=', company.id)])}
            wizard.properties.company = company
            wizard.properties.account_receivable = by_code['1218']
            wizard.properties.account_payable = by_code['2302']
            wizard.properties.category_account_expense = by_code['500101']
            wizard.properties.category_account_revenue = by_code['4001']
            wizard.transition_create_properties()
            CreateChart.delete(session_id)
        return {a.code: a for a in Account.search([
                    ('company', '=', company.id),
                    ('code', '!=', None),
                    ])}

    @classmethod
    def _setup_fiscal_year(cls, company, year):
        "The calendar year as fiscal year with monthly periods and sequences"
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        Sequence = pool.get('ir.sequence.strict')
        SequenceType = pool.get('ir.sequence.type')
        InvoiceSequence = pool.get('account.fiscalyear.invoice_sequence')
        ModelData = pool.get('ir.model.data')
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if FiscalYear.search([
                    ('company', '=', company.id),
                    ('start_date', '<=', end),
                    ('end_date', '>=', start),
                    ], limit=1):
            return

        def sequence(type_id, name):
            return Sequence(name=name, company=company,
                sequence_type=SequenceType(type_id))
        move_sequence = sequence(
            ModelData.get_id('account', 'sequence_type_account_move'),
            gettext('care_settlement.msg_move_sequence', year=year))
        move_sequence.save()
        invoice_sequence = sequence(
            ModelData.get_id('account_invoice',
                'sequence_type_account_invoice'),
            gettext('care_settlement.msg_invoice_sequence', year=year))
        invoice_sequence.prefix = f'FP{year}-'
        invoice_sequence.padding = 5
        invoice_sequence.save()
        fiscal_year = FiscalYear(name=str(year), company=company,
            start_date=start, end_date=end, move_sequence=move_sequence)
        fiscal_year.invoice_sequences = [InvoiceSequence(
                company=company,
                in_invoice_sequence=invoice_sequence,
                in_credit_note_sequence=invoice_sequence,
                out_invoice_sequence=invoice_sequence,
                out_credit_note_sequence=invoice_sequence)]
        fiscal_year.save()
        FiscalYear.create_period([fiscal_year])

    @classmethod
    def _expense_journal(cls):
        pool = Pool()
        Journal = pool.get('account.journal')
        ModelData = pool.get('ir.model.data')
        return Journal(ModelData.get_id('account', 'journal_expense'))

    @classmethod
    def _setup_payment_journal(cls, company):
        "Payments are made by the treasury by hand: the manual method"
        Journal = Pool().get('account.payment.journal')
        journal = Journal(
            name=gettext('care_settlement.msg_payment_journal'),
            company=company, currency=company.currency,
            process_method='manual')
        journal.save()
        return journal

    @classmethod
    def _setup_statement_journal(cls, company, account):
        "The treasury's zero-balance account statement, checked by its total"
        pool = Pool()
        Journal = pool.get('account.journal')
        StatementJournal = pool.get('account.statement.journal')
        ModelData = pool.get('ir.model.data')
        journal = StatementJournal(
            name=gettext('care_settlement.msg_statement_journal'),
            company=company, currency=company.currency,
            journal=Journal(ModelData.get_id(
                    'account_statement', 'journal_statement')),
            account=account, validation='amount')
        journal.save()
        return journal
