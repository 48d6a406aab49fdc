"""care import persons FILE: the roster of FORMATS.md "persons"."""
import os
import sys

from . import database as db
from .formats import rejected_headers
from .i18n import _
from .progress import Progress
from .tabular import field_rows, read_table, write_rejected


def add_parser(subparsers):
    parser = subparsers.add_parser('persons',
        help=_('import a roster of persons (CSV or XLSX)'),
        description=_('Import persons from a CSV (UTF-8 or GB18030) or XLSX '
            'roster. Known identity numbers update their person; rejected '
            'rows are written with their line number and reason to '
            'FILE.rejected.csv, rows stored with a warning (a relation it '
            'does not know) to FILE.warnings.csv. The file is stored whole '
            'or not at all.'))
    parser.add_argument('file', metavar='FILE')
    parser.add_argument('--create-divisions', action='store_true',
        help=_('create unknown towns (under the county) and villages (under '
            'their town) instead of rejecting their rows'))
    parser.set_defaults(func=run)


def run(args):
    result = import_file(args.database, args.file, args.create_divisions)
    return 3 if result.rejected else 0


def import_file(database, path, create_divisions=False, out=sys.stdout):
    "Import the roster in one transaction and return the ImportResult"
    headers, lines = read_table(path)
    result = db.retried(_import_rows, database, path, headers, lines,
        create_divisions)
    cells = dict(lines)
    rejected = write_rejected(path, headers,
        [(line, cells[line], reason) for line, reason in result.rejected],
        *rejected_headers())
    warned = write_rejected(path, headers,
        [(line, cells[line], reason) for line, reason in result.warnings],
        *rejected_headers(), suffix='.warnings.csv')
    # FORMATS.md: ", N warnings" only when rows were stored with warnings
    warnings = (f', {len(result.warnings)} warnings' if result.warnings
        else '')
    print(f'persons: {result.created} created, {result.updated} updated, '
        f'{result.unchanged} unchanged, {len(result.rejected)} rejected'
        f'{warnings}', file=out)
    if rejected:
        print(_('Rejected rows written to %s') % rejected, file=out)
    if warned:
        print(_('Rows stored with warnings written to %s') % warned,
            file=out)
    return result


def _import_rows(database, path, headers, lines, create_divisions):
    with db.session(database) as pool:
        Roster = pool.get('social_assistance.person.roster')
        rows = field_rows(headers, lines, Roster)
        with Progress(os.path.basename(path), len(rows)) as progress:
            return Roster.import_rows(rows, create_divisions, progress)
