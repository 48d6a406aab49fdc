# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.modules.party.exceptions import EraseError
from trytond.pool import Pool, PoolMeta


class Replace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('care.visit', 'contractor'),
            ]


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def check_erase_company(self, party, company):
        pool = Pool()
        Rectification = pool.get('care.rectification')
        super().check_erase_company(party, company)

        rectifications = Rectification.search([
                ('contract.contractor', '=', party.id),
                ('contract.company', '=', company.id),
                ('state', '!=', 'closed'),
                ])
        if rectifications:
            raise EraseError(gettext(
                    'care_visit.msg_erase_party_pending_rectification',
                    party=party.rec_name, company=company.rec_name))
