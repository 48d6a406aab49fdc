# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .bid import CONTRACTOR_DOMAIN


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    care_contractor = fields.Many2One('party.party', "Contractor",
        domain=CONTRACTOR_DOMAIN,
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The contractor whose records this user works on; "
        "such a user sees nothing of other contractors.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._context_fields.insert(0, 'care_contractor')

    @classmethod
    def set_preferences(cls, values):
        # set_preferences writes the context fields without access checks
        # (RPC check_access=False): a contractor's user would re-link itself
        # to another contractor and see all of its records.  Only an
        # administrator links a user to a contractor (write on res.user).
        values = {k: v for k, v in values.items() if k != 'care_contractor'}
        super().set_preferences(values)

    @classmethod
    def in_procurement_group(cls):
        "Whether the current user belongs to the procurement group"
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id(
            'care_procurement', 'group_procurement') in cls.get_groups()

    @classmethod
    def contractor_id(cls):
        "The contractor party id of the current user, or None"
        user = Transaction().user
        if not user:
            return None
        contractor = cls(user).care_contractor
        return contractor.id if contractor else None

