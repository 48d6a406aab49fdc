# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'care.configuration'

    rectification_days = fields.Integer(
        "Rectification Working Days", required=True,
        domain=[('rectification_days', '>', 0)],
        help="Working days a contractor has to rectify a failed inspection, "
        "counted from the inspection by the holiday calendar.")

    @staticmethod
    def default_rectification_days():
        # Two weeks of working days
        return 10

    complaint_answer_days = fields.Integer(
        "Complaint Answer Working Days", required=True,
        domain=[('complaint_answer_days', '>', 0)],
        help="Working days to answer a complaint, counted from its receipt "
        "by the holiday calendar.")

    @staticmethod
    def default_complaint_answer_days():
        return 15
