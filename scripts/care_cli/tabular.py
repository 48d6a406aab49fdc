"""The CSV and XLSX files of FORMATS.md on disk, for the command line: the
parsing is the registry module's (shared with the client's uploads)."""
import os

from trytond.modules.social_assistance import tabular

from .i18n import _

# The words of each TableError code, given the path and the detail
ERRORS = {
    'not_text': lambda path, detail: _(
        'The file is neither UTF-8 nor GB18030 text: %s') % path,
    'empty': lambda path, detail: _('The file is empty: %s') % path,
    'not_xlsx': lambda path, detail: _(
        'The file is not a readable XLSX workbook: %s (%s)') % (
        path, detail),
    'missing_columns': lambda path, detail: _(
        'Required columns are missing: %s') % detail,
    }


class UnusableInput(Exception):
    "The file as a whole cannot be read: exit code 2"


def _unusable(error, path=''):
    return UnusableInput(ERRORS[error.code](path, error.detail))


def read_table(path):
    """Return (headers, rows) of the file's first sheet: rows are (line
    number, list of cell texts), the header being line 1."""
    if not os.path.isfile(path):
        raise UnusableInput(_('File not found: %s') % path)
    with open(path, 'rb') as file:
        data = file.read()
    try:
        return tabular.read_table(data, path.lower().endswith('.xlsx'))
    except tabular.TableError as error:
        raise _unusable(error, path)


def field_rows(headers, lines, model):
    "The lines as (line number, {field: text}) for the import model"
    try:
        return tabular.field_rows(headers, lines, model)
    except tabular.TableError as error:
        raise _unusable(error)


def rejected_path(path, suffix='.rejected.csv'):
    "persons.csv → persons.rejected.csv, visits.xlsx → visits.rejected.csv"
    base, _ext = os.path.splitext(path)
    return base + suffix


def write_rejected(path, headers, rows, line_header, reason_header,
        suffix='.rejected.csv'):
    """Write the rejected rows ((line, cells, reason)) next to the input, or
    remove an earlier file when there are none; return its path or None.
    The rows stored with warnings are written the same way, with the suffix
    .warnings.csv."""
    target = rejected_path(path, suffix)
    if not rows:
        if os.path.exists(target):
            os.remove(target)
        return None
    with open(target, 'w', encoding='utf-8-sig', newline='') as file:
        file.write(tabular.rejected_csv(headers, rows, line_header,
                reason_header))
    return target
