"""Reading the CSV and XLSX files of FORMATS.md and writing rejected rows."""
import csv
import datetime as dt
import io
import os

from .i18n import _


class UnusableInput(Exception):
    "The file as a whole cannot be read: exit code 2"


def read_table(path):
    """Return (headers, rows) of the file's first sheet: rows are (line
    number, list of cell texts), the header being line 1; blank lines are
    skipped."""
    if not os.path.isfile(path):
        raise UnusableInput(_('File not found: %s') % path)
    if path.lower().endswith('.xlsx'):
        lines = _xlsx_lines(path)
    else:
        lines = _csv_lines(path)
    try:
        headers = next(lines)
    except StopIteration:
        raise UnusableInput(_('The file is empty: %s') % path)
    headers = [h.strip() for h in headers]
    rows = [(number, cells) for number, cells in enumerate(lines, start=2)
        if any(c.strip() for c in cells)]
    return headers, rows


def _csv_lines(path):
    with open(path, 'rb') as file:
        data = file.read()
    # UTF-8 with or without BOM first; spreadsheets saved in China often
    # use GB18030 instead
    for encoding in ['utf-8-sig', 'gb18030']:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnusableInput(
            _('The file is neither UTF-8 nor GB18030 text: %s') % path)
    return iter(csv.reader(io.StringIO(text, newline='')))


def _xlsx_lines(path):
    import openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exception:
        raise UnusableInput(
            _('The file is not a readable XLSX workbook: %s (%s)')
            % (path, exception))
    sheet = book.worksheets[0]
    return ([_cell_text(c) for c in row]
        for row in sheet.iter_rows(values_only=True))


def _cell_text(value):
    if value is None:
        return ''
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.strftime('%Y-%m-%d %H:%M:%S')
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def map_columns(headers, aliases, required):
    """Return {field: index} for the known headers; raise UnusableInput
    naming the required fields that have no column (aliases maps column
    name to field, required maps field to its display name)."""
    indexes = {}
    for index, header in enumerate(headers):
        field = aliases.get(header)
        if field and field not in indexes:
            indexes[field] = index
    missing = [name for field, name in required.items()
        if field not in indexes]
    if missing:
        raise UnusableInput(
            _('Required columns are missing: %s') % ', '.join(missing))
    return indexes


def field_rows(headers, lines, model):
    """The lines as (line number, {field: cell text}) for an import model
    (its columns(), required_fields() and header()); raise UnusableInput
    when a required column is missing"""
    indexes = map_columns(headers, model.columns(),
        {f: model.header(f) for f in model.required_fields()})
    return [(line, {f: cells[i] if i < len(cells) else ''
                for f, i in indexes.items()})
        for line, cells in lines]


def rejected_path(path):
    "persons.csv → persons.rejected.csv, visits.xlsx → visits.rejected.csv"
    base, _ext = os.path.splitext(path)
    return base + '.rejected.csv'


def write_rejected(path, headers, rows, line_header, reason_header):
    """Write the rejected rows ((line, cells, reason)) next to the input, or
    remove an earlier file when there are none; return its path or None."""
    target = rejected_path(path)
    if not rows:
        if os.path.exists(target):
            os.remove(target)
        return None
    with open(target, 'w', encoding='utf-8-sig', newline='') as file:
        writer = csv.writer(file)
        writer.writerow(headers + [line_header, reason_header])
        for line, cells, reason in rows:
            cells = list(cells) + [''] * (len(headers) - len(cells))
            writer.writerow(cells[:len(headers)] + [line, reason])
    return target
