# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The models of the monthly cycle, the large ones above all, answer RPC
searches by pages of at most 1,000 records (social_assistance api_guard);
registered here, in the module that depends on all the others."""
from trytond.modules.social_assistance.api_guard import RPCSearchLimitMixin
from trytond.pool import PoolMeta
from trytond.rpc import RPC


class Assignment(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.assignment'


class Visit(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'care.visit'


class Check(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'care.check'


class Rectification(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'care.rectification'


class Settlement(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'care.settlement'


class SettlementLine(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'care.settlement.line'


class Payment(metaclass=PoolMeta):
    __name__ = 'account.payment'

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # Approving (Tryton asks for a fresh login already) and marking a
        # payment succeeded or failed move money: never by a REST key
        for name in ['approve', 'succeed', 'fail']:
            cls.__rpc__[name] = RPC(
                readonly=False, instantiate=0, fresh_session=True)
