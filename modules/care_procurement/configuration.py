# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Id

from .method import (
    CONSULTATION_PRICE_WEIGHT_MAXIMUM, SERVICE_PRICE_WEIGHT_MINIMUM)


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
    price_weight = fields.Numeric(
        "Price Weight", digits=(5, 2), required=True,
        domain=[('price_weight', '>=', 0), ('price_weight', '<=', 100)],
        help="The default weight of the price in the total score: "
        "10 to 30 for services.")

    @classmethod
    def default_procurement_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('care_procurement', 'sequence_procurement')

    @classmethod
    def default_contract_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('care_procurement', 'sequence_contract')

    @staticmethod
    def default_price_weight():
        return Decimal(30)

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if 'price_weight' in field_names:
            for configuration in configurations:
                configuration.check_price_weight()

    def check_price_weight(self):
        """The default must suit every method a service is bought by: at
        least 10 (87号令 第五十五条), at most 30 for 磋商"""
        if self.price_weight is not None and not (
                SERVICE_PRICE_WEIGHT_MINIMUM <= self.price_weight
                <= CONSULTATION_PRICE_WEIGHT_MAXIMUM):
            raise ValidationError(gettext(
                    'care_procurement.msg_configuration_price_weight',
                    weight=self.price_weight))

