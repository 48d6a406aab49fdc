# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The contractor's own electronic invoice (数电票) recorded on the approved
settlement, and the payment's due date (DESIGN.md "Payment"): 30 days after
the later of the approval and the invoice (Regulations on Ensuring Payments to Small and Medium-sized Enterprises)."""
import datetime as dt
import re

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

# 数电票 numbers have 20 digits; older paper and electronic invoices 8 to 12
INVOICE_NUMBER = re.compile(r'^[0-9]{8,20}$')
# 保障中小企业款项支付条例: within 30 days
PAYMENT_DAYS = 30
# The finance clerk's list: due within this many days, and overdue
DUE_SOON_DAYS = 7
# The contractor's invoice is recorded while its payment is still to make
RECORDING_STATES = {'invoiced'}


class Settlement(metaclass=PoolMeta):
    __name__ = 'care.settlement'

    approval_date = fields.Date("Approval Date", readonly=True,
        help="The day the bureau approved the settlement.")
    contractor_invoice_number = fields.Char("Contractor Invoice Number",
        readonly=True,
        help="The number of the contractor's own invoice: 20 digits for an "
        "electronic invoice, 8 to 12 for older invoices.")
    contractor_invoice_date = fields.Date("Contractor Invoice Date",
        readonly=True)
    contractor_invoice_amount = Monetary("Contractor Invoice Amount",
        currency='currency', digits='currency', readonly=True)
    contractor_invoice_by = fields.Many2One('res.user',
        "Invoice Recorded by", readonly=True)
    contractor_invoice_attached = fields.Function(fields.Boolean(
            "Invoice File Attached",
            help="The PDF or OFD of the invoice is attached."),
        'get_contractor_invoice_attached')
    payment_due_date = fields.Date("Payment Due Date", readonly=True,
        help="30 days after the later of the approval and the contractor's "
        "invoice (Regulations on Ensuring Payments to Small and Medium-sized Enterprises).")
    payment_days_left = fields.Function(fields.Integer("Days Left",
            help="Days until the payment is due; negative when overdue."),
        'get_payment_days_left')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'record_invoice': {
                    'invisible': ~Eval('state').in_(sorted(RECORDING_STATES)),
                    'depends': ['state'],
                    },
                })

    def get_contractor_invoice_attached(self, name):
        Attachment = Pool().get('ir.attachment')
        # The settlement's own readers see whether the file is there
        with without_check_access():
            return bool(Attachment.search([
                        ('resource', '=', str(self)),
                        ('name', '=', self._invoice_file_name()),
                        ], limit=1))

    def _invoice_file_name(self):
        return f'invoice-{self.contractor_invoice_number or ""}'

    @classmethod
    def get_payment_days_left(cls, settlements, name):
        Date = Pool().get('ir.date')
        result = {}
        for settlement in settlements:
            result[settlement.id] = None
            if settlement.payment_due_date and settlement.state == 'invoiced':
                # the company's day, as the due date is
                with Transaction().set_context(
                        company=settlement.company.id):
                    today = Date.today()
                result[settlement.id] = (
                    settlement.payment_due_date - today).days
        return result

    @classmethod
    def do_approve(cls, settlements):
        pool = Pool()
        Date = pool.get('ir.date')
        super().do_approve(settlements)
        for company, of_company in cls._by_company(settlements):
            with Transaction().set_context(company=company.id):
                today = Date.today()
            cls.write(of_company, {'approval_date': today})

    @staticmethod
    def _by_company(settlements):
        by_company = {}
        for settlement in settlements:
            by_company.setdefault(settlement.company, []).append(settlement)
        return by_company.items()

    @classmethod
    def draft(cls, settlements):
        """A cancelled settlement set back to draft is approved and
        invoiced anew: the old approval day and invoice no longer apply"""
        super().draft(settlements)
        drafts = [s for s in cls.browse(settlements) if s.state == 'draft']
        if drafts:
            # the button's rights allowed the reset; the rules clear
            with without_check_access():
                cls.write(drafts, {
                        'approval_date': None,
                        'contractor_invoice_number': None,
                        'contractor_invoice_date': None,
                        'contractor_invoice_amount': None,
                        'contractor_invoice_by': None,
                        'payment_due_date': None,
                        })

    @classmethod
    @ModelView.button_action(
        'care_settlement.wizard_settlement_record_invoice')
    def record_invoice(cls, settlements):
        pass

    @classmethod
    def due_date(cls, approval_date, invoice_date):
        """The day the payment is due: 30 days after the later of the
        approval and the invoice"""
        if not approval_date or not invoice_date:
            return None
        return max(approval_date, invoice_date) + dt.timedelta(
            days=PAYMENT_DAYS)

    @classmethod
    def check_invoice_number(cls, number):
        "Digits, 8 to 20 of them (a 数电票 has 20)"
        number = (number or '').strip()
        if not INVOICE_NUMBER.match(number):
            raise ValidationError(gettext(
                    'care_settlement.msg_contractor_invoice_number',
                    number=number))
        return number

    @classmethod
    def record_contractor_invoice(cls, settlements, number, date, amount,
            data=None, file_name=None):
        """Record the contractor's invoice on the settlements awaiting
        payment: a contractor's user on its own settlements only.  The
        number becomes the supplier invoice's reference, as Tryton keeps a
        supplier's number; the file is attached to the settlement."""
        pool = Pool()
        User = pool.get('res.user')
        Date = pool.get('ir.date')
        Invoice = pool.get('account.invoice')
        Attachment = pool.get('ir.attachment')
        number = cls.check_invoice_number(number)
        contractor = User.contractor_id()
        committed = cls.committed_amounts([s.id for s in settlements])
        for settlement in settlements:
            if contractor is not None and (
                    settlement.contractor.id != contractor):
                raise AccessError(gettext(
                        'care_settlement.msg_contractor_invoice_not_own',
                        settlement=settlement.rec_name))
            if settlement.state not in RECORDING_STATES:
                raise AccessError(gettext(
                        'care_settlement.msg_contractor_invoice_state',
                        settlement=settlement.rec_name,
                        state=settlement.state_string))
            # a payment made against an invoice keeps that invoice
            if committed[settlement.id]:
                raise AccessError(gettext(
                        'care_settlement.msg_contractor_invoice_paid',
                        settlement=settlement.rec_name))
            with Transaction().set_context(company=settlement.company.id):
                today = Date.today()
            if not date or date > today:
                raise ValidationError(gettext(
                        'care_settlement.msg_contractor_invoice_date',
                        settlement=settlement.rec_name, date=date))
            if amount is None or amount <= 0:
                raise ValidationError(gettext(
                        'care_settlement.msg_contractor_invoice_amount',
                        settlement=settlement.rec_name, amount=amount))
        # The checks are done: the rules write, not the user's rights (no
        # group writes a settlement itself)
        with without_check_access():
            cls.write(*sum(([[s], {
                                'contractor_invoice_number': number,
                                'contractor_invoice_date': date,
                                'contractor_invoice_amount': amount,
                                'contractor_invoice_by': (
                                    Transaction().user or None),
                                'payment_due_date': cls.due_date(
                                    s.approval_date or date, date),
                                }] for s in settlements), []))
            invoices = [s.invoice for s in settlements if s.invoice]
            if invoices:
                Invoice.write(invoices, {'reference': number})
            if data:
                Attachment.create([{
                            'resource': str(s),
                            'name': s._invoice_file_name(),
                            'description': file_name,
                            'type': 'data',
                            'data': data,
                            } for s in cls.browse(settlements)])

    @classmethod
    def check_payable(cls, settlements):
        """Refuse paying a settlement whose contractor's invoice was not
        received, or differs from the net"""
        for settlement in settlements:
            if settlement.state != 'invoiced' or not settlement.net:
                continue
            if not settlement.contractor_invoice_number:
                raise ValidationError(gettext(
                        'care_settlement.msg_settlement_pay_no_invoice',
                        settlement=settlement.rec_name))
            if settlement.contractor_invoice_amount != settlement.net:
                raise ValidationError(gettext(
                        'care_settlement.msg_settlement_pay_invoice_mismatch',
                        settlement=settlement.rec_name,
                        amount=settlement.contractor_invoice_amount,
                        net=settlement.net))

    @classmethod
    def create_payments(cls, settlements):
        cls.check_payable(settlements)
        return super().create_payments(settlements)

    @classmethod
    def copy(cls, settlements, default=None):
        default = default.copy() if default is not None else {}
        for name in ['approval_date', 'contractor_invoice_number',
                'contractor_invoice_date', 'contractor_invoice_amount',
                'contractor_invoice_by', 'payment_due_date']:
            default.setdefault(name, None)
        return super().copy(settlements, default=default)


