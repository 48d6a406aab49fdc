# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A failed 履约验收 of the contract is shown on every settlement awaiting
approval, and its approval asks to be confirmed (政府采购法实施条例 art. 45,
DESIGN.md "Procurement rules")."""
from trytond.exceptions import UserWarning
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If

from .settlement import OPEN_STATES


class Settlement(metaclass=PoolMeta):
    __name__ = 'care.settlement'

    acceptance_failed = fields.Function(fields.Boolean("Acceptance Failed",
            help="The latest acceptance of the contract failed."),
        'get_acceptance')
    acceptance_warning = fields.Function(fields.Text("Acceptance"),
        'get_acceptance')

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('acceptance_failed'), 'danger', ''),
                ['acceptance_failed']),
            ('//group[@id="acceptance_failed"]', 'states', {
                    'invisible': ~Eval('acceptance_failed'),
                    }, ['acceptance_failed']),
            ]

    @classmethod
    def failed_acceptances(cls, settlements):
        """The failed latest acceptance of the contract of each settlement
        awaiting approval, by settlement id"""
        Acceptance = Pool().get('care.contract.acceptance')
        waiting = [s for s in settlements if s.state in OPEN_STATES]
        failed = Acceptance.latest_failed({s.contract.id for s in waiting})
        return {s.id: failed[s.contract.id] for s in waiting
            if s.contract.id in failed}

    @classmethod
    def get_acceptance(cls, settlements, names):
        failed = cls.failed_acceptances(settlements)
        result = {name: {} for name in names}
        for settlement in settlements:
            acceptance = failed.get(settlement.id)
            if 'acceptance_failed' in result:
                result['acceptance_failed'][settlement.id] = bool(acceptance)
            if 'acceptance_warning' in result:
                result['acceptance_warning'][settlement.id] = (
                    settlement._acceptance_text(acceptance)
                    if acceptance else None)
        return result

    def _acceptance_text(self, acceptance):
        return gettext('care_settlement.msg_settlement_acceptance_failed',
            settlement=self.rec_name, contract=self.contract.rec_name,
            date=acceptance.date, period_from=acceptance.period_from,
            period_to=acceptance.period_to,
            findings=acceptance.findings or '')

    @classmethod
    @ModelView.button
    def approve(cls, settlements):
        cls.check_acceptances(
            [s for s in settlements if s.state == 'confirmed'])
        super().approve(settlements)

    @classmethod
    def check_acceptances(cls, settlements):
        """Ask to confirm the approval of a settlement whose contract failed
        its latest acceptance"""
        Warning = Pool().get('res.user.warning')
        failed = cls.failed_acceptances(settlements)
        for settlement in settlements:
            acceptance = failed.get(settlement.id)
            if not acceptance:
                continue
            key = Warning.format('care_settlement_acceptance_failed',
                [settlement])
            if Warning.check(key):
                raise UserWarning(key,
                    settlement._acceptance_text(acceptance))
