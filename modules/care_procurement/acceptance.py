# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""履约验收 (政府采购法实施条例 art. 45, DESIGN.md "Procurement rules"):
each contract is accepted at least once a year and at its end, with service
users' representatives taking part and their opinions counted; the result
is published.  A failed acceptance is shown on the contract (and, in
care_settlement, on the settlements awaiting approval)."""
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company import CompanyReport
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If

from .contract import ContractCompanyMixin

KINDS = [
    ('annual', "Annual"),
    ('interim', "Interim"),
    ('final', "Final"),
    ]
RESULTS = [
    (None, ""),
    ('pass', "Pass"),
    ('fail', "Fail"),
    ]
ROLES = [
    ('purchaser', "Purchaser's Representative"),
    ('expert', "Expert"),
    ('user_representative', "Service Users' Representative"),
    ('third_party', "Third-Party Agency"),
    ('other', "Other"),
    ]
ACCEPTANCE_STATES = [
    (None, ""),
    ('ok', "Accepted"),
    ('due', "Acceptance Due"),
    ('failed', "Acceptance Failed"),
    ]
# A contract is accepted at least once a year (实施条例 art. 45)
ACCEPTANCE_INTERVAL = relativedelta(years=1)
# Contracts of these states are (or were) performed: they are accepted
PERFORMED = ['running', 'closed', 'terminated']


class Acceptance(ContractCompanyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'care.contract.acceptance'
    __string__ = "Contract Acceptance"
    _history = True

    _draft = {'readonly': Eval('state') != 'draft'}

    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[('state', 'in', PERFORMED)])
    contractor = fields.Function(fields.Many2One('party.party', "Contractor",
            context={'company': Eval('company', -1)}, depends={'company'}),
        'on_change_with_contractor')
    kind = fields.Selection(KINDS, "Kind", required=True, states=_draft,
        help="Annual or interim acceptances during the contract, "
        "the final one at its end.")
    period_from = fields.Date("Period From", required=True, states=_draft)
    period_to = fields.Date("Period To", required=True, states=_draft,
        domain=[('period_to', '>=', Eval('period_from', None))])
    date = fields.Date("Acceptance Date", required=True, states=_draft,
        domain=[('date', '>=', Eval('period_to', None))],
        help="On or after the end of the period accepted.")
    members = fields.One2Many('care.contract.acceptance.member',
        'acceptance', "Members", states=_draft,
        help="The acceptance team, who sign the acceptance report; "
        "service users' representatives take part.")
    user_representatives = fields.Function(fields.Integer(
            "Service Users' Representatives"),
        'on_change_with_user_representatives')
    surveyed = fields.Integer("Service Users Surveyed", required=True,
        states=_draft, domain=[('surveyed', '>=', 0)],
        help="The service users whose opinion was gathered.")
    satisfied = fields.Integer("Satisfied", required=True, states=_draft,
        domain=[('satisfied', '>=', 0)],
        help="Of those surveyed, the satisfied ones.")
    satisfaction_rate = fields.Function(fields.Float(
            "Satisfaction Rate", digits=(16, 4)),
        'on_change_with_satisfaction_rate')
    opinions = fields.Text("Opinions of Service Users", states=_draft)
    result = fields.Selection(RESULTS, "Result", states=_draft)
    result_string = result.translated('result')
    findings = fields.Text("Findings", states=_draft,
        help="What the team found; required when the acceptance fails.")
    published_date = fields.Date("Published On", states=_draft,
        domain=[If(Eval('published_date'),
                ('published_date', '>=', Eval('date', None)), ())],
        help="The day the result was published.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.contract, Index.Range()),
                (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'done': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })
        # Its own access and rules, not the contract's (see care.visit): a
        # contractor reads the done acceptances of its contracts, no draft

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('result') == 'fail', 'danger', ''), ['result']),
            ]

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'annual'

    @staticmethod
    def default_surveyed():
        return 0

    @staticmethod
    def default_satisfied():
        return 0

    @fields.depends('contract', '_parent_contract.contractor')
    def on_change_with_contractor(self, name=None):
        return self.contract.contractor if self.contract else None

    @fields.depends('members')
    def on_change_with_user_representatives(self, name=None):
        return sum(1 for m in self.members or []
            if m.role == 'user_representative')

    @fields.depends('surveyed', 'satisfied')
    def on_change_with_satisfaction_rate(self, name=None):
        if self.surveyed and self.satisfied is not None:
            return round(self.satisfied / self.surveyed, 4)

    def get_rec_name(self, name):
        return (f'{self.contract.rec_name} '
            f'{self.period_from}~{self.period_to}')

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('contract.rec_name', *clause[1:])]

    @classmethod
    def validate_fields(cls, acceptances, field_names):
        super().validate_fields(acceptances, field_names)
        if field_names & {'contract', 'period_from', 'period_to'}:
            cls.check_period(acceptances)

    @classmethod
    def check_period(cls, acceptances):
        "The period accepted lies within the contract's"
        for acceptance in acceptances:
            contract = acceptance.contract
            if (acceptance.period_from < contract.start_date
                    or acceptance.period_to > contract.end_date):
                raise ValidationError(gettext(
                        'care_procurement.msg_acceptance_outside_contract',
                        acceptance=acceptance.rec_name,
                        contract=contract.rec_name,
                        start=contract.start_date, end=contract.end_date))

    @classmethod
    def check_modification(cls, mode, acceptances, values=None,
            external=False):
        super().check_modification(
            mode, acceptances, values=values, external=external)
        # A done acceptance is published: it stays as published
        if mode in {'write', 'delete'}:
            for acceptance in acceptances:
                if acceptance.state == 'done':
                    raise AccessError(gettext(
                            'care_procurement.msg_acceptance_done_locked',
                            acceptance=acceptance.rec_name))

    @classmethod
    def check_done(cls, acceptances):
        """Refuse to close an acceptance that 实施条例 art. 45 would not
        recognise: service users' representatives among the members, their
        opinions counted, a result (findings when it fails), published"""
        today = Pool().get('ir.date').today()
        for acceptance in acceptances:
            values = {'acceptance': acceptance.rec_name}
            # Done records what took place: the yearly rhythm counts from
            # its date
            if acceptance.date > today or (acceptance.published_date
                    and acceptance.published_date > today):
                raise ValidationError(gettext(
                        'care_procurement.msg_acceptance_future',
                        date=max(acceptance.date,
                            acceptance.published_date or acceptance.date),
                        **values))
            if not acceptance.user_representatives:
                raise ValidationError(gettext('care_procurement'
                        '.msg_acceptance_no_user_representative', **values))
            if acceptance.surveyed < 1:
                raise ValidationError(gettext(
                        'care_procurement.msg_acceptance_no_opinion',
                        **values))
            if acceptance.satisfied > acceptance.surveyed:
                raise ValidationError(gettext(
                        'care_procurement.msg_acceptance_satisfied_over',
                        satisfied=acceptance.satisfied,
                        surveyed=acceptance.surveyed, **values))
            if not acceptance.result:
                raise ValidationError(gettext(
                        'care_procurement.msg_acceptance_no_result',
                        **values))
            if acceptance.result == 'fail' and not acceptance.findings:
                raise ValidationError(gettext(
                        'care_procurement.msg_acceptance_fail_no_findings',
                        **values))
            if not acceptance.published_date:
                raise ValidationError(gettext(
                        'care_procurement.msg_acceptance_not_published',
                        **values))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, acceptances):
        cls.check_done(acceptances)

    @classmethod
    def done_by_contract(cls, contract_ids):
        """The done acceptances of each contract, oldest first (by date,
        then as recorded)"""
        result = defaultdict(list)
        if not contract_ids:
            return result
        for acceptance in cls.search([
                    ('contract', 'in', list(contract_ids)),
                    ('state', '=', 'done'),
                    ], order=[('date', 'ASC'), ('id', 'ASC')]):
            result[acceptance.contract.id].append(acceptance)
        return result

    @classmethod
    def latest_failed(cls, contract_ids):
        """The latest done acceptance of each contract whose latest one
        failed"""
        return {c: accepted[-1]
            for c, accepted in cls.done_by_contract(contract_ids).items()
            if accepted[-1].result == 'fail'}


class AcceptanceMember(ModelSQL, ModelView):
    __name__ = 'care.contract.acceptance.member'
    __string__ = "Contract Acceptance Member"
    _history = True

    acceptance = fields.Many2One('care.contract.acceptance', "Acceptance",
        required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    role = fields.Selection(ROLES, "Role", required=True)
    role_string = role.translated('role')
    organisation = fields.Char("Organisation",
        help="The unit the member comes from, or the village the service "
        "users' representative speaks for.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.acceptance, Index.Range())))
        cls._order = [('acceptance', 'ASC'), ('id', 'ASC')]
        # The acceptance's access and rules: a contractor reads the members
        # of its own done acceptances
        cls.__access__.add('acceptance')

    @staticmethod
    def default_role():
        return 'user_representative'

    @classmethod
    def check_modification(cls, mode, members, values=None, external=False):
        super().check_modification(
            mode, members, values=values, external=external)
        for member in members:
            if member.acceptance.state == 'done':
                raise AccessError(gettext(
                        'care_procurement.msg_acceptance_done_locked',
                        acceptance=member.acceptance.rec_name))


class Contract(metaclass=PoolMeta):
    __name__ = 'care.contract'

    acceptances = fields.One2Many('care.contract.acceptance', 'contract',
        "Acceptances", states={'readonly': Eval('state') == 'draft'})
    acceptance_state = fields.Function(fields.Selection(
            ACCEPTANCE_STATES, "Acceptance",
            help="Due when a year has passed since the last acceptance "
            "(or the start), or the contract ended without a final "
            "acceptance; failed when the latest acceptance failed."),
        'get_acceptance_state', searcher='search_acceptance_state')

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('acceptance_state') == 'failed', 'danger',
                    If(Eval('acceptance_state') == 'due', 'warning', '')),
                ['acceptance_state']),
            ]

    @classmethod
    def copy(cls, contracts, default=None):
        # A copy has not been performed, nor accepted
        default = default.copy() if default is not None else {}
        default.setdefault('acceptances', None)
        return super().copy(contracts, default=default)

    @classmethod
    def get_acceptance_state(cls, contracts, name):
        Acceptance = Pool().get('care.contract.acceptance')
        today = Pool().get('ir.date').today()
        done = Acceptance.done_by_contract([c.id for c in contracts])
        return {c.id: c.acceptance_status(done.get(c.id, []), today)
            for c in contracts}

    def acceptance_status(self, acceptances, today):
        """The acceptance state of the contract on today given its done
        acceptances, oldest first"""
        if self.state not in PERFORMED:
            return None
        if acceptances and acceptances[-1].result == 'fail':
            return 'failed'
        ended = self.state != 'running' or self.end_date < today
        if ended:
            if any(a.kind == 'final' for a in acceptances):
                return 'ok'
            return 'due'
        last = acceptances[-1].date if acceptances else self.start_date
        if last + ACCEPTANCE_INTERVAL <= today:
            return 'due'
        return 'ok'

    @classmethod
    def search_acceptance_state(cls, name, clause):
        # A state of today, not of the stored rows: computed over the
        # performed contracts (a county has tens of them)
        _, operator, value = clause[:3]
        contracts = cls.search([('state', 'in', PERFORMED)])
        states = cls.get_acceptance_state(contracts, name)
        if operator in {'=', '!='}:
            values = {value}
        elif operator in {'in', 'not in'}:
            values = set(value or [])
        else:
            return [('id', '=', None)]
        ids = [i for i, s in states.items() if s in values]
        # Draft contracts have no state: they match the negations only
        return [('id', 'in' if operator in {'=', 'in'} else 'not in', ids)]


class AcceptanceReport(CompanyReport):
    "The acceptance report (验收书) signed by the team"
    __name__ = 'care.contract.acceptance.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Acceptance = pool.get('care.contract.acceptance')
        Contract = pool.get('care.contract')
        context = super().get_context(records, header, data)

        def labels(Model, name):
            return dict(Model.fields_get([name])[name]['selection'])
        context['kinds'] = labels(Acceptance, 'kind')
        context['results'] = labels(Acceptance, 'result')
        context['contract_kinds'] = labels(Contract, 'kind')
        context['format_rate'] = cls.format_rate
        return context

    @staticmethod
    def format_rate(rate):
        "The satisfaction rate as a percentage: 93.3%"
        return f'{rate * 100:.1f}%' if rate is not None else ''
