# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .bid import USCC


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    care_contractor = fields.Many2One('party.party', "Contractor",
        domain=[('identifiers.type', '=', USCC)],
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
    def contractor_id(cls):
        "The contractor party id of the current user, or None"
        user = Transaction().user
        if not user:
            return None
        contractor = cls(user).care_contractor
        return contractor.id if contractor else None


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        context['care_contractor'] = User.contractor_id()
        if model_name == 'res.user':
            # A contractor's user reads itself (and the bureau's users)
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        key = super()._get_cache_key(model_names) + (User.contractor_id(),)
        if 'res.user' in model_names:
            key += (Transaction().user,)
        return key
