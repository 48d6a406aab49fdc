# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What a special check is limited to: some contracts, some
towns."""
from trytond.model import ModelSQL, fields


class CheckPlanContract(ModelSQL):
    __name__ = 'care.check.plan-care.contract'
    __string__ = "Spot-Check Plan Contract"
    plan = fields.Many2One('care.check.plan', "Plan", required=True,
        ondelete='CASCADE')
    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='RESTRICT')


class CheckPlanTown(ModelSQL):
    __name__ = 'care.check.plan-town'
    __string__ = "Spot-Check Plan Town"
    plan = fields.Many2One('care.check.plan', "Plan", required=True,
        ondelete='CASCADE')
    town = fields.Many2One('social_assistance.division', "Town",
        required=True, ondelete='RESTRICT')