class RecordInvoiceStart(ModelView):
    __name__ = 'care.settlement.record_invoice.start'
    __string__ = "Record Contractor Invoice"

    number = fields.Char("Invoice Number", required=True,
        help="The number of the contractor's own invoice: 20 digits for an "
        "electronic invoice, 8 to 12 for older invoices.")
    date = fields.Date("Invoice Date", required=True)
    currency = fields.Many2One('currency.currency', "Currency",
        readonly=True)
    amount = Monetary("Amount", currency='currency', digits='currency',
        required=True, help="The total of the invoice, tax included.")
    file = fields.Binary("File", filename='file_name',
        help="The PDF or OFD of the invoice.")
    file_name = fields.Char("File Name",
        states={'invisible': ~Bool(Eval('file'))})


class RecordInvoice(Wizard):
    __name__ = 'care.settlement.record_invoice'
    start = StateView('care.settlement.record_invoice.start',
        'care_settlement.settlement_record_invoice_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'record_', 'tryton-ok', default=True),
            ])
    record_ = StateTransition()

    def default_start(self, fields):
        values = {}
        if self.records:
            settlement = self.records[0]
            values['currency'] = settlement.company.currency.id
            if settlement.contractor_invoice_number:
                values.update(
                    number=settlement.contractor_invoice_number,
                    date=settlement.contractor_invoice_date,
                    amount=settlement.contractor_invoice_amount)
            else:
                values['amount'] = settlement.net
        return values

    def transition_record_(self):
        # Wizard.check_access read the records under the user's rules (a
        # contractor reaches only its own); the settlement checks the rest
        self.model.record_contractor_invoice(self.records,
            self.start.number, self.start.date, self.start.amount,
            data=self.start.file, file_name=self.start.file_name)
        return 'end'
