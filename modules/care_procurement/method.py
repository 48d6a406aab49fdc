# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The rules of each procurement method (DESIGN.md "Procurement rules"):
how many valid bids a lot needs, how it is decided, the price weight and the
reservation for small and micro enterprises.  Classmethods and methods of
care.procurement, so that a module can change a rule through the pool."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import PoolMeta
from trytond.pyson import Eval

# Valid bids a lot needs, else it fails (废标 / 终止)
MINIMUM_BIDS = {
    # 政府采购法 第三十六条
    'open_tender': 3,
    'invited_tender': 3,
    # 财库〔2014〕214号; 2 for a purchase of services (财库〔2015〕124号)
    'competitive_consultation': 3,
    # 财政部令第74号 第三十七条
    'competitive_negotiation': 3,
    'inquiry': 3,
    # 政府采购法 第三十一条: the one supplier
    'single_source': 1,
    # 财政部令第110号: per lot at the first stage
    'framework': 2,
    }
# The message of a lot with too few valid bids, per method
TOO_FEW_BIDS_MESSAGES = {
    'open_tender': 'care_procurement.msg_too_few_bids_open_tender',
    'invited_tender': 'care_procurement.msg_too_few_bids_invited_tender',
    'competitive_consultation': (
        'care_procurement.msg_too_few_bids_consultation'),
    'competitive_negotiation': (
        'care_procurement.msg_too_few_bids_negotiation'),
    'inquiry': 'care_procurement.msg_too_few_bids_inquiry',
    'single_source': 'care_procurement.msg_too_few_bids_single_source',
    'framework': 'care_procurement.msg_too_few_bids_framework',
    }
# Decided by the lowest price among responsive bids (财政部令第74号
# 第三十五条, 第四十八条); the others by the total score (综合评分法)
LOWEST_PRICE_METHODS = {'competitive_negotiation', 'inquiry'}
# 87号令 第五十五条: the price weighs at least 10 % for services
SERVICE_PRICE_WEIGHT_MINIMUM = Decimal(10)
# 财库〔2014〕214号 第二十四条: 10–30 % for the services of a consultation
CONSULTATION_PRICE_WEIGHT_MAXIMUM = Decimal(30)
# 政府采购促进中小企业发展管理办法 第九条 as of 财库〔2022〕19号: services
SME_DEDUCTION_RANGE = (Decimal(10), Decimal(20))


class Procurement(metaclass=PoolMeta):
    __name__ = 'care.procurement'

    # Required by check_method, whose refusal names the rule (a 'required'
    # state would refuse first with the generic message)
    single_source_reason = fields.Text("Single Source Reason",
        states={
            'invisible': Eval('method') != 'single_source',
            'readonly': Eval('state') != 'draft',
            },
        help="Why single source is allowed (Government Procurement Law, "
        "art. 31).")
    framework_decision = fields.Selection([
            (None, ""),
            ('score', "Comprehensive Scoring"),
            ('lowest_price', "Lowest Price"),
            ], "Framework Decision",
        states={
            'invisible': Eval('method') != 'framework',
            'readonly': Eval('state') != 'draft',
            },
        help="How the suppliers of a framework agreement are decided.")
    sme_deduction = fields.Numeric("SME Price Deduction", digits=(5, 2),
        states={'readonly': Eval('state') != 'draft'},
        help="The percentage by which the totals of small and micro "
        "enterprises are reduced for the evaluation (10 to 20 for "
        "services); empty when the procurement declares none.")
    minimum_bids = fields.Function(fields.Integer("Minimum Valid Bids",
            help="The valid bids a lot needs, else it fails."),
        'on_change_with_minimum_bids')

    @fields.depends('method')
    def on_change_with_minimum_bids(self, name=None):
        if self.method:
            return self.get_minimum_bids()

    def is_service_purchase(self):
        "Whether the procurement buys services (政府购买服务): care always does"
        return True

    def get_minimum_bids(self):
        "The valid bids each lot needs"
        if (self.method == 'competitive_consultation'
                and self.is_service_purchase()):
            # 财库〔2015〕124号: two are enough for a purchase of services
            return 2
        return MINIMUM_BIDS[self.method]

    def too_few_bids_message(self, count):
        "The reason a lot with count valid bids fails"
        return gettext(TOO_FEW_BIDS_MESSAGES[self.method],
            count=count, minimum=self.get_minimum_bids())

    def decides_by_lowest_price(self):
        "Whether the lots are decided by the lowest price, not by the score"
        return (self.method in LOWEST_PRICE_METHODS
            or (self.method == 'framework'
                and self.framework_decision == 'lowest_price'))

    def sme_deduction_rate(self):
        "The rate an SME's total is reduced by for the evaluation"
        return (self.sme_deduction or Decimal(0)) / 100

    @classmethod
    def validate_fields(cls, procurements, field_names):
        super().validate_fields(procurements, field_names)
        if field_names & {'method', 'price_weight', 'sme_deduction',
                'single_source_reason', 'framework_decision'}:
            for procurement in procurements:
                procurement.check_method()

    def check_method(self):
        "Refuse what the law does not allow to the procurement's method"
        if self.method == 'inquiry' and self.is_service_purchase():
            raise ValidationError(gettext(
                    'care_procurement.msg_inquiry_services',
                    procurement=self.rec_name))
        if (self.method == 'single_source'
                and not (self.single_source_reason or '').strip()):
            raise ValidationError(gettext(
                    'care_procurement.msg_single_source_reason',
                    procurement=self.rec_name))
        if self.method == 'framework' and not self.framework_decision:
            raise ValidationError(gettext(
                    'care_procurement.msg_framework_decision',
                    procurement=self.rec_name))
        if not self.decides_by_lowest_price():
            self.check_price_weight()
        if self.sme_deduction is not None and self.is_service_purchase():
            low, high = SME_DEDUCTION_RANGE
            if not (low <= self.sme_deduction <= high):
                raise ValidationError(gettext(
                        'care_procurement.msg_sme_deduction_range',
                        procurement=self.rec_name,
                        deduction=self.sme_deduction))

    def check_price_weight(self):
        "The price weight of a procurement decided by the score"
        weight = self.price_weight
        if weight is None or not self.is_service_purchase():
            return
        if self.method == 'competitive_consultation':
            if not (SERVICE_PRICE_WEIGHT_MINIMUM <= weight
                    <= CONSULTATION_PRICE_WEIGHT_MAXIMUM):
                raise ValidationError(gettext(
                        'care_procurement.msg_price_weight_consultation',
                        procurement=self.rec_name, weight=weight))
        elif weight < SERVICE_PRICE_WEIGHT_MINIMUM:
            raise ValidationError(gettext(
                    'care_procurement.msg_price_weight_services',
                    procurement=self.rec_name, weight=weight))

    @classmethod
    def publish(cls, procurements):
        # Rules may have changed since the procurement was saved
        for procurement in procurements:
            procurement.check_method()
        super().publish(procurements)
