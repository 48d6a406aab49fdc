"""care settle --month YYYY-MM: the month's settlements (DESIGN.md
"Settlement rules"), and their export (FORMATS.md "settlement export")."""
import sys

from trytond.modules.social_assistance.tabular import SpreadsheetWriter

from . import database as db
from .formats import formats
from .i18n import _
from .tabular import UnusableInput


def add_parser(subparsers):
    parser = subparsers.add_parser('settle',
        help=_("compute a month's settlements"),
        description=_('Compute the settlement of every contract (not draft) '
            'whose period meets the month from its accepted visits and '
            'placements: draft, computed and confirmed settlements are '
            'computed again in place, approved and later ones are left as '
            'they are.'))
    parser.add_argument('--month', required=True, metavar='YYYY-MM')
    parser.add_argument('--contract', metavar='NUMBER',
        help=_('only this contract'))
    parser.add_argument('--export', metavar='FILE',
        help=_('write the settlements as CSV (UTF-8 with BOM) to FILE'))
    parser.add_argument('--queue', action='store_true',
        help=_('compute each contract in a queued task: by trytond-worker '
            'when the configuration has [queue] worker = True, else by this '
            'command after queueing'))
    parser.set_defaults(func=run)


def check_month_argument(month):
    from trytond.modules.care_procurement.service_list import MONTH
    if not MONTH.match(month):
        raise UnusableInput(_('Not a month written YYYY-MM: %s') % month)


def run(args):
    check_month_argument(args.month)
    # two runs at once: the loser starts again and finds the month computed
    computed, unchanged, ids, tasks = db.retried(_settle, args)
    if args.queue:
        if tasks:
            # No worker runs the queue: the tasks are run here, once queued
            _run_tasks(args.database, tasks)
        else:
            print(f'settlements: {computed} queued, {unchanged} unchanged')
            return 0
    with db.session(args.database, readonly=True) as pool:
        Settlement = pool.get('care.settlement')
        rows = [settlement_row(s) for s in sorted(Settlement.browse(ids),
                key=lambda s: s.contract.number)]
    net = sum(r['net'] for r in rows)
    if args.export:
        write_export(args.export, args.month, rows)
    print(f'settlements: {computed} computed, {unchanged} '
        f'unchanged, net {net:.2f}')
    return 0


def _settle(args):
    """Settle in one session: (computed, unchanged, ids of the settlements,
    tasks queued)"""
    from trytond.exceptions import UserError
    from trytond.transaction import Transaction
    with db.session(args.database) as pool:
        Contract = pool.get('care.contract')
        Settlement = pool.get('care.settlement')
        try:
            Settlement.check_months_ended([args.month])
        except UserError as error:
            # A month that has not ended is an unusable argument: exit 2
            raise UnusableInput(error.message)
        contracts = None
        if args.contract:
            contracts = Contract.search([('number', '=', args.contract)])
            if not contracts:
                raise UnusableInput(
                    _('No contract numbered %s') % args.contract)
        computed, unchanged = Settlement.settle(args.month, contracts,
            queue=args.queue)
        ids = [s.id for s in computed + unchanged]
        tasks = list(Transaction().tasks)
        Transaction().tasks.clear()
    return len(computed), len(unchanged), ids, tasks


def _run_tasks(database, task_ids):
    from trytond.pool import Pool
    from trytond.worker import run_task
    for task_id in task_ids:
        run_task(Pool(database), task_id)


def settlement_row(settlement):
    return {
        'contract': settlement.contract.number,
        'contractor': settlement.contractor.name,
        'persons': settlement.persons or 0,
        'visits': settlement.visits or 0,
        'gross': settlement.gross,
        'deductions': settlement.deductions,
        'net': settlement.net,
        'state': settlement.state,
        }


def write_export(path, month, rows, out=sys.stdout):
    "FORMATS.md: one row a contract, in contract-number order"
    columns = formats()['settlement']
    with open(path, 'w', encoding='utf-8-sig', newline='') as file:
        writer = SpreadsheetWriter(file)
        writer.writerow([columns[c] for c in columns])
        for row in rows:
            writer.writerow([month, row['contract'], row['contractor'],
                    row['persons'], row['visits'], f"{row['gross']:.2f}",
                    f"{row['deductions']:.2f}", f"{row['net']:.2f}",
                    row['state']])
