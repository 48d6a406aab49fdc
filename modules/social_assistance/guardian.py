# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If

from .person import MaskedIdNumberMixin
from .text_check import TextCheckMixin

RELATIONS = [
    (None, ""),
    ('spouse', "Spouse"),
    ('child', "Child"),
    ('parent', "Parent"),
    ('sibling', "Sibling"),
    ('grandchild', "Grandchild"),
    ('relative', "Other Relative"),
    ('village_committee', "Village Committee"),
    ('civil_affairs', "Civil Affairs Department"),
    ('other', "Other"),
    ]


class Guardian(TextCheckMixin, MaskedIdNumberMixin, ModelSQL, ModelView):
    __name__ = 'social_assistance.guardian'
    __string__ = "Guardian or Carer"
    _history = True

    person = fields.Many2One(
        'social_assistance.person', "Person", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True, size=100)
    id_number = fields.Char("Identity Number", size=18, strip=True)
    relation = fields.Selection(RELATIONS, "Relation")
    phone = fields.Char("Phone", size=50)
    legal_basis = fields.Char(
        "Legal Basis",
        help="For example: statutory guardian; or appointed by the village "
        "committee.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date(
        "End Date",
        domain=[If(Eval('end_date'),
                ('end_date', '>=', Eval('start_date', None)), ())])
    current = fields.Function(fields.Boolean("Current"), 'get_current')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.person, Index.Range())))
        cls._order.insert(0, ('start_date', 'DESC'))

    @staticmethod
    def default_start_date():
        return Pool().get('ir.date').today()

    def get_current(self, name):
        today = Pool().get('ir.date').today()
        return self.start_date <= today and (
            not self.end_date or today <= self.end_date)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('id_number'):
            values['id_number'] = values['id_number'].replace(' ', '').upper()
        return values

    @classmethod
    def validate_fields(cls, guardians, field_names):
        Person = Pool().get('social_assistance.person')
        super().validate_fields(guardians, field_names)
        if 'id_number' in field_names:
            for guardian in guardians:
                if guardian.id_number:
                    Person.check_id_number(guardian.id_number,
                        cls.__names__('id_number')['field'], guardian.name)
