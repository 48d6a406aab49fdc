# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.social_assistance.search_guard import GuardedSearchMixin
from trytond.pool import Pool

# Relations from public records (lots) to bids and contracts: searching
# through them would reveal prices before the award and other contractors'
# persons
PROTECTED_RELATIONS = {'bids', 'awarded_bid', 'contracts'}


def in_procurement_group():
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    return ModelData.get_id(
        'care_procurement', 'group_procurement') in User.get_groups()


class ProcurementSearchMixin(GuardedSearchMixin):
    "Only the procurement group searches through bids and lot contracts"
    __slots__ = ()

    @classmethod
    def _search_forbidden(cls, path):
        return super()._search_forbidden(path) or bool(
            PROTECTED_RELATIONS.intersection(path.split('.'))
            and not in_procurement_group())
