# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import Null

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.party.exceptions import EraseError, InvalidIdentifierCode
from trytond.modules.social_assistance import identity
from trytond.modules.social_assistance.person import MaskedIdNumberMixin
from trytond.pool import Pool, PoolMeta

from . import uscc
from .bid import USCC


class Party(MaskedIdNumberMixin, metaclass=PoolMeta):
    __name__ = 'party.party'

    # An individual contractor (具备条件的个人, 财政部令第102号 第六条) is
    # identified by the identity number: not a party identifier of type
    # cn_ric, whose place check rejects valid numbers (DESIGN.md "Identity
    # numbers"); named id_number so that the search guard keeps it to the
    # registry and the mixin masks it for everyone else
    id_number = fields.Char("Identity Number", size=18, strip=True,
        help="For an individual contractor: the citizen identity number.")
    care_contractor_identified = fields.Function(fields.Boolean(
            "Identified Contractor",
            help="With a Unified Social Credit Code or, for an individual, "
            "an identity number: it may bid and contract."),
        'get_care_contractor_identified',
        searcher='search_care_contractor_identified')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('id_number'):
            values['id_number'] = identity.compact(values['id_number'])
        return values

    @classmethod
    def validate_fields(cls, parties, field_names):
        Person = Pool().get('social_assistance.person')
        super().validate_fields(parties, field_names)
        if 'id_number' in field_names:
            for party in parties:
                if party.id_number:
                    Person.check_id_number(party.id_number,
                        cls.__names__('id_number')['field'], party.rec_name)

    def care_contractor_code(self):
        """The party's Unified Social Credit Code (统一社会信用代码), else
        its identity number (an individual), or None"""
        for identifier in self.identifiers:
            if identifier.type == USCC:
                return identifier.code
        return self.id_number or None

    def get_care_contractor_identified(self, name):
        return bool(self.care_contractor_code())

    @classmethod
    def search_care_contractor_identified(cls, name, clause):
        pool = Pool()
        Identifier = pool.get('party.identifier')
        party = cls.__table__()
        identifier = Identifier.__table__()
        # In SQL: the identity number is searched by the registry only (the
        # search guard) but whether a party has one tells nothing of it
        query = (party.select(party.id, where=party.id_number != Null)
            | identifier.select(identifier.party,
                where=identifier.type == USCC))
        _, operator, value = clause
        positive = (operator == '=') == bool(value)
        return [('id', 'in' if positive else 'not in', query)]


class PartyIdentifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    # python-stdnum's cn.uscc (the cn_vat type) requires the first 8
    # characters to be digits and so rejects valid codes of registration
    # authorities written with a letter (N: village collectives, Y …); the
    # code is checked with GB 32100's check character instead
    @fields.depends('type', 'code')
    def on_change_with_code(self):
        if self.type == USCC and self.code and uscc.is_valid(self.code):
            return uscc.compact(self.code)
        return super().on_change_with_code()

    @fields.depends('type', 'party', 'code')
    def check_code(self):
        if self.type != USCC:
            return super().check_code()
        if not uscc.is_valid(self.code):
            if self.party and self.party.id > 0:
                party = self.party.rec_name
            else:
                party = ''
            raise InvalidIdentifierCode(
                gettext('party.msg_invalid_code',
                    type=self.type_string, code=self.code, party=party))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or {'type', 'code'} & field_names:
            code = values.get('code', getattr(self, 'code', None))
            if (getattr(self, 'type', None) == USCC and code
                    and uscc.is_valid(code)):
                code = uscc.compact(code)
                if getattr(self, 'code', None) != code:
                    values['code'] = code
                if getattr(self, 'code_compact', None) != code:
                    values['code_compact'] = code
        return values


class Replace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('care.procurement.bid', 'contractor'),
            ('care.contract', 'contractor'),
            ('res.user', 'care_contractor'),
            ]


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        Party = Pool().get('party.party')
        # An individual contractor's identity number is personal data
        return super().to_erase(party_id) + [
            (Party, [('id', '=', party_id)], True, ['id_number'], [None]),
            ]

    def check_erase_company(self, party, company):
        pool = Pool()
        Contract = pool.get('care.contract')
        super().check_erase_company(party, company)

        contracts = Contract.search([
                ('contractor', '=', party.id),
                ('company', '=', company.id),
                ('state', 'not in', ['closed', 'terminated']),
                ])
        if contracts:
            raise EraseError(gettext(
                    'care_procurement.msg_erase_party_pending_contract',
                    party=party.rec_name, company=company.rec_name))
