# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.modules.party.exceptions import EraseError
from trytond.pool import Pool, PoolMeta

from .bid import USCC


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    def care_contractor_code(self):
        "The party's Unified Social Credit Code (统一社会信用代码), or None"
        for identifier in self.identifiers:
            if identifier.type == USCC:
                return identifier.code


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
