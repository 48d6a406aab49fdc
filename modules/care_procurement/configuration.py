# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
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

    @classmethod
    def default_procurement_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('care_procurement', 'sequence_procurement')

    @classmethod
    def default_contract_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('care_procurement', 'sequence_contract')

    @staticmethod
    def default_award_publicity_days():
        return 3

    @staticmethod
    def default_price_weight():
        return Decimal(30)

