# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.currency.fields import Monetary
from trytond.modules.social_assistance.tools import add_working_days
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.rpc import RPC
from trytond.transaction import Transaction

METHODS = [
    ('open_tender', "Open Tender"),
    ('invited_tender', "Invited Tender"),
    ('competitive_negotiation', "Competitive Negotiation"),
    ('competitive_consultation', "Competitive Consultation"),
    ('single_source', "Single Source"),
    ('inquiry', "Request for Quotation"),
    ('framework', "Framework Agreement"),
    ]
KINDS = [
    ('home_care', "Home Care"),
    ('placement', "Centralized Placement"),
    ]
# An open tender with fewer valid bids fails (流标)
OPEN_TENDER_MINIMUM_BIDS = 3


class Procurement(Workflow, ModelSQL, ModelView):
    __name__ = 'care.procurement'
    _history = True
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    name = fields.Char("Name", required=True, states=_draft)
    company = fields.Many2One('company.company', "Company", required=True,
        states=_draft)
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    year = fields.Integer("Year", required=True, states=_draft)
    budget = Monetary("Budget", currency='currency', digits='currency',
        required=True, domain=[('budget', '>=', 0)], states=_draft)
    method = fields.Selection(METHODS, "Method", required=True,
        states=_draft)
    price_weight = fields.Numeric(
        "Price Weight", digits=(5, 2), required=True,
        domain=[('price_weight', '>=', 0), ('price_weight', '<=', 100)],
        states=_draft,
        help="Price score = lowest valid total / bid total × price weight.")
    announcement_date = fields.Date("Announcement Date", states=_draft)
    bid_deadline = fields.Date("Bid Deadline",
        domain=[If(Eval('bid_deadline') & Eval('announcement_date'),
                ('bid_deadline', '>=', Eval('announcement_date')), ())],
        states=_draft)
    opening_date = fields.Date("Bid Opening Date",
        states={'readonly': ~Eval('state').in_(['draft', 'published'])})
    evaluation_date = fields.Date("Evaluation Date",
        states={'readonly': Eval('state') != 'evaluating'})
    award_date = fields.Date("Award Date", readonly=True)
    publicity_end = fields.Function(fields.Date(
            "Award Publicity Ends",
            help="The award is published for the configured working days."),
        'get_publicity_end')
    lots = fields.One2Many('care.procurement.lot', 'procurement', "Lots",
        states=_draft)
    lots_budget = fields.Function(Monetary("Lots Budget",
            currency='currency', digits='currency'), 'get_lots_budget')
    note = fields.Text("Note")
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('evaluating', "Evaluating"),
            ('awarded', "Awarded"),
            ('failed', "Failed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('number_unique', Unique(t, t.number),
                'care_procurement.msg_procurement_number_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality())))
        cls._order = [('year', 'DESC'), ('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'draft'),
            ('published', 'evaluating'),
            ('evaluating', 'awarded'),
            ('evaluating', 'failed'),
            ('draft', 'cancelled'),
            ('published', 'cancelled'),
            ('evaluating', 'cancelled'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state']},
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'evaluate': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state']},
                'award': {
                    'invisible': Eval('state') != 'evaluating',
                    'depends': ['state']},
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'published', 'evaluating']),
                    'depends': ['state']},
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year

    @staticmethod
    def default_method():
        return 'open_tender'

    @staticmethod
    def default_price_weight():
        Configuration = Pool().get('care.configuration')
        return Configuration(1).price_weight

    def get_publicity_end(self, name):
        Configuration = Pool().get('care.configuration')
        if self.award_date:
            return add_working_days(self.award_date,
                Configuration(1).award_publicity_days)

    def get_lots_budget(self, name):
        return sum((l.budget or Decimal(0) for l in self.lots), Decimal(0))

    @classmethod
    def validate_fields(cls, procurements, field_names):
        super().validate_fields(procurements, field_names)
        for procurement in procurements:
            procurement.check_lots_budget()

    def check_lots_budget(self):
        if self.lots_budget > (self.budget or 0):
            raise ValidationError(gettext(
                    'care_procurement.msg_lots_over_budget',
                    procurement=self.rec_name, lots=self.lots_budget,
                    budget=self.budget))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('care.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values['number'] = Configuration(1).procurement_sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, procurements, values=None,
            external=False):
        super().check_modification(
            mode, procurements, values=values, external=external)
        if mode == 'delete':
            for procurement in procurements:
                if procurement.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'care_procurement.msg_procurement_delete',
                            procurement=procurement.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, procurements):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, procurements):
        for procurement in procurements:
            if not procurement.lots:
                raise ValidationError(gettext(
                        'care_procurement.msg_procurement_no_lot',
                        procurement=procurement.rec_name))
            if not procurement.announcement_date:
                procurement.announcement_date = Pool().get(
                    'ir.date').today()
        cls.save(procurements)

    @classmethod
    @ModelView.button
    @Workflow.transition('evaluating')
    def evaluate(cls, procurements):
        "Check and score every bid of the procurements' lots"
        Lot = Pool().get('care.procurement.lot')
        Lot.score([l for p in procurements for l in p.lots])

    @classmethod
    @ModelView.button
    def award(cls, procurements):
        """Decide every open lot: award it, or fail it when it has too few
        valid bids; the procurement fails when no lot is awarded"""
        Lot = Pool().get('care.procurement.lot')
        today = Pool().get('ir.date').today()
        Lot.decide([l for p in procurements for l in p.lots
                if l.state == 'open'])
        awarded = [p for p in procurements
            if any(l.state == 'awarded' for l in p.lots)]
        cls.write(awarded, {'award_date': today})
        cls.set_awarded(awarded)
        cls.set_failed([p for p in procurements if p not in awarded])

    @classmethod
    @Workflow.transition('awarded')
    def set_awarded(cls, procurements):
        pass

    @classmethod
    @Workflow.transition('failed')
    def set_failed(cls, procurements):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, procurements):
        pass


