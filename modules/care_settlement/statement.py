# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The treasury's bank statement confirms payments: each of its rows names
a payment in processing (by its reference, the settlement's invoice
reference) for its exact amount.  Posting the statement marks the payments
succeeded (account_payment) and settles the supplier invoices.

The file (CSV or XLSX: 交易日期, 收款人, 金额 paid out, 附言 the payment's
reference) is a format of Tryton's statement import wizard, which the
client runs and whose methods `care import statement` calls."""
import datetime as dt
from collections import namedtuple
from decimal import Decimal, InvalidOperation

from trytond.exceptions import UserWarning
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.modules.account_statement.exceptions import ImportStatementError
from trytond.modules.social_assistance import tabular
from trytond.modules.social_assistance.import_format import (
    ImportFormatMixin, format_path)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

BankRow = namedtuple('BankRow', ['line', 'date', 'payee', 'amount',
        'reference'])
# The words of each tabular.TableError code
TABLE_ERRORS = {
    'not_text': 'care_settlement.msg_bank_file_not_text',
    'empty': 'care_settlement.msg_bank_file_empty',
    'not_xlsx': 'care_settlement.msg_bank_file_not_xlsx',
    'missing_columns': 'care_settlement.msg_bank_file_missing_columns',
    }
XLSX_MAGIC = b'PK\x03\x04'


class StatementLine(metaclass=PoolMeta):
    __name__ = 'account.statement.line'

    @classmethod
    def reconcile(cls, move_lines):
        """A line paying a settlement's payment also reconciles the
        invoice's payable line, so that the invoice is paid"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        MoveLine = pool.get('account.move.line')
        Payment = pool.get('account.payment')
        super().reconcile(move_lines)
        to_reconcile, invoices = [], []
        for move_line, line in move_lines:
            if not line or not isinstance(line.related_to, Payment):
                continue
            payment = line.related_to
            if (payment.care_settlement and payment.line
                    and not payment.line.reconciliation
                    and payment.line.account == move_line.account
                    and payment.line.credit == move_line.debit):
                to_reconcile.append([payment.line, move_line])
                invoices.append(payment.care_settlement.invoice)
        if to_reconcile:
            MoveLine.reconcile(*to_reconcile)
            # Tryton queues this after the reconciliation; the settlement
            # is paid now, so its invoice is too
            Invoice.process(invoices)


class StatementImportStart(metaclass=PoolMeta):
    __name__ = 'account.statement.import.start'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.file_format.selection.append(
            ('care_treasury', "Treasury Payments (CSV or XLSX)"))


class StatementImport(ImportFormatMixin, metaclass=PoolMeta):
    __name__ = 'account.statement.import'
    _format_file = format_path(__file__, 'bank_statement_format.json')

    def parse_care_treasury(self):
        """The statement of the file's rows that each match a payment in
        processing; the user is warned of the other rows"""
        pool = Pool()
        Warning = pool.get('res.user.warning')
        data = self.start.file_
        try:
            headers, lines = tabular.read_table(data,
                xlsx=data.startswith(XLSX_MAGIC))
            rows, rejected = self.bank_rows(
                tabular.field_rows(headers, lines, self.__class__))
        except tabular.TableError as error:
            raise ImportStatementError(gettext(TABLE_ERRORS[error.code],
                    detail=error.detail))
        statement, refused = self.bank_statement(rows)
        rejected += [(row.line, reason) for row, reason in refused]
        rejected.sort()
        reasons = '\n'.join(gettext('care_settlement.msg_bank_row_line',
                line=line, reason=reason) for line, reason in rejected)
        if not statement:
            raise ImportStatementError(gettext(
                    'care_settlement.msg_bank_rows_none', reasons=reasons))
        if rejected:
            key = Warning.format('care_bank_rows_rejected',
                [l.related_to for l in statement.lines])
            if Warning.check(key):
                raise UserWarning(key, gettext(
                        'care_settlement.msg_bank_rows_rejected',
                        count=len(rejected), reasons=reasons))
        yield statement

    @classmethod
    def bank_rows(cls, rows):
        """The BankRow of each (line, {field: text}) of the file, and
        [(line, reason)] of those without a date and an amount"""
        result, rejected = [], []
        for line, raw in rows:
            value = {f: (t or '').strip() for f, t in raw.items()}
            try:
                result.append(BankRow(line=line,
                        date=dt.date.fromisoformat(value['date']),
                        payee=value['payee'],
                        amount=Decimal(value['amount'].replace(',', '')),
                        reference=value['reference']))
            except (ValueError, InvalidOperation):
                rejected.append((line, gettext(
                            'care_settlement.msg_bank_row_values',
                            date=value['date'], amount=value['amount'])))
        return result, rejected

    @classmethod
    def bank_statement(cls, rows):
        """The statement (not saved) of the rows that each match a
        processing payment of a settlement, dated the last row's day, or
        None; and [(row, reason)] of the other rows"""
        pool = Pool()
        Configuration = pool.get('care.configuration')
        Payment = pool.get('account.payment')
        Statement = pool.get('account.statement')
        Line = pool.get('account.statement.line')
        journal = Configuration(1).statement_journal
        if not journal:
            raise ValidationError(gettext(
                    'care_settlement.msg_settlement_accounting_missing'))
        references = {r.reference for r in rows}
        payments = {}
        for payment in Payment.search([
                    ('reference', 'in', sorted(references)),
                    ('care_settlement', '!=', None),
                    ('kind', '=', 'payable'),
                    ('state', '=', 'processing'),
                    ]):
            payments.setdefault(payment.reference, []).append(payment)
        lines, rejected, used = [], [], set()
        for row in rows:
            candidates = [p for p in payments.get(row.reference, [])
                if p.id not in used and p.party.name == row.payee]
            if not candidates:
                rejected.append((row, gettext(
                            'care_settlement.msg_bank_row_no_payment',
                            reference=row.reference, payee=row.payee)))
                continue
            payment = candidates[0]
            if payment.amount != row.amount:
                rejected.append((row, gettext(
                            'care_settlement.msg_bank_row_amount',
                            amount=row.amount, payment=payment.rec_name,
                            expected=payment.amount)))
                continue
            used.add(payment.id)
            lines.append(Line(date=row.date, amount=-row.amount,
                    party=payment.party, account=payment.line.account,
                    related_to=payment, description=row.reference))
        if not lines:
            return None, rejected
        date = max(r.date for r in rows)
        return Statement(name=gettext(
                'care_settlement.msg_statement_name', date=date.isoformat()),
            company=journal.company, journal=journal, date=date,
            total_amount=sum((l.amount for l in lines), Decimal(0)),
            lines=lines), rejected

    @classmethod
    def import_bank_rows(cls, rows):
        """Post one statement of the rows that each match a processing
        payment of a settlement; return (statement or None, [(row,
        reason)] rejected)"""
        Statement = Pool().get('account.statement')
        statement, rejected = cls.bank_statement(rows)
        if statement:
            statement.save()
            with Transaction().set_context(
                    company=statement.company.id):
                Statement.validate_statement([statement])
                Statement.post([statement])
        return statement, rejected
