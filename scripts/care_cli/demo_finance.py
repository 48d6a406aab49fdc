"""The demo's months from settlement to reconciled payments: the contractors
confirm, the bureau approves (supplier invoices), the contractors record
their own invoices (数电票), the finance clerk pays, the treasury's bank
statement comes back (in the last month one contractor's payment is still
on its way, so that the reconciliation shows an unpaid row), then each
month's exports, statements and charts are written.  In the first month one
contractor's invoice arrives late and is not paid in time: the payment is
overdue on the finance clerk's 付款期限 list."""
import argparse
import datetime as dt
import os
import sys

from trytond.modules.social_assistance.tabular import SpreadsheetWriter

from . import charts, import_statement, pay, reconcile, settle
from . import database as db
from .formats import bank_statement_columns
from .i18n import _


def run_month(name, month, folder, last=False, out=sys.stdout,
        overdue=False):
    """Run the month's cycle; return {what: path} of the files written.
    The last month's bank statement lacks one payment; with overdue, one
    settlement's invoice is recorded after the payments, dated long ago,
    and stays unpaid past its due date."""
    _settle_and_approve(name, month)
    late = record_invoices(name, month, hold_one=overdue)
    paths = {}
    rows = pay.pay(name, month, login='finance')
    paths['payment order'] = os.path.join(folder, f'payments-{month}.csv')
    pay.write_order(paths['payment order'], rows)
    paths['bank statement'] = os.path.join(folder,
        f'bank-statement-{month}.csv')
    _write_bank_statement(paths['bank statement'],
        rows[:-1] if last else rows)
    import_statement.import_file(name, paths['bank statement'], out=out)
    if late:
        db.run_in_session(name, _record_late_invoice, late, month,
            login='finance')
    paths['settlements'] = os.path.join(folder, f'settlements-{month}.csv')
    _export_settlements(name, month, paths['settlements'])
    paths['reconciliation'] = os.path.join(folder,
        f'reconciliation-{month}.csv')
    reconcile.write_export(paths['reconciliation'],
        reconcile.reconcile(name, month))
    paths['statements'] = os.path.join(folder, f'statements-{month}')
    _print_statements(name, month, paths['statements'])
    paths['charts'] = os.path.join(folder, f'charts-{month}')
    with open(os.devnull, 'w') as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            charts.run(argparse.Namespace(database=name, month=month,
                    out=paths['charts']))
        finally:
            sys.stdout = stdout
    return paths


def _settle_and_approve(name, month):
    """Each contractor confirms its settlement in its own session, the
    bureau approves them (which posts the supplier invoices)"""
    by_login = db.run_in_session(name, _settle, month)
    for login, ids in sorted(by_login.items()):
        db.run_in_session(name, _confirm, ids, login=login)
    db.run_in_session(name, _approve, month)


def _settle(pool, month):
    "Settle the month: {login: [settlement id]} of the contractors' users"
    Settlement = pool.get('care.settlement')
    User = pool.get('res.user')
    computed, _unchanged = Settlement.settle(month)
    logins = {u.care_contractor.id: u.login for u in User.search([
                ('care_contractor', '!=', None)])}
    by_login = {}
    for settlement in computed:
        login = logins.get(settlement.contractor.id)
        if login:
            by_login.setdefault(login, []).append(settlement.id)
    return by_login


def _confirm(pool, ids):
    Settlement = pool.get('care.settlement')
    Settlement.confirm(Settlement.browse(ids))


def _approve(pool, month):
    Settlement = pool.get('care.settlement')
    Settlement.approve(Settlement.search([
                ('month', '=', month), ('state', '=', 'confirmed')]))


def record_invoices(name, month, hold_one=False):
    """Each contractor's user records its own invoice, for the net, on its
    settlements awaiting payment (the finance clerk those of a contractor
    without a user); with hold_one, the first settlement's invoice is held
    back and its id returned"""
    by_login, held = db.run_in_session(name, _awaiting_invoice, month,
        hold_one)
    for login, ids in sorted(by_login.items()):
        db.run_in_session(name, _record, ids, login=login)
    return held


