# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta

from .search_guard import GuardedSearchMixin


class Party(GuardedSearchMixin, metaclass=PoolMeta):
    __name__ = 'party.party'

    assistance_persons = fields.One2Many(
        'social_assistance.person', 'party', "Assisted Persons",
        readonly=True,
        help="The extreme-poverty persons this party stands for.")
