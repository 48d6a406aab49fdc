# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Approval posts the contractor's supplier invoice: one line per service
(the sum of the rounded person amounts, so the invoice equals the settlement
to the cent) and one line for the deductions."""
from sql.aggregate import Sum

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .settlement_compute import as_decimal, money


class SettlementInvoiceMixin:
    __slots__ = ()
    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True,
        domain=[('type', '=', 'in')],
        help="The supplier invoice posted on approval.")

    @classmethod
    def create_invoices(cls, settlements):
        """Post the supplier invoice of each settlement that has none and
        a net to pay; return the settlements with nothing to pay"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        # a cancelled settlement keeps its cancelled invoice, for the record
        to_invoice = [s for s in settlements if s.net
            and (not s.invoice or s.invoice.state == 'cancelled')]
        invoices = [s._get_invoice() for s in to_invoice]
        Invoice.save(invoices)
        Invoice.post(invoices)
        to_write = []
        for settlement, invoice in zip(to_invoice, invoices):
            to_write.extend([[settlement], {'invoice': invoice.id}])
        if to_write:
            cls.write(*to_write)
        return [s for s in settlements if not s.net]

    def _get_invoice(self):
        pool = Pool()
        Configuration = pool.get('care.configuration')
        Date = pool.get('ir.date')
        Invoice = pool.get('account.invoice')
        configuration = Configuration(1)
        if (not configuration.settlement_journal
                or not configuration.settlement_account):
            raise ValidationError(gettext(
                    'care_settlement.msg_settlement_accounting_missing'))
        party = self.contractor
        address = party.address_get(type='invoice')
        if not address:
            raise ValidationError(gettext(
                    'care_settlement.msg_settlement_contractor_address',
                    contractor=party.rec_name, settlement=self.rec_name))
        # The payable account and the date are the company's
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
            payable = party.account_payable_used
        invoice = Invoice(company=self.company, type='in', party=party,
            invoice_address=address, currency=self.company.currency,
            journal=configuration.settlement_journal,
            account=payable,
            invoice_date=today, accounting_date=today,
            reference=f'{self.contract.number}/{self.month}',
            description=gettext('care_settlement.msg_invoice_description',
                month=self.month, contract=self.contract.number))
        invoice.lines = self._invoice_lines(configuration.settlement_account)
        return invoice

    def _invoice_lines(self, account):
        "One line per service, then the deductions actually taken off"
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        SettlementLine = pool.get('care.settlement.line')
        Service = pool.get('care.service')
        table = SettlementLine.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.service, Sum(table.quantity),
                Sum(table.amount),
                where=table.settlement == self.id,
                group_by=table.service, order_by=table.service))
        lines = []
        for service_id, quantity, amount in cursor:
            amount = money(as_decimal(amount))
            if not amount:
                continue
            service = Service(service_id)
            lines.append(InvoiceLine(type='line', account=account,
                    company=self.company, currency=self.company.currency,
                    quantity=1, unit_price=amount, origin=self,
                    description=gettext(
                        'care_settlement.msg_invoice_line_service',
                        service=service.name,
                        quantity=f'{as_decimal(quantity).normalize():f}')))
        taken_off = self.gross - self.net
        if taken_off:
            lines.append(InvoiceLine(type='line', account=account,
                    company=self.company, currency=self.company.currency,
                    quantity=1, unit_price=-taken_off, origin=self,
                    description=gettext(
                        'care_settlement.msg_invoice_line_deductions',
                        count=self.failed_checks)))
        return lines


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['care.settlement']
