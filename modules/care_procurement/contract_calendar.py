# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The legal calendar of a contract that comes from a procurement: signed
within 30 days of the award letter (政府采购法第四十六条), published within 2
working days of signing (实施条例第五十条), filed within 7 working days of
signing (政府采购法第四十七条).

As for the procurement, the deadlines are stored (see
procurement_calendar) so that the list of legal deadlines is SQL."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If

# 政府采购法第四十六条: calendar days, not working days
SIGNING_DAYS = 30
# 政府采购法实施条例第五十条
PUBLICATION_WORKING_DAYS = 2
# 政府采购法第四十七条
FILING_WORKING_DAYS = 7


class Contract(metaclass=PoolMeta):
    __name__ = 'care.contract'

    _from_lot = {'invisible': ~Eval('lot')}

    award_letter_date = fields.Function(fields.Date(
            "Award Letter Issued", states=_from_lot),
        'on_change_with_award_letter_date')
    signing_deadline = fields.Date("Signing Deadline", readonly=True,
        states=_from_lot,
        help="30 days after the award letter (Government Procurement Law, art. 46).")
    signed_date = fields.Date("Signed Date",
        states={'readonly': Eval('state') != 'draft'},
        help="The day both parties signed the contract.")
    signing_late = fields.Function(fields.Boolean("Signed Late"),
        'on_change_with_signing_late')
    signing_late_reason = fields.Text("Reason for Late Signing",
        states={
            # Checked by check_signing, with the article of law
            'invisible': ~Eval('signing_late'),
            'readonly': Eval('state') != 'draft',
            },
        help="Why the contract was signed more than 30 days after the "
        "award letter.")
    publication_deadline = fields.Date("Publication Deadline",
        readonly=True,
        help="2 working days after signing (Implementing Regulations of the Government Procurement Law, art. 50).")
    published_date = fields.Date("Published Date",
        domain=[If(Bool(Eval('published_date')) & Bool(Eval('signed_date')),
                ('published_date', '>=', Eval('signed_date')), ())],
        help="The day the contract was published.")
    filing_deadline = fields.Date("Filing Deadline", readonly=True,
        help="7 working days after signing (Government Procurement Law, art. 47).")
    filed_date = fields.Date("Filed Date",
        domain=[If(Bool(Eval('filed_date')) & Bool(Eval('signed_date')),
                ('filed_date', '>=', Eval('signed_date')), ())],
        help="The day a copy was filed with the finance bureau.")

    del _from_lot

    @fields.depends('lot', '_parent_lot.procurement')
    def on_change_with_award_letter_date(self, name=None):
        if self.lot and self.lot.procurement:
            return self.lot.procurement.award_letter_date

    @classmethod
    def copy(cls, contracts, default=None):
        # A copy is signed, published and filed on its own
        default = default.copy() if default is not None else {}
        for name in ['signed_date', 'signing_late_reason', 'published_date',
                'filed_date']:
            default.setdefault(name, None)
        return super().copy(contracts, default=default)

    @fields.depends('signed_date', 'signing_deadline', 'lot',
        methods=['on_change_with_award_letter_date'])
    def on_change_with_signing_late(self, name=None):
        deadline = self.signing_deadline
        if not deadline:
            letter = self.on_change_with_award_letter_date()
            if letter:
                deadline = letter + dt.timedelta(days=SIGNING_DAYS)
        return bool(self.signed_date and deadline
            and self.signed_date > deadline)

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or {'lot', 'signed_date'} & set(field_names)):
            deadlines = self.legal_deadlines()
            values.update({k: v for k, v in deadlines.items()
                    if getattr(self, k) != v})
        return values

    def legal_deadlines(self):
        "The deadlines of the contract's calendar"
        Holiday = Pool().get('social_assistance.holiday')
        letter = self.on_change_with_award_letter_date()
        signed = self.signed_date
        return {
            'signing_deadline': (letter + dt.timedelta(days=SIGNING_DAYS)
                if letter else None),
            'publication_deadline': (Holiday.add_working_days(
                    signed, PUBLICATION_WORKING_DAYS) if signed else None),
            'filing_deadline': (Holiday.add_working_days(
                    signed, FILING_WORKING_DAYS) if signed else None),
            }

    @classmethod
    def update_legal_deadlines(cls, contracts):
        "Count the deadlines again (the award letter or calendar changed)"
        cls._compute_fields(contracts)

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        if field_names & {'signed_date', 'signing_late_reason', 'lot'}:
            for contract in contracts:
                contract.check_signing()

    def check_signing(self):
        """A contract is not signed while a challenge is open, nor before
        the award letter; signed after the 30 days it needs the written
        reason"""
        if not self.lot or not self.signed_date:
            return
        procurement = self.lot.procurement
        if procurement.has_open_challenge(self.signed_date):
            raise ValidationError(gettext(
                    'care_procurement.msg_contract_challenge_open',
                    contract=self.rec_name,
                    procurement=procurement.rec_name))
        letter = self.on_change_with_award_letter_date()
        if letter and self.signed_date < letter:
            raise ValidationError(gettext(
                    'care_procurement.msg_contract_signed_before_letter',
                    contract=self.rec_name, signed=self.signed_date,
                    letter=letter))
        if (self.on_change_with_signing_late()
                and not (self.signing_late_reason or '').strip()):
            raise ValidationError(gettext(
                    'care_procurement.msg_contract_signing_late',
                    contract=self.rec_name, signed=self.signed_date,
                    letter=letter))

    @classmethod
    def run(cls, contracts):
        for contract in contracts:
            contract.check_can_sign()
        super().run(contracts)

    def check_can_sign(self):
        """A contract of a procurement runs once signed, and is not signed
        while a challenge of the procurement is open"""
        if not self.lot:
            return
        procurement = self.lot.procurement
        if procurement.has_open_challenge():
            raise ValidationError(gettext(
                    'care_procurement.msg_contract_challenge_open',
                    contract=self.rec_name,
                    procurement=procurement.rec_name))
        if not self.award_letter_date:
            raise ValidationError(gettext(
                    'care_procurement.msg_contract_no_award_letter',
                    contract=self.rec_name,
                    procurement=procurement.rec_name))
        if not self.signed_date:
            raise ValidationError(gettext(
                    'care_procurement.msg_contract_not_signed',
                    contract=self.rec_name))
