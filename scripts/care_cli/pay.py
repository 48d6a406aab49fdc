"""care pay --month YYYY-MM: pay the month's invoiced settlements through
account_payment, one group per contractor, and write the payment order the
treasury sends to the bank.  A settlement whose contractor's invoice was not
received (or differs from its net) is not paid: its refusal is printed and
the command ends with 3."""
import sys

from trytond.exceptions import UserError
from trytond.modules.social_assistance.tabular import SpreadsheetWriter

from . import database as db
from .formats import formats
from .i18n import _
from .settle import check_month_argument


def add_parser(subparsers):
    parser = subparsers.add_parser('pay',
        help=_("pay a month's invoiced settlements"),
        description=_('Create and process a payment of what each invoiced '
            'settlement of the month still has to receive (never above its '
            'net), grouped per contractor. The bank statement that confirms '
            'them is imported with "care import statement".'))
    parser.add_argument('--month', required=True, metavar='YYYY-MM')
    parser.add_argument('--login', default='admin',
        help=_('the user who pays (default: admin)'))
    parser.add_argument('--export', metavar='FILE',
        help=_('write the payment order as CSV (UTF-8 with BOM) to FILE'))
    parser.set_defaults(func=run)


def run(args):
    check_month_argument(args.month)
    refused = []
    rows = pay(args.database, args.month, args.login, refused=refused)
    if args.export:
        write_order(args.export, rows)
    total = sum(r['amount'] for r in rows)
    print(f'payments: {len(rows)} processing, total {total:.2f}')
    for message in refused:
        print(message, file=sys.stderr)
    return 3 if refused else 0


def pay(database, month, login='admin', refused=None):
    """The payments made, as rows of the payment order; the refusals of the
    settlements not paid are appended to refused"""
    # two runs at once: the loser starts again and pays what is left
    return db.retried(_pay, database, month, login,
        refused if refused is not None else [])


def _pay(database, month, login, refused):
    with db.session(database, login=login) as pool:
        Settlement = pool.get('care.settlement')
        Payment = pool.get('account.payment')
        settlements = []
        del refused[:]
        for settlement in Settlement.search([
                    ('month', '=', month), ('state', '=', 'invoiced')]):
            # the rule, as the button applies it: no invoice, no payment
            try:
                Settlement.check_payable([settlement])
            except UserError as error:
                refused.append(error.message)
            else:
                settlements.append(settlement)
        ids = [s.id for s in settlements]
        before = set(Payment.search([('care_settlement', 'in', ids)]))
        # the button, as the client presses it: its groups and states are
        # checked for the user, as over RPC
        if settlements:
            Settlement.pay(settlements)
        payments = [p for p in Payment.search([
                    ('care_settlement', 'in', ids)]) if p not in before]
        return [{
                'number': p.number, 'date': p.date, 'payee': p.party.name,
                'amount': p.amount, 'reference': p.reference,
                } for p in sorted(payments, key=lambda p: p.reference)]


def write_order(path, rows):
    columns = formats()['payment_order']
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        writer = SpreadsheetWriter(file)
        writer.writerow(list(columns.values()))
        for row in rows:
            writer.writerow([row['number'], row['date'].isoformat(),
                    row['payee'], f"{row['amount']:.2f}", row['reference']])
