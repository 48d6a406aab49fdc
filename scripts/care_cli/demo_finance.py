"""The demo's months from settlement to reconciled payments: the contractors
confirm, the bureau approves (supplier invoices), the finance clerk pays,
the treasury's bank statement comes back (in the last month one
contractor's payment is still on its way, so that the reconciliation shows
an unpaid row), then each month's exports, statements and charts are
written."""
import argparse
import os
import sys

from trytond.modules.social_assistance.tabular import SpreadsheetWriter

from . import charts, import_statement, pay, reconcile, settle
from . import database as db
from .formats import bank_statement_columns
from .i18n import _


def run_month(name, month, folder, last=False, out=sys.stdout):
    """Run the month's cycle; return {what: path} of the files written.
    The last month's bank statement lacks one payment."""
    _settle_and_approve(name, month)
    paths = {}
    rows = pay.pay(name, month, login='finance')
    paths['payment order'] = os.path.join(folder, f'payments-{month}.csv')
    pay.write_order(paths['payment order'], rows)
    paths['bank statement'] = os.path.join(folder,
        f'bank-statement-{month}.csv')
    _write_bank_statement(paths['bank statement'],
        rows[:-1] if last else rows)
    import_statement.import_file(name, paths['bank statement'], out=out)
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
