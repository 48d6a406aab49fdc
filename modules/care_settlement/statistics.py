# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The nets settled against the contract amounts, as the client's graphs and
`care charts` show them: reporting models whose rows are aggregates."""
from sql import Literal
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.care_procurement.tools import month_bounds
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval

from .settlement import SETTLED

# Nets are summed in SQL: rounded to the cent, as SQLite sums them as floats
CENTS = 2


class ContractStatisticsMixin:
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency",
        readonly=True)
    contract = fields.Many2One('care.contract', "Contract", readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})

    @classmethod
    def _contract_tables(cls):
        """The contracts (not draft) whose period meets the month of the
        context (all if none), as `care settle` settles them, joined to
        their company; and the month"""
        pool = Pool()
        Context = pool.get('care.statistics.context')
        contract = pool.get('care.contract').__table__()
        company = pool.get('company.company').__table__()
        month = Context.get_month()
        where = contract.state != 'draft'
        if month:
            first, last = month_bounds(month)
            where &= ((contract.start_date <= last)
                & (contract.end_date >= first))
        return contract, company, where, month

    @classmethod
    def _contract_columns(cls, contract, company):
        return [
            contract.company.as_('company'),
            company.currency.as_('currency'),
            contract.id.as_('contract'),
            contract.contractor.as_('contractor'),
            ]


class ContractStatistics(ContractStatisticsMixin, ModelSQL, ModelView):
    "One row a contract of the month: its amount and the nets settled"
    __name__ = 'care.settlement.statistics'
    __string__ = "Settlement Statistics per Contract"

    amount = Monetary("Contract Amount", currency='currency',
        digits='currency', readonly=True)
    settled = Monetary("Settled to Date", currency='currency',
        digits='currency', readonly=True,
        help="The net of the settlements approved (or later) up to the "
        "month.")
    month_settled = Monetary("Settled in the Month", currency='currency',
        digits='currency', readonly=True,
        help="The net of the settlements of the month approved (or later).")
    pending = Monetary("Not Yet Approved", currency='currency',
        digits='currency', readonly=True,
        help="The net of the settlements up to the month not yet approved.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('contract', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        settlement = Pool().get('care.settlement').__table__()
        contract, company, where, month = cls._contract_tables()
        settled = settlement.state.in_(SETTLED)

        def net(condition):
            return Round(Sum(Case((condition, settlement.net), else_=0)),
                CENTS)
        nets_where = settlement.state != 'cancelled'
        if month:
            nets_where &= settlement.month <= month
        nets = settlement.select(
            settlement.contract.as_('contract'),
            net(settled).as_('settled'),
            net(settled & (settlement.month == month)
                if month else Literal(False)).as_('month_settled'),
            net(~settled).as_('pending'),
            where=nets_where,
            group_by=[settlement.contract])
        return (contract
            .join(company, condition=company.id == contract.company)
            .join(nets, 'LEFT', condition=nets.contract == contract.id)
            .select(
                # One row a contract: its id
                contract.id.as_('id'),
                *cls._contract_columns(contract, company),
                contract.amount.as_('amount'),
                Coalesce(nets.settled, 0).as_('settled'),
                Coalesce(nets.month_settled, 0).as_('month_settled'),
                Coalesce(nets.pending, 0).as_('pending'),
                where=where))


class ContractMonthStatistics(ContractStatisticsMixin, ModelSQL, ModelView):
    """One row a contract of the month and earlier month with settlements
    approved (or later): the net settled in that month"""
    __name__ = 'care.settlement.statistics.month'
    __string__ = "Settlement Statistics per Contract and Month"

    month = fields.Char("Month", readonly=True)
    settled = Monetary("Settled", currency='currency', digits='currency',
        readonly=True,
        help="The net of the settlements of the month approved (or later).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('contract', 'ASC'), ('month', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        settlement = Pool().get('care.settlement').__table__()
        contract, company, where, month = cls._contract_tables()
        where &= settlement.state.in_(SETTLED)
        if month:
            where &= settlement.month <= month
        return (settlement
            .join(contract, condition=contract.id == settlement.contract)
            .join(company, condition=company.id == contract.company)
            .select(
                # The groups share no settlement: their first ids are unique
                Min(settlement.id).as_('id'),
                *cls._contract_columns(contract, company),
                settlement.month.as_('month'),
                Round(Sum(settlement.net), CENTS).as_('settled'),
                where=where,
                group_by=[contract.company, company.currency, contract.id,
                    contract.contractor, settlement.month]))
