# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .bid import CONTRACTOR_DOMAIN
from .procurement import KINDS

# 财政部令第102号: normally one year, at most three
MAXIMUM_TERM_YEARS = 3


class ContractCompanyMixin:
    """The company of a record of a contract (a visit, a check, a
    rectification) is the contract's: the company rule reads it"""
    __slots__ = ()
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @fields.depends('contract', '_parent_contract.company')
    def on_change_with_company(self, name=None):
        return self.contract.company if self.contract else None

    @classmethod
    def search_company(cls, name, clause):
        return [('contract.' + clause[0], *clause[1:])]


class Contract(Workflow, ModelSQL, ModelView):
    __name__ = 'care.contract'
    _history = True
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", states=_draft,
        help="Given from the sequence on creation when left empty.")
    company = fields.Many2One('company.company', "Company", required=True,
        states=_draft)
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    contractor = fields.Many2One('party.party', "Contractor", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=CONTRACTOR_DOMAIN,
        context={'company': Eval('company', -1)}, depends={'company'})
    lot = fields.Many2One('care.procurement.lot', "Lot",
        ondelete='RESTRICT', states=_draft,
        domain=[('state', '=', 'awarded')],
        help="Empty for single-source and existing contracts.")
    kind = fields.Selection(KINDS, "Kind", required=True, states=_draft)
    start_date = fields.Date("Start Date", required=True, states=_draft)
    end_date = fields.Date("End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date', None))],
        states=_draft,
        help="The last day; for a terminated contract the termination date.")
    amount = Monetary("Amount", currency='currency', digits='currency',
        required=True, domain=[('amount', '>=', 0)], states=_draft,
        help="The ceiling of what the contract pays over its period.")
    penalty_per_failed_check = Monetary(
        "Penalty per Failed Check", currency='currency', digits='currency',
        required=True, domain=[('penalty_per_failed_check', '>=', 0)],
        states=_draft)
    lines = fields.One2Many('care.contract.line', 'contract', "Lines",
        states=_draft)
    assignments = fields.One2Many('care.contract.assignment', 'contract',
        "Assignments",
        states={'readonly': ~Eval('state').in_(['draft', 'running'])})
    termination_reason = fields.Text("Termination Reason", readonly=True,
        states={'invisible': Eval('state') != 'terminated'})
    state = fields.Selection([
            ('draft', "Draft"),
            ('running', "Running"),
            ('closed', "Closed"),
            ('terminated', "Terminated"),
            ], "State", readonly=True, required=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('number_unique', Unique(t, t.number),
                'care_procurement.msg_contract_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.contractor, Index.Range())),
                Index(t, (t.state, Index.Equality())),
                })
        cls._order = [('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'running'),
            ('running', 'closed'),
            ('running', 'terminated'),
            }
        cls._buttons.update({
                'run': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'close': {
                    'invisible': Eval('state') != 'running',
                    'depends': ['state']},
                'terminate': {
                    'invisible': Eval('state') != 'running',
                    'depends': ['state']},
                'assign': {
                    'invisible': ~Eval('state').in_(['draft', 'running']),
                    'depends': ['state']},
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def copy(cls, contracts, default=None):
        # A copy is a new contract: its own number, to be run again
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('state', 'draft')
        default.setdefault('termination_reason', None)
        default.setdefault('assignments', None)
        return super().copy(contracts, default=default)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @staticmethod
    def default_penalty_per_failed_check():
        return Decimal(0)

    @staticmethod
    def default_kind():
        return 'home_care'

    @fields.depends('lot', '_parent_lot.kind')
    def on_change_lot(self):
        if self.lot:
            self.kind = self.lot.kind

    @classmethod
    def from_lot(cls, lot):
        """A draft contract with the awarded bid's prices, over the
        procurement's year"""
        Line = Pool().get('care.contract.line')
        bid = lot.awarded_bid
        procurement = lot.procurement
        prices = {l.service: l.unit_price for l in bid.lines}
        return cls(
            company=procurement.company,
            contractor=bid.contractor,
            lot=lot,
            kind=lot.kind,
            start_date=dt.date(procurement.year, 1, 1),
            end_date=dt.date(procurement.year, 12, 31),
            # The winner's total, never capped: a bid above the lot's budget
            # is invalid and cannot win
            amount=bid.total,
            lines=[Line(service=s.service, unit_price=prices[s.service])
                for s in lot.services],
            )

    @property
    def service_ids(self):
        return {l.service.id for l in self.lines}

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('care.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            # The number follows the year the contract starts in
            start = values.get('start_date')
            with Transaction().set_context(
                    date=dt.date(start.year, 1, 1) if start else None):
                values['number'] = Configuration(1).contract_sequence.get()
        return values

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        if field_names & {'start_date', 'end_date'}:
            for contract in contracts:
                contract.check_term()
        if field_names & {'amount', 'lot'}:
            for contract in contracts:
                if contract.lot and contract.amount > contract.lot.budget:
                    raise ValidationError(gettext(
                            'care_procurement.msg_contract_over_lot_budget',
                            contract=contract.rec_name,
                            amount=contract.amount,
                            budget=contract.lot.budget))

    def check_term(self):
        "A contract of government-purchased services runs 3 years at most"
        if self.start_date and self.end_date and self.end_date >= (
                self.start_date + relativedelta(years=MAXIMUM_TERM_YEARS)):
            raise ValidationError(gettext(
                    'care_procurement.msg_contract_term',
                    contract=self.rec_name, start=self.start_date,
                    end=self.end_date, years=MAXIMUM_TERM_YEARS))

    @classmethod
    def check_modification(cls, mode, contracts, values=None,
            external=False):
        super().check_modification(
            mode, contracts, values=values, external=external)
        if mode == 'delete':
            for contract in contracts:
                if contract.state != 'draft':
                    raise AccessError(gettext(
                            'care_procurement.msg_contract_delete',
                            contract=contract.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, contracts):
        for contract in contracts:
            if not contract.lines:
                raise ValidationError(gettext(
                        'care_procurement.msg_contract_no_line',
                        contract=contract.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, contracts):
        pass

    @classmethod
    @ModelView.button_action('care_procurement.wizard_contract_terminate')
    def terminate(cls, contracts):
        pass

    @classmethod
    @Workflow.transition('terminated')
    def end_early(cls, contracts, date, reason):
        """Terminate the contracts on date (their last day); assignments
        beyond it end with it"""
        Assignment = Pool().get('care.contract.assignment')
        for contract in contracts:
            if not (contract.start_date <= date <= contract.end_date):
                raise ValidationError(gettext(
                        'care_procurement.msg_termination_outside',
                        contract=contract.rec_name, date=date))
        cls.write(contracts, {'end_date': date,
                'termination_reason': reason})
        Assignment.end_on(Assignment.search([
                    ('contract', 'in', [c.id for c in contracts]),
                    ]), date)

    @classmethod
    @ModelView.button_action('care_procurement.wizard_contract_assign')
    def assign(cls, contracts):
        pass


class ContractLine(ModelSQL, ModelView):
    __name__ = 'care.contract.line'
    _history = True

    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('care.service', "Service", required=True,
        ondelete='RESTRICT')
    unit = fields.Function(fields.Selection('get_units', "Unit"),
        'on_change_with_unit')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    unit_price = Monetary("Unit Price", currency='currency',
        digits='currency', required=True, domain=[('unit_price', '>=', 0)])
    monthly_cap = fields.Numeric("Monthly Cap", digits=(16, 1),
        domain=[If(Eval('monthly_cap', None) != None,
                ('monthly_cap', '>', 0), ())],
        help="Per person and month, in the line's unit; empty for no cap.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('contract_service_unique', Unique(t, t.contract, t.service),
                'care_procurement.msg_contract_line_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.contract, Index.Range())))
        cls.__access__.add('contract')

    @classmethod
    def get_units(cls):
        Service = Pool().get('care.service')
        return Service.fields_get(['unit'])['unit']['selection']

    @fields.depends('service')
    def on_change_with_unit(self, name=None):
        if self.service:
            return self.service.unit

    @fields.depends('contract', '_parent_contract.currency')
    def on_change_with_currency(self, name=None):
        return self.contract.currency if self.contract else None

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        for line in lines:
            if line.contract.state != 'draft':
                raise AccessError(gettext(
                        'care_procurement.msg_contract_line_locked',
                        contract=line.contract.rec_name))


class TerminateStart(ModelView):
    __name__ = 'care.contract.terminate.start'
    __string__ = "Terminate Contract"
    date = fields.Date("Termination Date", required=True,
        help="The contract's last day.")
    reason = fields.Text("Reason", required=True)


class Terminate(Wizard):
    __name__ = 'care.contract.terminate'
    start = StateView('care.contract.terminate.start',
        'care_procurement.contract_terminate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Terminate", 'apply', 'tryton-ok', default=True),
            ])
    apply = StateTransition()

    def default_start(self, fields):
        return {'date': Pool().get('ir.date').today()}

    def transition_apply(self):
        self.model.end_early(self.records, self.start.date, self.start.reason)
        return 'end'
