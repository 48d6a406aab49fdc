"""care reconcile --month YYYY-MM: the finance bureau's three-way match of
the month's settlements, invoices and payments (FORMATS.md
"reconciliation export")."""

from trytond.modules.social_assistance.tabular import SpreadsheetWriter

from . import database as db
from .formats import formats
from .i18n import _
from .settle import check_month_argument

FIELDS = ['contract', 'contractor', 'settled', 'invoiced', 'paid',
    'difference', 'contract_balance', 'status']
AMOUNTS = {'settled', 'invoiced', 'paid', 'difference', 'contract_balance'}


def add_parser(subparsers):
    parser = subparsers.add_parser('reconcile',
        help=_('reconcile the settlements, invoices and payments of a month'),
        description=_('One row a contract settled in the month: the approved '
            'net, the posted supplier invoice, the succeeded payments, the '
            'difference, what is left of the contract amount, and a status '
            '(matched, unpaid, invoice_mismatch, overpaid, over_budget).'))
    parser.add_argument('--month', required=True, metavar='YYYY-MM')
    parser.add_argument('--export', metavar='FILE',
        help=_('write the rows as CSV (UTF-8 with BOM) to FILE'))
    parser.set_defaults(func=run)


def run(args):
    check_month_argument(args.month)
    rows = reconcile(args.database, args.month)
    if args.export:
        write_export(args.export, rows)
    statuses = {}
    for row in rows:
        statuses[row['status']] = statuses.get(row['status'], 0) + 1
    counts = ', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))
    print(f'reconciliation: {len(rows)} contracts'
        + (f', {counts}' if counts else ''))
    return 0


def reconcile(database, month):
    "The month's rows as dicts of FIELDS, in contract-number order"
    with db.session(database, readonly=True) as pool:
        Reconciliation = pool.get('care.settlement.reconciliation')
        return [{
                'contract': r.contract.number,
                'contractor': r.contractor.name,
                'settled': r.settled, 'invoiced': r.invoiced,
                'paid': r.paid, 'difference': r.difference,
                'contract_balance': r.contract_balance,
                'status': r.status,
                } for r in Reconciliation.month_rows(month)]


def write_export(path, rows):
    columns = formats()['reconciliation']
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        writer = SpreadsheetWriter(file)
        writer.writerow([columns[f] for f in FIELDS])
        for row in rows:
            writer.writerow([f'{row[f]:.2f}' if f in AMOUNTS else row[f]
                    for f in FIELDS])
