# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The bureau's accounting, set up once by `care init` (and by the tests):
the chart of account_chart.xml, fiscal years with monthly periods and
invoice sequences, the journals of invoices, payments and bank statements."""
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

CHART = ('care_settlement', 'account_template_root')


def setup_accounting(company, years=None):
    """Make the company able to invoice and pay in the years given (by
    default last year, this year and next year); run again, it only adds
    what is missing"""
    pool = Pool()
    Configuration = pool.get('care.configuration')
    Date = pool.get('ir.date')
    with Transaction().set_context(company=company.id), \
            Transaction().set_user(0):
        if years is None:
            this_year = Date.today().year
            years = [this_year - 1, this_year, this_year + 1]
        accounts = _chart(company)
        for year in years:
            _fiscal_year(company, year)
        configuration = Configuration(1)
        if not configuration.settlement_journal:
            configuration.settlement_journal = _expense_journal()
        if not configuration.settlement_account:
            configuration.settlement_account = accounts['500101']
        if not configuration.payment_journal:
            configuration.payment_journal = _payment_journal(company)
        if not configuration.statement_journal:
            configuration.statement_journal = _statement_journal(
                company, accounts['1011'])
        configuration.save()


def _chart(company):
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


def _fiscal_year(company, year):
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


def _expense_journal():
    pool = Pool()
    Journal = pool.get('account.journal')
    ModelData = pool.get('ir.model.data')
    return Journal(ModelData.get_id('account', 'journal_expense'))


def _payment_journal(company):
    "Payments are made by the treasury by hand: the manual method"
    Journal = Pool().get('account.payment.journal')
    journal = Journal(name=gettext('care_settlement.msg_payment_journal'),
        company=company, currency=company.currency,
        process_method='manual')
    journal.save()
    return journal


def _statement_journal(company, account):
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
