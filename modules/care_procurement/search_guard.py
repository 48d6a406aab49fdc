# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Searches through bids and lot contracts are procurement's.

ProcurementSearchMixin is registered as a mixin of every ModelStorage
(tryton.cfg [register_mixin]): every model a contractor, a supervisor or a
finance clerk can search is guarded, new ones included."""
from trytond.modules.social_assistance.search_guard import (
    GuardedSearchMixin, path_targets)
from trytond.pool import Pool

# Relations from public records (lots) to bids and contracts: searching
# through them would reveal prices before the award and other contractors'
# persons
PROTECTED_RELATIONS = {'bids', 'awarded_bid', 'contracts'}
# Models a path may not step into (whatever the field is called): their
# prices are secret until the award
PROTECTED_MODELS = {'care.procurement.bid', 'care.procurement.bid.line'}


class ProcurementSearchMixin(GuardedSearchMixin):
    "Only the procurement group searches through bids and lot contracts"
    __slots__ = ()

    @classmethod
    def _search_forbidden(cls, path):
        User = Pool().get('res.user')
        if super()._search_forbidden(path):
            return True
        protected = bool(PROTECTED_RELATIONS.intersection(path.split('.'))
            or PROTECTED_MODELS.intersection(path_targets(cls, path)))
        return protected and not User.in_procurement_group()
