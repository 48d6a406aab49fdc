# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import math
import random
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Max
from sql.conditionals import Case, Coalesce
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement.contract import ContractCompanyMixin
from trytond.modules.care_procurement.tools import (
    check_month, month_bounds, previous_month)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from . import local_time
from .visit import COORDINATES

METHODS = [
    ('onsite', "On Site"),
    ('phone', "Phone"),
    ('video', "Video"),
    ]
ANSWERS = [
    (None, ""),
    ('yes', "Yes"),
    ('no', "No"),
    ]
SATISFACTION = [(None, "")] + [(str(i), str(i)) for i in range(1, 6)]
RESULTS = [
    ('pending', "Pending"),
    ('pass', "Pass"),
    ('fail', "Fail"),
    ]


KINDS = [
    ('county', "County"),
    ('special', "Special"),
    ]


class CheckPlan(Workflow, ModelSQL, ModelView):
    __name__ = 'care.check.plan'
    __string__ = "Spot-Check Plan"
    _history = True
    _rec_name = 'month'

    _draft = {'readonly': Eval('state') != 'draft'}
    _special = {
        'readonly': Eval('state') != 'draft',
        'invisible': Eval('kind') != 'special',
        }

    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_draft,
        help="The bureau whose running contracts are sampled.")
    kind = fields.Selection(KINDS, "Kind", required=True, states=_draft,
        help="County: the month's plan over every running contract, one a "
        "month.\nSpecial: a special check, as many as needed, "
        "optionally limited to some contracts or towns.")
    name = fields.Char("Name", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'special',
            'required': Eval('kind') == 'special',
            })
    month = fields.Char("Month", required=True, states=_draft,
        help="YYYY-MM")
    contracts = fields.Many2Many('care.check.plan-care.contract', 'plan',
        'contract', "Contracts", states=_special,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('state', '=', 'running'),
            ],
        help="Limit the special check to these contracts (all running "
        "contracts when empty).")
    towns = fields.Many2Many('care.check.plan-town', 'plan', 'town',
        "Towns", states=_special, domain=[('level', '=', 'town')],
        help="Limit the special check to the persons of these towns (all "
        "towns when empty).")
    rate = fields.Numeric("Rate", digits=(3, 2), required=True,
        states=_draft, domain=[('rate', '>', 0), ('rate', '<=', 1)],
        help="The share of each contract's assigned persons to inspect.")
    minimum = fields.Integer("Minimum", required=True, states=_draft,
        domain=[('minimum', '>=', 0)],
        help="Persons inspected at least on each contract.")
    seed = fields.Integer("Seed", required=True, states=_draft,
        help="Draws the sample: with it anyone can re-derive the plan.")
    checks = fields.One2Many('care.check', 'plan', "Inspections",
        readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('drawn', "Drawn"),
            ], "State", readonly=True, required=True)

    del _draft, _special

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            # One county plan a month; special checks as many as needed
            ('county_month_exclude', Exclude(t, (t.company, Equal),
                    (t.month, Equal), where=t.kind == 'county'),
                'care_visit.msg_check_plan_month_unique'),
            ]
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'drawn')}
        cls._buttons.update({
                'draw': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        table_h = cls.__table_handler__(module_name)
        # Migration: the month was unique for every plan before special
        # checks
        table_h.drop_constraint('month_unique')

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_kind():
        return 'county'

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_rate():
        return Decimal('0.10')

    @staticmethod
    def default_minimum():
        return 3

    @staticmethod
    def default_seed():
        return random.SystemRandom().randrange(1, 2 ** 31 - 1)

    @staticmethod
    def default_month():
        return previous_month()

    def get_rec_name(self, name):
        if self.kind == 'special' and self.name:
            return f'{self.month} {self.name}'
        return self.month

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('month', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, plans, field_names):
        super().validate_fields(plans, field_names)
        if 'month' in field_names:
            for plan in plans:
                check_month(plan.month)
                plan.check_month_ended()

    def check_month_ended(self):
        "DESIGN.md: a month that has not ended cannot be planned"
        if not local_time.month_ended(self.month):
            raise ValidationError(gettext(
                    'care_visit.msg_check_plan_month_not_ended',
                    month=self.month))

    @classmethod
    @ModelView.button
    @Workflow.transition('drawn')
    def draw(cls, plans):
        "Create the plan's inspections from the sample of each contract"
        Check = Pool().get('care.check')
        for plan in plans:
            # Plans stored before the rule are checked when drawn
            plan.check_month_ended()
        # The one drawing inspects (the default) unless the plan is shared
        # out; the inspector is no field a drawn inspection keeps
        Check.create([{
                    'plan': plan.id,
                    'month': plan.month,
                    'contract': contract,
                    'person': person,
                    'flagged': flagged,
                    'unserved': unserved,
                    } for plan in plans
                for contract, person, flagged, unserved in plan.sample()])

    def sample(self):
        """The (contract id, person id, flagged, unserved) to inspect, drawn
        as DESIGN.md says for every running contract of the plan"""
        result = []
        for (contract, number), persons in sorted(
                self.population().items()):
            risk = {n for n, (_, f, u) in persons.items() if f or u}
            for id_number in self.draw_sample(self.seed, number,
                    list(persons), risk, self.rate, self.minimum):
                person, flagged, unserved = persons[id_number]
                result.append((contract, person, flagged, unserved))
        return result

    @classmethod
    def sample_size(cls, population, rate, minimum):
        "min(n, max(N, ceil(R × n))), with R read as an exact decimal"
        return min(population, max(minimum, math.ceil(Decimal(str(rate))
                    * population)))

    @classmethod
    def draw_sample(cls, seed, contract_number, population, risk, rate,
            minimum):
        """The identity numbers to inspect on one contract (DESIGN.md "Spot
        checks"): an auditor re-derives them from the plan's stored rate,
        minimum and seed.

        population: the identity numbers of the persons assigned to the
        contract and active on a day of the month; risk: those of them with
        a flagged visit or with no accepted visit."""
        size = cls.sample_size(len(population), rate, minimum)
        risk = sorted(set(risk) & set(population))
        others = sorted(set(population) - set(risk))
        rng = random.Random(f'{seed}:{contract_number}')
        if len(risk) >= size:
            return rng.sample(risk, size)
        return risk + rng.sample(others, size - len(risk))

    def population(self):
        """{(contract id, contract number): {identity number: (person id,
        flagged, unserved)}} of the persons assigned to the plan's running
        contracts on a day of the month on which they are active (DESIGN.md
        "active on day d"); flagged when any of their visits (accepted or
        not) on that contract in the month is, unserved when none of them
        is accepted"""
        pool = Pool()
        Contract = pool.get('care.contract')
        contract = Contract.__table__()
        cursor = Transaction().connection.cursor()
        first, last = month_bounds(self.month)
        where = ((contract.state == 'running')
            & (contract.company == self.company.id)
            & (contract.start_date <= last)
            & (Coalesce(contract.end_date, last) >= first))
        if self.kind == 'special' and self.contracts:
            where &= reduce_ids(contract.id, [c.id for c in self.contracts])
        cursor.execute(*contract.select(contract.id, contract.number,
                contract.start_date, contract.end_date, where=where))
        contracts = {c: (n, max(first, s), min(last, e or last))
            for c, n, s, e in cursor}
        towns = ([t.id for t in self.towns] if self.kind == 'special'
            else [])
        result = {}
        # Chunked: the persons of a county's contracts need not fit in one
        # query
        for sub_ids in grouped_slice(sorted(contracts)):
            sub_ids = list(sub_ids)
            for (contract_id, id_number), values in self._population(
                    sub_ids, contracts, towns).items():
                number = contracts[contract_id][0]
                result.setdefault((contract_id, number), {})[id_number] = (
                    values)
        return result

    def _population(self, contract_ids, contracts, towns):
        """{(contract id, identity number): (person id, flagged, unserved)}
        for the contracts (id: (number, first, last day of the month in the
        contract))"""
        pool = Pool()
        Assignment = pool.get('care.contract.assignment')
        Person = pool.get('social_assistance.person')
        Suspension = pool.get('social_assistance.person.suspension')
        Visit = pool.get('care.visit')
        assignment = Assignment.__table__()
        person = Person.__table__()
        suspension = Suspension.__table__()
        visit = Visit.__table__()
        cursor = Transaction().connection.cursor()
        first, last = month_bounds(self.month)

        where = (reduce_ids(assignment.contract, contract_ids)
            & (assignment.start_date <= last)
            & (Coalesce(assignment.end_date, last) >= first)
            & (person.start_date <= last)
            & (Coalesce(person.end_date, last) >= first)
            & ((person.death_date == Null) | (person.death_date > first)))
        if towns:
            where &= reduce_ids(person.town, towns)
        cursor.execute(*assignment.join(person,
                condition=person.id == assignment.person).select(
                assignment.contract, person.id, person.id_number,
                assignment.start_date, assignment.end_date,
                person.start_date, person.end_date, person.death_date,
                where=where))
        assignments = cursor.fetchall()

        suspended = {}
        persons = {a[1] for a in assignments}
        for sub_ids in grouped_slice(sorted(persons)):
            cursor.execute(*suspension.select(suspension.person,
                    suspension.from_date, suspension.to_date,
                    where=reduce_ids(suspension.person, list(sub_ids))
                    & (suspension.from_date <= last)
                    & (Coalesce(suspension.to_date, last) >= first)))
            for person_id, from_date, to_date in cursor:
                suspended.setdefault(person_id, []).append(
                    (from_date, to_date))

        population = {}
        for (contract_id, person_id, id_number, a_start, a_end, p_start,
                p_end, death) in assignments:
            _, c_first, c_last = contracts[contract_id]
            start = max(c_first, a_start, p_start)
            end = min(c_last, a_end or c_last, p_end or c_last)
            if death:
                # Active only on the days before the death
                end = min(end, death - dt.timedelta(days=1))
            if self._active_day(start, end, suspended.get(person_id, [])):
                population[contract_id, id_number] = person_id

        accepted = Max(Case((visit.state == 'accepted', 1), else_=0))
        flagged = Max(Case((visit.flagged == Literal(True), 1), else_=0))
        cursor.execute(*visit.select(visit.contract, visit.person,
                accepted, flagged,
                where=reduce_ids(visit.contract, contract_ids)
                & (visit.month == self.month),
                group_by=[visit.contract, visit.person]))
        visits = {(c, p): (bool(a), bool(f)) for c, p, a, f in cursor}

        result = {}
        for (contract_id, id_number), person_id in population.items():
            served, flag = visits.get((contract_id, person_id),
                (False, False))
            result[contract_id, id_number] = (person_id, flag, not served)
        return result

    @staticmethod
    def _active_day(start, end, suspensions):
        "Whether a day from start to end lies in none of the suspensions"
        day = start
        for from_date, to_date in sorted(suspensions, key=lambda s: s[0]):
            if day > end:
                return False
            if from_date > day:
                return True
            if to_date is None:
                return False
            day = max(day, to_date + dt.timedelta(days=1))
        return day <= end


class Check(ContractCompanyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'care.check'
    __string__ = "Spot Check"
    _history = True

    _pending = {'readonly': Eval('result') != 'pending'}
    # A drawn inspection keeps what the sample drew
    _drawn = {'readonly': (Eval('result') != 'pending') | Eval('plan')}

    plan = fields.Many2One('care.check.plan', "Plan", ondelete='RESTRICT',
        readonly=True)
    month = fields.Char("Month", required=True, states=_drawn,
        help="The month of the visits inspected (YYYY-MM).")
    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='RESTRICT', states=_drawn)
    person = fields.Many2One('social_assistance.person', "Person",
        required=True, ondelete='RESTRICT', states=_drawn,
        domain=[('care_assignments.contract', '=', Eval('contract', -1))])
    town = fields.Function(fields.Many2One(
            'social_assistance.division', "Town"), 'get_town')
    flagged = fields.Boolean("Flagged", readonly=True,
        help="Drawn because online supervision flagged a visit.")
    unserved = fields.Boolean("Not Served", readonly=True,
        help="Drawn because the person had no accepted visit on the "
        "contract in the month.")
    inspector = fields.Many2One('company.employee', "Inspector",
        states=_pending)
    date = fields.Date("Date", states=_pending)
    method = fields.Selection(METHODS, "Method", required=True,
        states=_pending)
    method_string = method.translated('method')
    visits = fields.One2Many('care.check.visit', 'check', "Visits Verified",
        states=_pending)
    delivered = fields.Selection(ANSWERS, "Service Delivered",
        states=_pending)
    delivered_string = delivered.translated('delivered')
    on_time = fields.Selection(ANSWERS, "On Time", states=_pending)
    on_time_string = on_time.translated('on_time')
    satisfaction = fields.Selection(SATISFACTION, "Satisfaction",
        states=_pending, help="From 1 (very unsatisfied) to 5 (very "
        "satisfied).")
    living_conditions = fields.Text("Living Conditions", states=_pending)
    person_condition = fields.Text("Person's Condition", states=_pending)
    latitude = fields.Float("Latitude", digits=COORDINATES, states=_pending)
    longitude = fields.Float("Longitude", digits=COORDINATES,
        states=_pending)
    reasons = fields.Text("Reasons", states={
            'readonly': Eval('result') != 'pending',
            'required': Eval('result') == 'fail',
            })
    result = fields.Selection(RESULTS, "Result", readonly=True,
        required=True)
    result_string = result.translated('result')
    rectifications = fields.One2Many('care.rectification', 'check',
        "Rectifications", readonly=True)

    del _pending, _drawn

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Range()),
                    (t.month, Index.Equality())),
                Index(t, (t.result, Index.Equality(cardinality='low'))),
                })
        cls._order = [('month', 'DESC'), ('contract', 'ASC'),
            ('id', 'ASC')]
        cls._transition_state = 'result'
        cls._transitions |= {('pending', 'pass'), ('pending', 'fail')}
        cls._buttons.update({
                'record_pass': {
                    'invisible': Eval('result') != 'pending',
                    'depends': ['result'],
                    },
                'record_fail': {
                    'invisible': Eval('result') != 'pending',
                    'depends': ['result'],
                    },
                })
        # Its own access and rules, not the contract's (see care.visit)

    @staticmethod
    def default_result():
        return 'pending'

    @staticmethod
    def default_method():
        return 'onsite'

    @staticmethod
    def default_flagged():
        return False

    @staticmethod
    def default_unserved():
        return False

    @staticmethod
    def default_inspector():
        return Transaction().context.get('employee')

    def get_town(self, name):
        return self.person.town.id if self.person.town else None

    def get_rec_name(self, name):
        return f'{self.month} {self.contract.rec_name} {self.person.rec_name}'

    @classmethod
    def check_modification(cls, mode, checks, values=None, external=False):
        super().check_modification(
            mode, checks, values=values, external=external)
        if mode == 'delete':
            for check in checks:
                if check.result != 'pending':
                    raise AccessError(gettext('care_visit.msg_check_done',
                            check=check.rec_name))
        # The result itself nobody writes (field access, check.xml); once
        # recorded, the contract, month and findings that decide a deduction
        # are kept as they are (the transitions write with access checks off)
        if mode == 'write' and external:
            for check in checks:
                if check.result != 'pending':
                    raise AccessError(gettext('care_visit.msg_check_done',
                            check=check.rec_name))

    def check_complete(self):
        "A result needs who inspected, when and how"
        if not self.inspector or not self.date:
            raise ValidationError(gettext('care_visit.msg_check_incomplete',
                    check=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('pass')
    def record_pass(cls, checks):
        for check in checks:
            check.check_complete()

    @classmethod
    @ModelView.button
    def record_fail(cls, checks):
        """Fail the inspections: the visits marked as not delivered become
        disproved and a rectification opens for each"""
        pool = Pool()
        Visit = pool.get('care.visit')
        Rectification = pool.get('care.rectification')
        checks = [c for c in checks if c.result == 'pending']
        cls.fail(checks)
        Visit.evaluate([cv.visit.id for c in checks for cv in c.visits
                if not cv.delivered])
        Rectification.open_for([
                {'check': c, 'contract': c.contract,
                    'requirement': c.reasons, 'date': c.date}
                for c in checks])

    @classmethod
    @Workflow.transition('fail')
    def fail(cls, checks):
        for check in checks:
            check.check_complete()
            if not check.reasons:
                raise ValidationError(gettext(
                        'care_visit.msg_check_fail_reasons',
                        check=check.rec_name))


class CheckVisit(ModelSQL, ModelView):
    __name__ = 'care.check.visit'
    __string__ = "Spot Check Visit"

    check = fields.Many2One('care.check', "Inspection", required=True,
        ondelete='CASCADE')
    visit = fields.Many2One('care.visit', "Visit", required=True,
        ondelete='CASCADE',
        domain=[
            ('contract', '=', Eval('_parent_check.contract', -1)),
            ('person', '=', Eval('_parent_check.person', -1)),
            ])
    delivered = fields.Boolean("Delivered",
        help="Cleared when the inspection finds the visit did not happen: "
        "a failed inspection then disproves it.")
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.check, Index.Range())),
                Index(t, (t.visit, Index.Range())),
                })
        # Its own access and rules, not the inspection's (see care.visit)

    @staticmethod
    def default_delivered():
        return True

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        for line in lines:
            if line.check.result != 'pending':
                raise AccessError(gettext('care_visit.msg_check_done',
                        check=line.check.rec_name))
