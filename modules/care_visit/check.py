# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import math
import random
from decimal import Decimal

from sql import Literal
from sql.aggregate import Max
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement.contract import ContractCompanyMixin
from trytond.modules.care_procurement.tools import (
    check_month, previous_month)
from trytond.pool import Pool
from trytond.pyson import Eval
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


class CheckPlan(Workflow, ModelSQL, ModelView):
    __name__ = 'care.check.plan'
    __string__ = "Spot-Check Plan"
    _history = True
    _rec_name = 'month'

    _draft = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_draft,
        help="The bureau whose running contracts are sampled.")
    month = fields.Char("Month", required=True, states=_draft,
        help="YYYY-MM")
    rate = fields.Numeric("Rate", digits=(3, 2), required=True,
        states=_draft, domain=[('rate', '>', 0), ('rate', '<=', 1)],
        help="The share of each contract's served persons to inspect.")
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

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('month_unique', Unique(t, t.company, t.month),
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

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

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
                    } for plan in plans
                for contract, person, flagged in plan.sample()])

    def sample(self):
        """The (contract id, person id, flagged) to inspect, drawn as
        DESIGN.md says for every running contract"""
        population = self.population()
        result = []
        for (contract, number), persons in sorted(population.items()):
            served = {n: p for n, (p, _) in persons.items()}
            flagged = {n for n, (_, f) in persons.items() if f}
            for id_number in self.draw_sample(self.seed, number,
                    list(served), flagged, self.rate, self.minimum):
                result.append(
                    (contract, served[id_number], id_number in flagged))
        return result

    @classmethod
    def sample_size(cls, population, rate, minimum):
        "min(n, max(N, ceil(R × n))), with R read as an exact decimal"
        return min(population, max(minimum, math.ceil(Decimal(str(rate))
                    * population)))

    @classmethod
    def draw_sample(cls, seed, contract_number, population, flagged, rate,
            minimum):
        """The identity numbers to inspect on one contract (DESIGN.md "Spot
        checks"): an auditor re-derives them from the plan's stored rate,
        minimum and seed.

        population: the identity numbers of the persons with accepted visits
        on the contract in the month; flagged: those of them with a flagged
        visit."""
        size = cls.sample_size(len(population), rate, minimum)
        flagged = sorted(set(flagged) & set(population))
        others = sorted(set(population) - set(flagged))
        rng = random.Random(f'{seed}:{contract_number}')
        if len(flagged) >= size:
            return rng.sample(flagged, size)
        return flagged + rng.sample(others, size - len(flagged))

    def population(self):
        """{(contract id, contract number): {identity number: (person id,
        flagged)}} of the persons with accepted visits in the month on
        running contracts; flagged when any of their visits (accepted or
        not) on that contract is"""
        pool = Pool()
        Visit = pool.get('care.visit')
        Contract = pool.get('care.contract')
        Person = pool.get('social_assistance.person')
        visit = Visit.__table__()
        contract = Contract.__table__()
        person = Person.__table__()
        cursor = Transaction().connection.cursor()
        accepted = Max(Case((visit.state == 'accepted', 1), else_=0))
        flagged = Max(Case((visit.flagged == Literal(True), 1), else_=0))
        cursor.execute(*visit
            .join(contract, condition=contract.id == visit.contract)
            .join(person, condition=person.id == visit.person)
            .select(contract.id, contract.number, person.id_number,
                person.id, accepted, flagged,
                where=(visit.month == self.month)
                & (contract.state == 'running')
                & (contract.company == self.company.id),
                group_by=[contract.id, contract.number, person.id_number,
                    person.id]))
        result = {}
        for contract_id, number, id_number, person_id, served, flag in cursor:
            if served:
                result.setdefault((contract_id, number), {})[id_number] = (
                    person_id, bool(flag))
        return result


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
        Configuration = pool.get('care.configuration')
        Holiday = pool.get('social_assistance.holiday')
        checks = [c for c in checks if c.result == 'pending']
        cls.fail(checks)
        Visit.evaluate([cv.visit.id for c in checks for cv in c.visits
                if not cv.delivered])
        # Rectification deadlines count working days (DESIGN.md), by the
        # holiday calendar
        days = Configuration(1).rectification_days
        Rectification.save([Rectification(
                    check=c, contract=c.contract, requirement=c.reasons,
                    deadline=Holiday.add_working_days(c.date, days))
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
