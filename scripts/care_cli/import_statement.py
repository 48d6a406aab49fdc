"""care import statement FILE: the treasury's bank statement (CSV or
XLSX: 交易日期, 收款人, 金额 paid out, 附言 the payment's reference).  Rows
that match a payment in processing are posted as one account_statement,
which marks the payments succeeded and their settlements paid; the others
are written to FILE.rejected.csv."""
import datetime as dt
import sys
from decimal import Decimal, InvalidOperation

from trytond.modules.social_assistance import tabular as module_tabular

from . import database as db
from .formats import formats, rejected_headers
from .i18n import _
from .tabular import UnusableInput, read_table, write_rejected


def add_parser(subparsers):
    parser = subparsers.add_parser('statement',
        help=_('import the bank statement that confirms payments'),
        description=_('Import a bank statement (CSV or XLSX with the columns '
            '%s). Each row must name a payment in '
            'processing by its reference, its payee and its exact amount; '
            'those rows are posted as one statement and their payments '
            'succeed. Other rows are written with their line number and '
            'reason to FILE.rejected.csv.') % ', '.join(
            formats()['bank_statement'].values()))
    parser.add_argument('file', metavar='FILE')
    parser.set_defaults(func=run)


def run(args):
    rejected = import_file(args.database, args.file)
    return 3 if rejected else 0


def import_file(database, path, out=sys.stdout):
    "Import the statement; return the number of rejected rows"
    from trytond.modules.care_settlement.statement import BankRow
    headers, lines = read_table(path)
    columns = formats()['bank_statement']
    try:
        indexes = module_tabular.map_columns(headers,
            {name: field for field, name in columns.items()}, columns)
    except module_tabular.TableError as error:
        raise UnusableInput(_('Required columns are missing: %s')
            % error.detail)
    rows, rejected = [], []
    for line, cells in lines:
        value = {f: cells[i].strip() if i < len(cells) else ''
            for f, i in indexes.items()}
        try:
            rows.append(BankRow(line=line,
                    date=dt.date.fromisoformat(value['date']),
                    payee=value['payee'],
                    amount=Decimal(value['amount'].replace(',', '')),
                    reference=value['reference']))
        except (ValueError, InvalidOperation):
            rejected.append((line, _('Not a date (YYYY-MM-DD) and an '
                        'amount: %s, %s') % (value['date'], value['amount'])))
    statement_name = None
    if rows:
        # two imports at once: the loser starts again and finds the
        # payments the winner posted already succeeded
        statement_name, matched, refused = db.retried(
            _post, database, rows)
        rejected += [(row.line, reason) for row, reason in refused]
    else:
        matched = 0
    cells = dict(lines)
    rejected.sort()
    written = write_rejected(path, headers,
        [(line, cells[line], reason) for line, reason in rejected],
        *rejected_headers())
    print(f'statement: {matched} payments succeeded, {len(rejected)} '
        f'rejected rows' + (f' ({statement_name})' if statement_name else ''),
        file=out)
    if written:
        print(_('Rejected rows written to %s') % written, file=out)
    return len(rejected)


def _post(database, rows):
    "Post the rows in one session: (statement name, matched, refused rows)"
    from trytond.modules.care_settlement.statement import import_bank_rows
    with db.session(database):
        statement, refused = import_bank_rows(rows,
            max(r.date for r in rows))
        return (statement.rec_name if statement else None,
            len(statement.lines) if statement else 0, refused)
