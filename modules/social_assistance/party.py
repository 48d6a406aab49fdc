# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.party.exceptions import EraseError
from trytond.pool import Pool, PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    assistance_persons = fields.One2Many(
        'social_assistance.person', 'party', "Assisted Persons",
        readonly=True,
        help="The extreme-poverty persons this party stands for.")


class Replace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('social_assistance.person', 'party'),
            ]


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def check_erase(self, party):
        pool = Pool()
        Person = pool.get('social_assistance.person')
        super().check_erase(party)

        # The registry is not per company: a person still supported
        # (active or suspended) keeps the party their documents name
        persons = Person.search([
                ('party', '=', party.id),
                ('state', '!=', 'terminated'),
                ], limit=1)
        if persons:
            person, = persons
            raise EraseError(gettext(
                    'social_assistance.msg_erase_party_person',
                    party=party.rec_name, person=person.rec_name))
