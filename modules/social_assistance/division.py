# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields, tree)
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval, If

LEVELS = [
    ('county', "County"),
    ('town', "Town"),
    ('village', "Village"),
    ]
# The level a division's parent must have
PARENT_LEVEL = {'town': 'county', 'village': 'town'}


class Division(DeactivableMixin, tree(), ModelSQL, ModelView):
    __name__ = 'social_assistance.division'
    __string__ = "Administrative Division"

    code = fields.Char(
        "Code", size=12,
        help="The 12-digit statistical division code.")
    name = fields.Char("Name", required=True)
    level = fields.Selection(LEVELS, "Level", required=True)
    parent = fields.Many2One(
        'social_assistance.division', "Parent", ondelete='RESTRICT',
        domain=[
            If(Eval('level') == 'town', ('level', '=', 'county'), ()),
            If(Eval('level') == 'village', ('level', '=', 'town'), ()),
            ],
        states={
            'required': Eval('level') != 'county',
            'invisible': Eval('level') == 'county',
            })
    children = fields.One2Many(
        'social_assistance.division', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'social_assistance.msg_division_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.parent, Index.Range()), (t.name, Index.Equality())),
                Index(t, (t.code, Index.Equality()),
                    where=t.code != Null),
                })
        cls._order.insert(0, ('code', 'ASC NULLS LAST'))
        cls._order.insert(1, ('name', 'ASC'))

    @classmethod
    def default_level(cls):
        return 'village'

    def get_rec_name(self, name):
        if self.parent and self.level == 'village':
            return f'{self.parent.name} / {self.name}'
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, divisions, field_names):
        super().validate_fields(divisions, field_names)
        if field_names & {'code', 'level', 'parent'}:
            for division in divisions:
                division.check_code()
                division.check_parent_level()

    def check_code(self):
        if self.code and not (self.code.isdigit() and len(self.code) == 12):
            raise ValidationError(gettext(
                    'social_assistance.msg_division_code_format',
                    division=self.rec_name, code=self.code))

    def check_parent_level(self):
        expected = PARENT_LEVEL.get(self.level)
        if self.parent and self.parent.level != expected:
            raise ValidationError(gettext(
                    'social_assistance.msg_division_parent_level',
                    division=self.rec_name, parent=self.parent.rec_name))

    def town(self):
        "Return the town of the division (itself for a town)"
        if self.level == 'village':
            return self.parent
        return self if self.level == 'town' else None