def _awaiting_invoice(pool, month, hold_one):
    "({login: [settlement id]}, the id held back or None)"
    Settlement = pool.get('care.settlement')
    User = pool.get('res.user')
    logins = {u.care_contractor.id: u.login for u in User.search([
                ('care_contractor', '!=', None)])}
    settlements = sorted(Settlement.search([('month', '=', month),
                ('state', '=', 'invoiced')]),
        key=lambda s: s.contract.number)
    held = None
    if hold_one and settlements:
        held = settlements.pop(0).id
    by_login = {}
    for settlement in settlements:
        login = logins.get(settlement.contractor.id, 'finance')
        by_login.setdefault(login, []).append(settlement.id)
    return by_login, held


def invoice_number(settlement):
    "A 数电票's 20 digits: the year, the province (37), then the settlement"
    return f'{settlement.approval_date:%y}37{settlement.id:016d}'


def _record(pool, ids):
    "The contractor's invoices of its settlements, by the wizard's rule"
    Settlement = pool.get('care.settlement')
    for settlement in Settlement.browse(ids):
        Settlement.record_contractor_invoice([settlement],
            invoice_number(settlement), settlement.approval_date,
            settlement.net, data=_invoice_pdf(settlement),
            file_name=f'{invoice_number(settlement)}.pdf')


def _invoice_pdf(settlement):
    "A stand-in for the contractor's PDF"
    return (f'%PDF-1.4\n% e-invoice {invoice_number(settlement)} '
        f'{settlement.net}\n').encode('utf-8')


def _record_late_invoice(pool, settlement_id, month):
    """The demo's history: the settlement was approved and its invoice
    received more than 30 days ago, and it was never paid"""
    from trytond.modules.care_procurement.tools import month_bounds
    from trytond.transaction import without_check_access
    Settlement = pool.get('care.settlement')
    Date = pool.get('ir.date')
    settlement = Settlement(settlement_id)
    _first, last = month_bounds(month)
    today = Date.today()
    approved = min(last + dt.timedelta(days=5), today - dt.timedelta(days=35))
    with without_check_access():
        Settlement.write([settlement], {'approval_date': approved})
    settlement = Settlement(settlement_id)
    Settlement.record_contractor_invoice([settlement],
        invoice_number(settlement), approved, settlement.net,
        data=_invoice_pdf(settlement),
        file_name=f'{invoice_number(settlement)}.pdf')


def _write_bank_statement(path, payments):
    "The treasury's statement of the payments, booked the day they are made"
    columns = bank_statement_columns()
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        writer = SpreadsheetWriter(file)
        writer.writerow(list(columns.values()))
        for row in payments:
            writer.writerow([row['date'].isoformat(),
                    row['payee'], f"{row['amount']:.2f}", row['reference']])


def _export_settlements(name, month, path):
    with db.session(name, readonly=True) as pool:
        Settlement = pool.get('care.settlement')
        rows = [settle.settlement_row(s) for s in sorted(
                Settlement.search([('month', '=', month)]),
                key=lambda s: s.contract.number)]
    settle.write_export(path, month, rows)


def _print_statements(name, month, folder):
    "The 月度结算单 of each settlement of the month, as ODT"
    os.makedirs(folder, exist_ok=True)
    with db.session(name, readonly=True) as pool:
        Settlement = pool.get('care.settlement')
        Report = pool.get('care.settlement', type='report')
        for settlement in Settlement.search([('month', '=', month)]):
            extension, data, _direct, _name = Report.execute(
                [settlement.id], {})
            file_name = f'settlement-{settlement.contract.number}-{month}'
            with open(os.path.join(folder, f'{file_name}.{extension}'),
                    'wb') as file:
                file.write(data)


def print_paths(paths, out=sys.stdout):
    labels = {
        'payment order': _('Payment order'),
        'bank statement': _('Bank statement'),
        'settlements': _('Settlement export'),
        'reconciliation': _('Reconciliation export'),
        'statements': _('Monthly statements (ODT)'),
        'charts': _('Charts (PNG)'),
        }
    for key, path in paths.items():
        print(f'{labels[key]}: {path}', file=out)
