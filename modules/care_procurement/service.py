# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields

UNITS = [
    ('visit', "Visit"),
    ('hour', "Hour"),
    ('day', "Day"),
    ('month', "Month"),
    ]


class Service(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'care.service'

    code = fields.Char("Code", required=True,
        help="The catalogue code, e.g. HC-MEAL.")
    name = fields.Char("Name", required=True)
    unit = fields.Selection(UNITS, "Unit", required=True,
        help="What a quantity of the service counts.")
    min_minutes = fields.Integer("Minimum Minutes", required=True,
        domain=[('min_minutes', '>=', 0)],
        help="A visit shorter than this is not accepted.")
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'care_procurement.msg_service_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_min_minutes():
        return 0

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]
