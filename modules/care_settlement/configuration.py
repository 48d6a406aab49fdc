# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.modules.care_procurement.procurement import MONEY
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'care.configuration'

    second_approval_amount = fields.Numeric("Second Approval Above",
        digits=MONEY,
        help="A settlement whose net exceeds this needs the approval of a "
        "second, different user; empty for never.")