class Lot(ModelSQL, ModelView):
    __name__ = 'care.procurement.lot'
    _history = True

    _open = {'readonly': Eval('procurement_state') != 'draft'}

    procurement = fields.Many2One('care.procurement', "Procurement",
        required=True, ondelete='CASCADE', states=_open)
    procurement_state = fields.Function(fields.Selection(
            'get_procurement_states', "Procurement State"),
        'on_change_with_procurement_state')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    name = fields.Char("Name", required=True, states=_open)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_open)
    towns = fields.Many2Many('care.procurement.lot-town', 'lot', 'town',
        "Towns", domain=[('level', '=', 'town')], states=_open)
    services = fields.One2Many('care.procurement.lot.service', 'lot',
        "Services", states=_open)
    budget = Monetary("Budget", currency='currency', digits='currency',
        required=True, domain=[('budget', '>=', 0)], states=_open)
    bids = fields.One2Many('care.procurement.bid', 'lot', "Bids",
        states={'readonly': ~Eval('procurement_state').in_(
                ['draft', 'published'])})
    state = fields.Selection([
            ('open', "Open"),
            ('awarded', "Awarded"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    awarded_bid = fields.Many2One('care.procurement.bid', "Awarded Bid",
        domain=[('lot', '=', Eval('id', -1)), ('valid', '=', True)],
        states={
            'readonly': ((Eval('procurement_state') != 'evaluating')
                | (Eval('state') != 'open')),
            },
        help="Leave empty to award the bid ranked first; another bid needs "
        "a written reason.")
    award_reason = fields.Text("Award Reason",
        states={
            'readonly': ((Eval('procurement_state') != 'evaluating')
                | (Eval('state') != 'open')),
            },
        help="Why the lot is awarded to a bid other than the first ranked.")
    failure_reason = fields.Text("Failure Reason",
        states={'invisible': Eval('state') != 'failed'}, readonly=True)
    contracts = fields.One2Many('care.contract', 'lot', "Contracts",
        readonly=True)

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.procurement, Index.Range())))
        cls._order.insert(0, ('procurement', 'DESC'))
        cls._order.insert(1, ('name', 'ASC'))
        cls._buttons.update({
                'create_contract': {
                    'invisible': ((Eval('state') != 'awarded')
                        | Bool(Eval('contracts', []))),
                    'depends': ['state', 'contracts'],
                    },
                })
        # The button returns the contracts to Python callers; a client
        # expects an action or nothing
        cls.__rpc__['create_contract'] = RPC(
            readonly=False, instantiate=0, result=lambda contracts: None)

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_kind():
        return 'home_care'

    @classmethod
    def get_procurement_states(cls):
        Procurement = Pool().get('care.procurement')
        return Procurement.fields_get(['state'])['state']['selection']

    @fields.depends('procurement', '_parent_procurement.state')
    def on_change_with_procurement_state(self, name=None):
        if self.procurement:
            return self.procurement.state

    @fields.depends('procurement', '_parent_procurement.currency')
    def on_change_with_currency(self, name=None):
        return self.procurement.currency if self.procurement else None

    def get_rec_name(self, name):
        return f'{self.procurement.rec_name} / {self.name}'

    @classmethod
    def validate_fields(cls, lots, field_names):
        super().validate_fields(lots, field_names)
        if field_names & {'budget', 'procurement'}:
            for procurement in {l.procurement for l in lots}:
                procurement.check_lots_budget()

    def check_bids_open(self):
        "Refuse changes to bids once the procurement is being evaluated"
        if self.procurement.state not in {'draft', 'published'}:
            raise AccessError(gettext(
                    'care_procurement.msg_bids_closed',
                    lot=self.rec_name))

    @classmethod
    def score(cls, lots):
        "Check the bids of the lots and score the valid ones (综合评分法)"
        Bid = Pool().get('care.procurement.bid')
        to_save = []
        for lot in lots:
            bids = list(lot.bids)
            for bid in bids:
                bid.total, bid.invalid_reason = bid.evaluate()
                bid.valid = not bid.invalid_reason
            valid = sorted((b for b in bids if b.valid),
                key=lambda b: b.total)
            lowest = valid[0].total if valid else None
            weight = lot.procurement.price_weight
            for bid in bids:
                if bid.valid and bid.total:
                    bid.price_score = (lowest / bid.total * weight).quantize(
                        Decimal('0.01'))
                elif bid.valid:
                    # A zero total is the lowest one
                    bid.price_score = weight
                else:
                    bid.price_score = None
                bid.total_score = (
                    bid.price_score + (bid.technical_score or 0)
                    if bid.valid else None)
            ranked = sorted(valid,
                key=lambda b: (-b.total_score, b.total, b.id))
            for rank, bid in enumerate(ranked, start=1):
                bid.rank = rank
            for bid in bids:
                if not bid.valid:
                    bid.rank = None
            to_save.extend(bids)
        Bid.save(to_save)

    @classmethod
    def decide(cls, lots):
        """Award each lot to its chosen bid (with a reason) or the first
        ranked one; fail it when it has too few valid bids"""
        for lot in lots:
            valid = [b for b in lot.bids if b.valid]
            minimum = (OPEN_TENDER_MINIMUM_BIDS
                if lot.procurement.method == 'open_tender' else 1)
            if len(valid) < minimum:
                lot.state = 'failed'
                lot.failure_reason = gettext(
                    'care_procurement.msg_lot_too_few_bids',
                    count=len(valid), minimum=minimum)
                lot.awarded_bid = None
                continue
            first = min(valid, key=lambda b: b.rank)
            if lot.awarded_bid and lot.awarded_bid != first:
                if not (lot.award_reason or '').strip():
                    raise ValidationError(gettext(
                            'care_procurement.msg_award_reason_required',
                            lot=lot.rec_name,
                            bid=lot.awarded_bid.rec_name))
            else:
                lot.awarded_bid = first
            lot.state = 'awarded'
        cls.save(lots)

    @classmethod
    @ModelView.button
    def create_contract(cls, lots):
        "Create a draft contract from each awarded lot's winning prices"
        Contract = Pool().get('care.contract')
        contracts = [Contract.from_lot(l) for l in lots
            if l.state == 'awarded' and not l.contracts]
        Contract.save(contracts)
        return contracts


class LotService(ModelSQL, ModelView):
    __name__ = 'care.procurement.lot.service'

    lot = fields.Many2One('care.procurement.lot', "Lot", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('care.service', "Service", required=True,
        ondelete='RESTRICT')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    ceiling_price = Monetary("Ceiling Price", currency='currency',
        digits='currency', required=True,
        domain=[('ceiling_price', '>=', 0)])
    estimated_quantity = fields.Numeric("Estimated Quantity",
        digits=(16, 1), required=True,
        domain=[('estimated_quantity', '>=', 0)],
        help="The quantity over the contract period at which bids are "
        "totalled.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('lot_service_unique', Unique(t, t.lot, t.service),
                'care_procurement.msg_lot_service_unique'),
            ]

    @fields.depends('lot', '_parent_lot.currency')
    def on_change_with_currency(self, name=None):
        return self.lot.currency if self.lot else None


class LotTown(ModelSQL):
    __name__ = 'care.procurement.lot-town'
    lot = fields.Many2One('care.procurement.lot', "Lot", required=True,
        ondelete='CASCADE')
    town = fields.Many2One('social_assistance.division', "Town",
        required=True, ondelete='RESTRICT')
