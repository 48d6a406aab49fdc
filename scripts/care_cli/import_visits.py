"""care import visits FILE: the visit logs of FORMATS.md "visits"."""
import os
import sys

from . import database as db
from .formats import rejected_headers
from .i18n import _
from .progress import Progress
from .tabular import field_rows, read_table, write_rejected


def add_parser(subparsers):
    parser = subparsers.add_parser('visits',
        help=_('import visit logs (CSV or XLSX)'),
        description=_('Import visit logs from a CSV (UTF-8 or GB18030) or '
            'XLSX file. A visit already stored (same contract and external '
            'id) is left as it is; the visit rules decide which visits are '
            'accepted. Rows that cannot be stored are written with their '
            'line number and reason to FILE.rejected.csv. The file is '
            'stored whole or not at all.'))
    parser.add_argument('file', metavar='FILE')
    parser.set_defaults(func=run)


def run(args):
    result = import_file(args.database, args.file)
    return 3 if result.rejected else 0


def import_file(database, path, out=sys.stdout):
    "Import the visits in one transaction and return the VisitImportResult"
    headers, lines = read_table(path)
    result = db.retried(_import_rows, database, path, headers, lines)
    cells = dict(lines)
    rejected = write_rejected(path, headers,
        [(line, cells[line], reason) for line, reason in result.rejected],
        *rejected_headers())
    print(f'visits: {result.created} created ({result.accepted} accepted, '
        f'{result.rejected_by_rules} rejected), {result.unchanged} '
        f'unchanged, {len(result.rejected)} rejected rows', file=out)
    if rejected:
        print(_('Rejected rows written to %s') % rejected, file=out)
    return result


def _import_rows(database, path, headers, lines):
    with db.session(database) as pool:
        Log = pool.get('care.visit.log')
        rows = field_rows(headers, lines, Log)
        with Progress(os.path.basename(path), len(rows)) as progress:
            return Log.import_rows(rows, progress)
