# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Bool, Eval

# The party identifier type of the Unified Social Credit Code in Tryton 8.0
# (validated with GB 32100's check character, see party.PartyIdentifier)
USCC = 'cn_vat'
# Who may bid and contract: a party with a credit code or an individual with
# an identity number (DESIGN.md "Data model")
CONTRACTOR_DOMAIN = [('care_contractor_identified', '=', True)]

# The fields Lot.score writes
SCORING_FIELDS = {'total', 'valid', 'invalid_reason', 'evaluated_price',
    'price_score', 'total_score', 'rank', 'draw', 'draw_note'}
# The fields of a withdrawal, recorded once the bids are evaluated
WITHDRAWAL_FIELDS = {'withdrawal', 'withdrawal_date', 'withdrawal_document'}
WITHDRAWALS = [
    (None, ""),
    ('declined', "Declined"),
    ('cannot_perform', "Cannot Perform"),
    ('disqualified', "Disqualified"),
    ]


class Bid(ModelSQL, ModelView):
    __name__ = 'care.procurement.bid'
    _history = True

    _open = {'readonly': Eval('lot_state') != 'open'}

    lot = fields.Many2One('care.procurement.lot', "Lot", required=True,
        ondelete='CASCADE', states=_open)
    lot_state = fields.Function(fields.Selection([
                ('open', "Open"),
                ('awarded', "Awarded"),
                ('failed', "Failed"),
                ], "Lot State"), 'on_change_with_lot_state')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    contractor = fields.Many2One('party.party', "Contractor", required=True,
        ondelete='RESTRICT', states=_open, domain=CONTRACTOR_DOMAIN,
        help="A party with a Unified Social Credit Code, or an individual "
        "with an identity number.")
    sme = fields.Boolean("Small or Micro Enterprise", states=_open,
        help="With the declaration of a small or micro enterprise "
        "(SME declaration): its total is reduced by the procurement's SME "
        "deduction for the evaluation.")
    lines = fields.One2Many('care.procurement.bid.line', 'bid', "Prices",
        states=_open)
    technical_score = fields.Numeric("Technical Score", digits=(5, 2),
        domain=['OR', ('technical_score', '=', None),
            ('technical_score', '>=', 0)],
        states=_open,
        help="Entered by the evaluation panel: at most 100 minus the price "
        "weight.")
    price_weight = fields.Function(fields.Numeric("Price Weight"),
        'on_change_with_price_weight')
    total = Monetary("Total Price", currency='currency', digits='currency',
        readonly=True, help="The prices over the lot's estimated quantities.")
    evaluated_price = Monetary("Evaluated Price", currency='currency',
        digits='currency', readonly=True,
        help="The total the bid is evaluated at: reduced by the SME "
        "deduction for a small or micro enterprise; the contract keeps the "
        "real total.")
    valid = fields.Boolean("Valid", readonly=True)
    invalid_reason = fields.Text("Invalid Reason", readonly=True,
        states={'invisible': Eval('valid', True)})
    price_score = fields.Numeric("Price Score", digits=(5, 2),
        readonly=True)
    total_score = fields.Numeric("Total Score", digits=(5, 2),
        readonly=True)
    rank = fields.Integer("Rank", readonly=True)
    draw = fields.Integer("Draw", readonly=True,
        help="The place drawn by lot among bids ranked equal.")
    draw_note = fields.Text("Draw Note", readonly=True,
        states={'invisible': ~Eval('draw')})
    procurement_state = fields.Function(fields.Selection(
            'get_procurement_states', "Procurement State"),
        'on_change_with_procurement_state')
    withdrawal = fields.Selection(WITHDRAWALS, "Withdrawal",
        states={
            'readonly': ~Eval('procurement_state').in_(
                ['evaluating', 'awarded']),
            },
        help="Recorded when the bidder declines, cannot perform or is "
        "disqualified: the lot passes to the next-ranked bid.")
    withdrawal_date = fields.Date("Withdrawal Date",
        states={
            'readonly': ~Eval('procurement_state').in_(
                ['evaluating', 'awarded']),
            'required': Bool(Eval('withdrawal')),
            'invisible': ~Eval('withdrawal'),
            })
    withdrawal_document = fields.Char("Withdrawal Document",
        states={
            'readonly': ~Eval('procurement_state').in_(
                ['evaluating', 'awarded']),
            'required': Bool(Eval('withdrawal')),
            'invisible': ~Eval('withdrawal'),
            },
        help="The reference of the written statement or decision.")

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('lot_contractor_unique', Unique(t, t.lot, t.contractor),
                'care_procurement.msg_bid_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.lot, Index.Range())))
        cls._order = [('lot', 'DESC'), ('rank', 'ASC NULLS LAST'),
            ('id', 'ASC')]

    @staticmethod
    def default_valid():
        return False

    @staticmethod
    def default_sme():
        return False

    @classmethod
    def get_procurement_states(cls):
        Procurement = Pool().get('care.procurement')
        return Procurement.fields_get(['state'])['state']['selection']

    @fields.depends('lot', '_parent_lot.procurement')
    def on_change_with_procurement_state(self, name=None):
        if self.lot and self.lot.procurement:
            return self.lot.procurement.state

    @fields.depends('lot', '_parent_lot.state')
    def on_change_with_lot_state(self, name=None):
        if self.lot:
            return self.lot.state

    @fields.depends('lot', '_parent_lot.currency')
    def on_change_with_currency(self, name=None):
        return self.lot.currency if self.lot else None

    @fields.depends('lot', '_parent_lot.procurement')
    def on_change_with_price_weight(self, name=None):
        if self.lot and self.lot.procurement:
            return self.lot.procurement.price_weight

    def get_rec_name(self, name):
        return f'{self.lot.rec_name} / {self.contractor.rec_name}'

    @classmethod
    def validate_fields(cls, bids, field_names):
        super().validate_fields(bids, field_names)
        if 'technical_score' in field_names:
            for bid in bids:
                limit = 100 - bid.lot.procurement.price_weight
                if (bid.technical_score or 0) > limit:
                    raise ValidationError(gettext(
                            'care_procurement.msg_technical_score_range',
                            bid=bid.rec_name, limit=limit))
        if 'contractor' in field_names:
            for bid in bids:
                if not bid.contractor.care_contractor_code():
                    raise ValidationError(gettext(
                            'care_procurement.msg_contractor_no_uscc',
                            contractor=bid.contractor.rec_name))
        if field_names & WITHDRAWAL_FIELDS:
            for bid in bids:
                if bid.withdrawal and not (bid.withdrawal_date
                        and (bid.withdrawal_document or '').strip()):
                    raise ValidationError(gettext(
                            'care_procurement.msg_withdrawal_document',
                            bid=bid.rec_name))

    @classmethod
    def check_modification(cls, mode, bids, values=None, external=False):
        super().check_modification(
            mode, bids, values=values, external=external)
        # Once evaluating, only the scoring and withdrawals change a bid
        if mode == 'write' and set(values) <= SCORING_FIELDS:
            return
        if mode == 'write' and set(values) <= (
                SCORING_FIELDS | WITHDRAWAL_FIELDS):
            for bid in bids:
                bid.check_withdrawal(values)
            return
        # The panel scores while evaluating, and again on the lots an upheld
        # challenge re-opened; the prices stay as they were bid
        if (mode == 'write' and set(values) <= {'technical_score'}
                and all(b.lot.state == 'open'
                    and b.lot.procurement.state == 'evaluating'
                    for b in bids)):
            return
        for bid in bids:
            bid.lot.check_bids_open()

    def check_withdrawal(self, values):
        """A withdrawal is recorded once the bids are evaluated, until the
        procurement is over; a decided lot's withdrawal stays"""
        if self.lot.procurement.state not in {'evaluating', 'awarded'}:
            raise AccessError(gettext(
                    'care_procurement.msg_withdrawal_state',
                    bid=self.rec_name))
        if (self.withdrawal and 'withdrawal' in values
                and values['withdrawal'] != self.withdrawal
                and self.lot.state != 'open'):
            raise AccessError(gettext(
                    'care_procurement.msg_withdrawal_locked',
                    bid=self.rec_name))

    def evaluate(self):
        """Return (total over the estimated quantities, the reasons that make
        the bid invalid or None)"""
        procurement = self.lot.procurement
        prices = {l.service.id: l.unit_price for l in self.lines}
        reasons, total = [], Decimal(0)
        for lot_service in self.lot.services:
            service = lot_service.service
            price = prices.get(service.id)
            if price is None:
                reasons.append(gettext(
                        'care_procurement.msg_bid_missing_service',
                        service=service.rec_name))
                continue
            if price > lot_service.ceiling_price:
                reasons.append(gettext(
                        'care_procurement.msg_bid_above_ceiling',
                        service=service.rec_name, price=price,
                        ceiling=lot_service.ceiling_price))
            total += price * lot_service.estimated_quantity
        total = total.quantize(Decimal('0.01'))
        # 87号令 第六十三条: above the budget or the maximum price
        if total > self.lot.budget:
            reasons.append(gettext(
                    'care_procurement.msg_bid_above_lot_budget',
                    total=total, budget=self.lot.budget))
        # The lowest-price methods do not score the technical offer
        if (self.technical_score is None
                and not procurement.decides_by_lowest_price()):
            reasons.append(gettext(
                    'care_procurement.msg_bid_no_technical_score'))
        return total, '\n'.join(reasons) or None

    def get_evaluated_price(self):
        """The total the bid is evaluated at: an SME's total reduced by the
        procurement's deduction (政府采购促进中小企业发展管理办法 第九条)"""
        if self.total is None:
            return None
        rate = self.lot.procurement.sme_deduction_rate()
        if self.sme and rate:
            return (self.total * (1 - rate)).quantize(Decimal('0.01'))
        return self.total


class BidLine(ModelSQL, ModelView):
    __name__ = 'care.procurement.bid.line'

    bid = fields.Many2One('care.procurement.bid', "Bid", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('care.service', "Service", required=True,
        ondelete='RESTRICT')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    unit_price = Monetary("Unit Price", currency='currency',
        digits='currency', required=True, domain=[('unit_price', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('bid_service_unique', Unique(t, t.bid, t.service),
                'care_procurement.msg_bid_line_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.bid, Index.Range())))
        cls.__access__.add('bid')

    @fields.depends('bid', '_parent_bid.currency')
    def on_change_with_currency(self, name=None):
        return self.bid.currency if self.bid else None

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        for line in lines:
            line.bid.lot.check_bids_open()
