# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import random
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.currency.fields import Monetary
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
                'rescore': {
                    'invisible': Eval('state') != 'evaluating',
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

    @classmethod
    def copy(cls, procurements, default=None):
        # A copy re-runs the procurement (a failed one in a minute): a new
        # number, the lots and their towns and services, no bids nor dates
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('state', 'draft')
        for name in ['announcement_date', 'bid_deadline', 'opening_date',
                'evaluation_date', 'award_date']:
            default.setdefault(name, None)
        return super().copy(procurements, default=default)

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
            # The number follows the procurement's year (CG2027-… for next
            # year's), not the year it is entered in
            year = values.get('year') or cls.default_year()
            with Transaction().set_context(date=dt.date(year, 1, 1)):
                values['number'] = (
                    Configuration(1).procurement_sequence.get())
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
    def rescore(cls, procurements):
        """Score again the bids of the lots still open: the panel changed a
        technical score, or an upheld challenge re-opened the evaluation"""
        Lot = Pool().get('care.procurement.lot')
        Lot.score([l for p in procurements for l in p.lots
                if l.state == 'open'])

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
        readonly=True,
        help="The best-ranked valid bid without a withdrawal.")
    valid_bids = fields.Function(fields.Integer("Valid Bids"),
        'get_valid_bids')
    minimum_bids = fields.Function(fields.Integer("Minimum Valid Bids",
            help="The valid bids the procurement method needs."),
        'on_change_with_minimum_bids')
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
                'redecide': {
                    'invisible': Eval('state') != 'awarded',
                    'depends': ['state'],
                    },
                })
        # The button returns the contracts to Python callers; a client
        # expects an action or nothing
        cls.__rpc__['create_contract'] = RPC(
            readonly=False, instantiate=0, result=lambda contracts: None)

    @staticmethod
    def default_state():
        return 'open'

    @classmethod
    def copy(cls, lots, default=None):
        # The bids were made to the procurement copied, not to the copy
        default = default.copy() if default is not None else {}
        for name in ['bids', 'awarded_bid', 'failure_reason', 'contracts']:
            default.setdefault(name, None)
        default.setdefault('state', 'open')
        return super().copy(lots, default=default)

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

    def get_valid_bids(self, name):
        # Before the evaluation no bid is valid yet
        return len([b for b in self.bids if b.valid])

    @fields.depends('procurement', '_parent_procurement.method')
    def on_change_with_minimum_bids(self, name=None):
        if self.procurement and self.procurement.method:
            return self.procurement.get_minimum_bids()

    @classmethod
    def validate_fields(cls, lots, field_names):
        super().validate_fields(lots, field_names)
        if field_names & {'budget', 'procurement'}:
            for procurement in {l.procurement for l in lots}:
                procurement.check_lots_budget()
        if 'awarded_bid' in field_names:
            for lot in lots:
                lot.check_awarded_bid()

    def ranked_bids(self):
        "The valid bids in rank order"
        return sorted((b for b in self.bids if b.valid and b.rank),
            key=lambda b: b.rank)

    def award_candidate(self):
        """The bid the lot is awarded to: the best-ranked valid bid without
        a withdrawal (87号令 第六十八条, 实施条例 第四十九条)"""
        for bid in self.ranked_bids():
            if not bid.withdrawal:
                return bid

    def check_awarded_bid(self):
        "Refuse to award another bid than the candidate"
        if self.awarded_bid and self.awarded_bid != self.award_candidate():
            candidate = self.award_candidate()
            raise ValidationError(gettext(
                    'care_procurement.msg_award_not_candidate',
                    lot=self.rec_name, bid=self.awarded_bid.rec_name,
                    candidate=candidate.rec_name if candidate else ''))

    def check_bids_open(self):
        "Refuse changes to bids once the procurement is being evaluated"
        if self.procurement.state not in {'draft', 'published'}:
            raise AccessError(gettext(
                    'care_procurement.msg_bids_closed',
                    lot=self.rec_name))

    @classmethod
    def score(cls, lots):
        """Check the bids of the lots, score the valid ones (综合评分法) or
        take their prices (lowest-price methods) and rank them"""
        Bid = Pool().get('care.procurement.bid')
        to_save = []
        for lot in lots:
            bids = list(lot.bids)
            for bid in bids:
                bid.total, bid.invalid_reason = bid.evaluate()
                bid.valid = not bid.invalid_reason
                bid.evaluated_price = (
                    bid.get_evaluated_price() if bid.valid else None)
                bid.price_score = bid.total_score = None
                bid.rank = bid.draw = bid.draw_note = None
            valid = [b for b in bids if b.valid]
            if lot.procurement.decides_by_lowest_price():
                ranked = cls.rank_by_lowest_price(valid)
            else:
                cls.score_bids(lot, valid)
                ranked = cls.rank_by_score(valid)
            for rank, bid in enumerate(ranked, start=1):
                bid.rank = rank
            to_save.extend(bids)
        Bid.save(to_save)

    @classmethod
    def score_bids(cls, lot, bids):
        """Price score = lowest evaluated price / the bid's × price weight;
        total score = price score + technical score"""
        weight = lot.procurement.price_weight
        lowest = min((b.evaluated_price for b in bids), default=None)
        for bid in bids:
            if bid.evaluated_price:
                bid.price_score = (
                    lowest / bid.evaluated_price * weight).quantize(
                    Decimal('0.01'))
            else:
                # A zero price is the lowest one
                bid.price_score = weight
            bid.total_score = bid.price_score + (bid.technical_score or 0)

    @classmethod
    def rank_by_score(cls, bids):
        """Total score, then the lower price, then the higher technical
        score (87号令 第五十五条); still equal: drawn by lot"""
        return cls.draw_ties(bids, lambda b: (
                -b.total_score, b.total, -(b.technical_score or 0)))

    @classmethod
    def rank_by_lowest_price(cls, bids):
        """The lowest evaluated price first (财政部令第74号 第三十五条,
        第四十八条); equal prices: drawn by lot"""
        return cls.draw_ties(bids, lambda b: b.evaluated_price)

    @classmethod
    def draw_ties(cls, bids, key):
        """Sort the bids by key; bids of an equal key are ordered by lot,
        the draw recorded on each (never by record id)"""
        # Unpredictable, as a draw must be
        rng = random.SystemRandom()
        groups = {}
        for bid in bids:
            groups.setdefault(key(bid), []).append(bid)
        ranked = []
        for value in sorted(groups):
            group = groups[value]
            if len(group) > 1:
                rng.shuffle(group)
                names = ', '.join(b.contractor.rec_name for b in group)
                for draw, bid in enumerate(group, start=1):
                    bid.draw = draw
                    bid.draw_note = gettext(
                        'care_procurement.msg_bid_drawn_by_lot',
                        draw=draw, count=len(group), bids=names)
            ranked.extend(group)
        return ranked

    @classmethod
    def decide(cls, lots):
        """Award each lot to the best-ranked valid bid without a withdrawal;
        fail it when it has fewer valid bids than its method needs"""
        for lot in lots:
            procurement = lot.procurement
            valid = [b for b in lot.bids if b.valid]
            if len(valid) < procurement.get_minimum_bids():
                lot.state = 'failed'
                lot.failure_reason = procurement.too_few_bids_message(
                    len(valid))
                lot.awarded_bid = None
                continue
            candidate = lot.award_candidate()
            if not candidate:
                lot.state = 'failed'
                lot.failure_reason = gettext(
                    'care_procurement.msg_lot_no_candidate')
                lot.awarded_bid = None
                continue
            lot.awarded_bid = candidate
            lot.state = 'awarded'
        cls.save(lots)

    @classmethod
    @ModelView.button
    def redecide(cls, lots):
        """Award each lot whose awarded bid withdrew to the next-ranked bid
        (87号令 第六十八条): before any of its contracts runs; the withdrawn
        bidder's draft contracts go"""
        Contract = Pool().get('care.contract')
        to_decide, drafts = [], []
        for lot in lots:
            if lot.state != 'awarded':
                continue
            if not lot.awarded_bid or not lot.awarded_bid.withdrawal:
                raise ValidationError(gettext(
                        'care_procurement.msg_redecide_no_withdrawal',
                        lot=lot.rec_name))
            for contract in lot.contracts:
                if contract.state != 'draft':
                    raise ValidationError(gettext(
                            'care_procurement.msg_redecide_contract',
                            lot=lot.rec_name, contract=contract.rec_name))
                drafts.append(contract)
            to_decide.append(lot)
        Contract.delete(drafts)
        cls.decide(to_decide)

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
