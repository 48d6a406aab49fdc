# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.social_assistance.person import SELF_CARE_LEVELS


class PlanTemplate(ModelSQL, ModelView):
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
