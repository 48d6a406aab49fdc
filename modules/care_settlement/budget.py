# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What approving a settlement commits against the budgets: the nets
settled to date (approved and later) of the contract, of its lot and of
its procurement, with this settlement's net added.  Beyond a budget the
approval is refused; beyond the configured share of it (80 %) the approver
is warned once."""
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Sum

from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.exceptions import UserWarning
from trytond.pool import Pool
from trytond.transaction import Transaction

from .settlement_compute import as_decimal

# Settlements whose net is committed
SETTLED = ('approved', 'invoiced', 'paid')


def settled_by_contract(contract_ids=None):
    "{contract id: net settled to date} of the contracts (all if None)"
    pool = Pool()
    Settlement = pool.get('care.settlement')
    settlement = Settlement.__table__()
    cursor = Transaction().connection.cursor()
    where = settlement.state.in_(SETTLED)
    if contract_ids is not None:
        if not contract_ids:
            return {}
        where &= settlement.contract.in_(list(contract_ids))
    cursor.execute(*settlement.select(settlement.contract,
            Sum(settlement.net), where=where, group_by=settlement.contract))
    return defaultdict(Decimal, {c: as_decimal(n) for c, n in cursor})


def check_budgets(settlements):
    """Refuse approvals beyond a budget; warn beyond the warning share.
    The settlements are approved together, so their nets add up."""
    pool = Pool()
    Configuration = pool.get('care.configuration')
    Contract = pool.get('care.contract')
    Warning = pool.get('res.user.warning')
    ratio = Configuration(1).budget_warning_ratio
    settled = settled_by_contract()
    for settlement in settlements:
        settled[settlement.contract.id] += settlement.net
    contracts = Contract.browse(list(settled))
    lots, procurements = defaultdict(Decimal), defaultdict(Decimal)
    for contract in contracts:
        if contract.lot:
            lots[contract.lot] += settled[contract.id]
            procurements[contract.lot.procurement] += settled[contract.id]
    for settlement in settlements:
        contract = settlement.contract
        budgets = [('contract', contract, contract.amount,
                settled[contract.id])]
        if contract.lot:
            budgets.append(('lot', contract.lot, contract.lot.budget,
                    lots[contract.lot]))
            procurement = contract.lot.procurement
            budgets.append(('procurement', procurement, procurement.budget,
                    procurements[procurement]))
        for kind, record, budget, total in budgets:
            values = dict(settlement=settlement.rec_name,
                budget=budget, total=total, name=record.rec_name)
            if total > budget:
                raise ValidationError(gettext(
                        f'care_settlement.msg_over_{kind}_budget', **values))
            if budget and total > budget * ratio:
                key = Warning.format(f'care_settlement_{kind}_budget',
                    [settlement])
                if Warning.check(key):
                    raise UserWarning(key, gettext(
                            f'care_settlement.msg_near_{kind}_budget',
                            ratio=f'{ratio * 100:.0f}', **values))
