# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import json
import os
from functools import cache

from sql import Null
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .person import MaskedIdNumberMixin
from .text_check import TextCheckMixin

ROLES = [
    ('guardian', "Guardian"),
    ('carer', "Entrusted Carer"),
    ('contact', "Emergency Contact"),
    ]
# In the order of the Civil Code (arts. 27-28, 32, 1045)
RELATIONS = [
    (None, ""),
    ('parent', "Parent"),
    ('spouse', "Spouse"),
    ('child', "Child"),
    ('grandparent', "Grandparent"),
    ('sibling', "Sibling"),
    ('grandchild', "Grandchild"),
    ('relative', "Other Relative"),
    ('individual', "Other Individual"),
    ('village_committee', "Village or Residents' Committee"),
    ('civil_affairs', "Civil Affairs Department"),
    ('institution', "Institution"),
    ('other', "Other"),
    ]
# Outside the statutory order of close relatives: a guardian of these needs
# the consent of the village (residents') committee or the civil affairs
# department (Civil Code arts. 27, 28)
CONSENT_RELATIONS = {'relative', 'individual', 'institution'}
LEGAL_BASES = [
    (None, ""),
    ('statutory', "Statutory (arts. 27, 28)"),
    ('will', "By Will (art. 29)"),
    ('agreement', "By Agreement (art. 30)"),
    ('appointed', "Appointed (art. 31)"),
    ('temporary', "Temporary (art. 31)"),
    ('public', "Civil Affairs or Committee (art. 32)"),
    ('voluntary', "Voluntary (art. 33)"),
    ]
PUBLIC_RELATIONS = {'village_committee', 'civil_affairs'}


@cache
def kinship_words():
    """{word: relation category} of the words rosters write (kinship.json,
    data: no Chinese literal in Python)"""
    path = os.path.join(os.path.dirname(__file__), 'kinship.json')
    with open(path, encoding='utf-8') as file:
        data = json.load(file)
    return {word: category for category, words in data.items()
        if not category.startswith('_') for word in words}


def relation_category(words):
    "The relation category of the words as written, None when unknown"
    # Exact words only: a guess from a part ("mother's friend" starts with
    # "mother") would be wrong where a warning lets the officer look
    return kinship_words().get((words or '').strip().replace(' ', ''))


class Guardian(TextCheckMixin, MaskedIdNumberMixin, ModelSQL, ModelView):
    __name__ = 'social_assistance.guardian'
    __string__ = "Guardian or Carer"
    _history = True

    person = fields.Many2One(
        'social_assistance.person', "Person", required=True,
        ondelete='CASCADE')
    role = fields.Selection(
        ROLES, "Role", required=True,
        help="The guardian (Civil Code), the carer the town entrusts with "
        "the daily care, or a contact in an emergency.")
    name = fields.Char("Name", required=True, size=100)
    id_number = fields.Char("Identity Number", size=18, strip=True)
    relation = fields.Selection(
        RELATIONS, "Relation Category",
        help="The category of the relation in the order of the Civil Code.")
    relation_string = relation.translated('relation')
    relation_text = fields.Char(
        "Relation as Written", size=50,
        help="The relation as people write it, e.g. maternal grandmother.")
    phone = fields.Char("Phone", size=50)
    legal_basis = fields.Selection(
        LEGAL_BASES, "Legal Basis",
        states={'invisible': Eval('role') != 'guardian'})
    document = fields.Binary(
        "Consent or Appointment", filename='document_name',
        states={'invisible': Eval('role') != 'guardian'},
        help="The consent of the village (residents') committee or of the "
        "civil affairs department, or the appointment.")
    document_name = fields.Char(
        "Document Name", size=200,
        states={'invisible': Eval('role') != 'guardian'})
    note = fields.Char("Note", size=200)
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

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        # Before issue 14 one model mixed guardians, carers and contacts,
        # with a free-text legal basis: the rows are kept as guardians (the
        # role's default fills the new column) and the text moves to note
        migrate_basis = (table_h.table_exist(cls._table)
            and table_h.column_exist('legal_basis')
            and not table_h.column_exist('note'))
        super().__register__(module)
        if migrate_basis:
            cls._migrate_legal_basis()

    @classmethod
    def _migrate_legal_basis(cls):
        "The free-text legal basis of old rows becomes a basis code"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        codes = [c for c, _ in LEGAL_BASES if c]
        # The old relation codes are all categories of the new list (the
        # list grew grandparent, individual and institution): they stay
        cursor.execute(*table.update(
                [table.note], [table.legal_basis],
                where=(table.legal_basis != Null)
                & ~table.legal_basis.in_(codes)))
        cursor.execute(*table.update(
                [table.legal_basis],
                [Case((table.relation.in_(list(PUBLIC_RELATIONS)),
                            'public'),
                        else_='statutory')],
                where=(table.legal_basis == Null)
                | ~table.legal_basis.in_(codes)))

    @staticmethod
    def default_role():
        return 'guardian'

    @staticmethod
    def default_start_date():
        return Pool().get('ir.date').today()

    @fields.depends(
        'relation_text', 'relation', methods=['on_change_relation'])
    def on_change_relation_text(self):
        category = relation_category(self.relation_text)
        if category:
            self.relation = category
            self.on_change_relation()

    @fields.depends('relation', 'role', 'legal_basis')
    def on_change_relation(self):
        if self.role == 'guardian' and not self.legal_basis:
            self.legal_basis = self.basis_of(self.relation)

    @classmethod
    def basis_of(cls, relation):
        "The legal basis a guardian of the relation category has by default"
        if relation in PUBLIC_RELATIONS:
            return 'public'
        if relation and relation not in {'other', 'institution'}:
            return 'statutory'
        return None

    def get_current(self, name):
        today = Pool().get('ir.date').today()
        return self.is_current_on(today)

    def is_current_on(self, date):
        return self.start_date <= date and (
            not self.end_date or date <= self.end_date)

    @property
    def needs_document(self):
        "Whether the guardian needs the consent or appointment document"
        return (self.role == 'guardian'
            and self.relation in CONSENT_RELATIONS)

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
        cls.check_document(guardians, field_names)

    @classmethod
    def check_document(cls, guardians, field_names=None):
        """A current guardian outside the statutory order of close relatives
        needs the consent (Civil Code arts. 27, 28)"""
        if field_names is not None and not (field_names & {
                    'role', 'relation', 'document', 'end_date'}):
            return
        today = Pool().get('ir.date').today()
        for guardian in guardians:
            if (guardian.needs_document
                    and (not guardian.end_date or guardian.end_date >= today)
                    and not guardian.document):
                raise ValidationError(gettext(
                        'social_assistance.msg_guardian_document_required',
                        guardian=guardian.name,
                        person=guardian.person.rec_name,
                        relation=(guardian.relation_text
                            or guardian.relation_string)))
