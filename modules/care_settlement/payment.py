# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta


class Payment(metaclass=PoolMeta):
    __name__ = 'account.payment'

    care_settlement = fields.Many2One('care.settlement', "Settlement",
        readonly=True, ondelete='RESTRICT',
        help="The monthly settlement this payment pays.")

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('line'):
            values['care_settlement'] = cls._settlement_of_line(
                values['line'])
        return values

    @classmethod
    def _settlement_of_line(cls, line_id):
        "The settlement whose invoice the move line pays, if any"
        pool = Pool()
        Line = pool.get('account.move.line')
        Invoice = pool.get('account.invoice')
        Settlement = pool.get('care.settlement')
        origin = Line(line_id).move.origin
        if isinstance(origin, Invoice):
            settlements = Settlement.search([('invoice', '=', origin.id)],
                limit=1)
            if settlements:
                return settlements[0].id

    @classmethod
    def validate_fields(cls, payments, field_names):
        super().validate_fields(payments, field_names)
        cls.check_settlement_net(payments, field_names)

    @classmethod
    def check_settlement_net(cls, payments, field_names=None):
        "Never more than a settlement's net, in all its payments together"
        Settlement = Pool().get('care.settlement')
        if field_names and not (
                field_names & {'care_settlement', 'amount', 'state'}):
            return
        settlements = list({p.care_settlement for p in payments
                if p.care_settlement})
        Settlement.serialize(settlements)
        committed = Settlement.committed_amounts([s.id for s in settlements])
        for settlement in settlements:
            if committed[settlement.id] > settlement.net:
                raise ValidationError(gettext(
                        'care_settlement.msg_payment_above_net',
                        settlement=settlement.rec_name,
                        amount=committed[settlement.id],
                        net=settlement.net))

    @classmethod
    @ModelView.button
    def succeed(cls, payments):
        Settlement = Pool().get('care.settlement')
        super().succeed(payments)
        Settlement.update_paid(list({p.care_settlement for p in payments
                    if p.care_settlement}))
