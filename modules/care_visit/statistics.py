# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The month's figures of visits and inspections, as the client's graphs
and `care charts` show them: reporting models whose rows are aggregates."""
from sql import Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.care_procurement.tools import previous_month
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .visit import STATES
from .visit_rules import REASONS

# The answers that count as satisfied (out of 5)
SATISFIED = ['4', '5']


class StatisticsContext(ModelView):
    __name__ = 'care.statistics.context'
    __string__ = "Care Statistics Context"
    month = fields.Char("Month",
        help="The month of the figures, written YYYY-MM; empty for all.")

    @classmethod
    def default_month(cls):
        return previous_month()

    @staticmethod
    def get_month():
        "The month the figures are asked for (None for every month)"
        return Transaction().context.get('month') or None


class VisitStatistics(ModelSQL, ModelView):
    "One row a month, company, town, contractor, state and reason"
    __name__ = 'care.visit.statistics'
    __string__ = "Visit Statistics"

    company = fields.Many2One('company.company', "Company", readonly=True)
    month = fields.Char("Month", readonly=True)
    town = fields.Many2One('social_assistance.division', "Town",
        readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    state = fields.Selection(STATES, "State", readonly=True)
    reason = fields.Selection([(None, "")] + REASONS, "Reason",
        readonly=True)
    visits = fields.Integer("Visits", readonly=True)
    accepted = fields.Integer("Accepted", readonly=True)
    rejected = fields.Integer("Rejected", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('visits', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Context = pool.get('care.statistics.context')
        visit = pool.get('care.visit').__table__()
        contract = pool.get('care.contract').__table__()
        person = pool.get('social_assistance.person').__table__()
        month = Context.get_month()
        # Filtered before grouping: the visits of one month, not all
        where = (visit.month == month) if month else None
        return (visit
            .join(contract, condition=contract.id == visit.contract)
            .join(person, condition=person.id == visit.person)
            .select(
                # The groups share no visit: their first ids are unique
                Min(visit.id).as_('id'),
                contract.company.as_('company'),
                visit.month.as_('month'),
                person.town.as_('town'),
                visit.contractor.as_('contractor'),
                visit.state.as_('state'),
                visit.reason.as_('reason'),
                Count(visit.id).as_('visits'),
                Sum(Case((visit.state == 'accepted', 1), else_=0)
                    ).as_('accepted'),
                Sum(Case((visit.state == 'rejected', 1), else_=0)
                    ).as_('rejected'),
                where=where,
                group_by=[contract.company, visit.month, person.town,
                    visit.contractor, visit.state, visit.reason]))


class CheckStatistics(ModelSQL, ModelView):
    "One row a month, company and contractor"
    __name__ = 'care.check.statistics'
    __string__ = "Spot Check Statistics"

    company = fields.Many2One('company.company', "Company", readonly=True)
    month = fields.Char("Month", readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    inspections = fields.Integer("Spot Checks", readonly=True)
    passed = fields.Integer("Passed", readonly=True)
    failed = fields.Integer("Failed", readonly=True)
    pending = fields.Integer("Pending", readonly=True)
    asked = fields.Integer("Satisfaction Asked", readonly=True,
        help="The inspections (visits and phone follow-ups) that asked the "
        "person's satisfaction.")
    satisfied = fields.Integer("Satisfied", readonly=True,
        help="The answers of 4 or 5 out of 5.")
    satisfaction_rate = fields.Function(fields.Float("Satisfaction Rate",
            digits=(1, 4), help="The satisfied among those asked."),
        'get_satisfaction_rate')
    failure_rate = fields.Function(fields.Float("Failure Rate",
            digits=(1, 4),
            help="The failed spot checks among those with a result."),
        'get_failure_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('failed', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Context = pool.get('care.statistics.context')
        check = pool.get('care.check').__table__()
        contract = pool.get('care.contract').__table__()
        month = Context.get_month()
        where = (check.month == month) if month else None

        def count(result):
            return Sum(Case((check.result == result, 1), else_=0))
        return (check
            .join(contract, condition=contract.id == check.contract)
            .select(
                # The groups share no spot check: their first ids are unique
                Min(check.id).as_('id'),
                contract.company.as_('company'),
                check.month.as_('month'),
                contract.contractor.as_('contractor'),
                Count(check.id).as_('inspections'),
                count('pass').as_('passed'),
                count('fail').as_('failed'),
                count('pending').as_('pending'),
                Sum(Case((check.satisfaction != Null, 1), else_=0)
                    ).as_('asked'),
                Sum(Case((check.satisfaction.in_(SATISFIED), 1), else_=0)
                    ).as_('satisfied'),
                where=where,
                group_by=[contract.company, check.month,
                    contract.contractor]))

    def get_failure_rate(self, name):
        inspected = self.failed + self.passed
        return self.failed / inspected if inspected else None

    def get_satisfaction_rate(self, name):
        return self.satisfied / self.asked if self.asked else None


class ComplaintStatistics(ModelSQL, ModelView):
    "One row a month (received), company and contractor"
    __name__ = 'care.complaint.statistics'
    __string__ = "Complaint Statistics"

    company = fields.Many2One('company.company', "Company", readonly=True)
    month = fields.Char("Month", readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    received = fields.Integer("Received", readonly=True)
    substantiated = fields.Integer("Substantiated", readonly=True)
    answered = fields.Integer("Answered", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('received', 'DESC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Context = pool.get('care.statistics.context')
        complaint = pool.get('care.complaint').__table__()
        contract = pool.get('care.contract').__table__()
        month = Context.get_month()
        # Only the complaints about a contract have a contractor
        where = complaint.contract != Null
        if month:
            where &= complaint.month == month
        return (complaint
            .join(contract, condition=contract.id == complaint.contract)
            .select(
                Min(complaint.id).as_('id'),
                contract.company.as_('company'),
                complaint.month.as_('month'),
                contract.contractor.as_('contractor'),
                Count(complaint.id).as_('received'),
                # Decided only when answered
                Sum(Case(((complaint.substantiated == 'yes')
                            & (complaint.state == 'answered'), 1), else_=0)
                    ).as_('substantiated'),
                Sum(Case((complaint.state == 'answered', 1), else_=0)
                    ).as_('answered'),
                where=where,
                group_by=[contract.company, complaint.month,
                    contract.contractor]))
