"""care import statement FILE: the treasury's bank statement (CSV or
XLSX: 交易日期, 收款人, 金额 paid out, 附言 the payment's reference).  Rows
that match a payment in processing are posted as one account_statement,
which marks the payments succeeded and their settlements paid; the others
are written to FILE.rejected.csv.  The rows are read and matched by the
treasury format of Tryton's statement import wizard (care_settlement)."""
import sys

from . import database as db
from .formats import bank_statement_columns, rejected_headers
from .i18n import _
from .tabular import field_rows, read_table, write_rejected


def add_parser(subparsers):
    parser = subparsers.add_parser('statement',
        help=_('import the bank statement that confirms payments'),
        description=_('Import a bank statement (CSV or XLSX with the columns '
            '%s). Each row must name a payment in '
            'processing by its reference, its payee and its exact amount; '
            'those rows are posted as one statement and their payments '
            'succeed. Other rows are written with their line number and '
            'reason to FILE.rejected.csv.') % ', '.join(
            bank_statement_columns().values()))
    parser.add_argument('file', metavar='FILE')
    parser.set_defaults(func=run)


def run(args):
    rejected = import_file(args.database, args.file)
    return 3 if rejected else 0


def import_file(database, path, out=sys.stdout):
    "Import the statement; return the number of rejected rows"
    headers, lines = read_table(path)
    # two imports at once: the loser starts again and finds the payments
    # the winner posted already succeeded
    statement_name, matched, rejected = db.retried(
        _post, database, headers, lines)
    cells = dict(lines)
    written = write_rejected(path, headers,
        [(line, cells[line], reason) for line, reason in rejected],
        *rejected_headers())
    print(f'statement: {matched} payments succeeded, {len(rejected)} '
        f'rejected rows' + (f' ({statement_name})' if statement_name else ''),
        file=out)
    if written:
        print(_('Rejected rows written to %s') % written, file=out)
    return len(rejected)


def _post(database, headers, lines):
    """Post the rows in one session: (statement name, matched, [(line,
    reason)] rejected by line)"""
    with db.session(database) as pool:
        StatementImport = pool.get('account.statement.import',
            type='wizard')
        rows, rejected = StatementImport.bank_rows(
            field_rows(headers, lines, StatementImport))
        statement = None
        if rows:
            statement, refused = StatementImport.import_bank_rows(rows)
            rejected += [(row.line, reason) for row, reason in refused]
        return (statement.rec_name if statement else None,
            len(statement.lines) if statement else 0, sorted(rejected))
