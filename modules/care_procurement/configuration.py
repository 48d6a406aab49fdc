# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.social_assistance.person import SELF_CARE_LEVELS
from trytond.pool import Pool
from trytond.pyson import Id


def default_sequence(xml_id):
    def default(cls, **pattern):
        return Pool().get('ir.model.data').get_id('care_procurement', xml_id)
    return classmethod(default)


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Care Procurement Configuration"
    __name__ = 'care.configuration'

    procurement_sequence = fields.Many2One(
        'ir.sequence', "Procurement Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('care_procurement', 'sequence_type_procurement'))])
    contract_sequence = fields.Many2One(
        'ir.sequence', "Contract Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('care_procurement', 'sequence_type_contract'))])
    award_publicity_days = fields.Integer(
        "Award Publicity (Working Days)", required=True,
        domain=[('award_publicity_days', '>=', 0)],
        help="How long an award is published before the contract is signed.")
    price_weight = fields.Numeric(
        "Price Weight", digits=(5, 2), required=True,
        domain=[('price_weight', '>=', 0), ('price_weight', '<=', 100)],
        help="The default weight of the price in the total score.")

    default_procurement_sequence = default_sequence('sequence_procurement')
    default_contract_sequence = default_sequence('sequence_contract')

    @staticmethod
    def default_award_publicity_days():
        return 3

    @staticmethod
    def default_price_weight():
        from decimal import Decimal
        return Decimal(30)


class PlanTemplate(ModelSQL, ModelView):
    "Care Plan Template"
    __name__ = 'care.plan.template'

    self_care = fields.Selection(
        [l for l in SELF_CARE_LEVELS if l[0]], "Self-Care Ability",
        required=True)
    service = fields.Many2One('care.service', "Service", required=True,
        ondelete='CASCADE')
    quantity = fields.Numeric(
        "Monthly Quantity", digits=(16, 1), required=True,
        domain=[('quantity', '>', 0)],
        help="In the service's unit, per person and month.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('self_care', 'ASC'), ('service', 'ASC'), ('id', 'ASC')]

    @classmethod
    def quantities(cls):
        "Return {self-care level: {service id: quantity}}"
        result = {}
        for template in cls.search([]):
            result.setdefault(template.self_care, {})[
                template.service.id] = template.quantity
        return result
