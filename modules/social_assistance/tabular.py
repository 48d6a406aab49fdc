# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The CSV and XLSX files of FORMATS.md: reading a first sheet, mapping its
columns to fields, and writing the rejected rows.

Shared by the command line (files on disk) and the client's upload wizards
(bytes); errors carry a code that each side words in its own catalogue."""
import csv
import datetime as dt
import io


class TableError(Exception):
    """The file as a whole cannot be read: code is one of not_text, empty,
    not_xlsx, missing_columns; detail the exception or the missing names"""

    def __init__(self, code, detail=''):
        super().__init__(code, detail)
        self.code, self.detail = code, detail


def read_table(data, xlsx=False):
    """Return (headers, rows) of the data's first sheet: rows are (line
    number, list of cell texts), the header being line 1; blank lines are
    skipped."""
    lines = _xlsx_lines(data) if xlsx else _csv_lines(data)
    try:
        headers = next(lines)
    except StopIteration:
        raise TableError('empty')
    headers = [h.strip() for h in headers]
    rows = [(number, cells) for number, cells in enumerate(lines, start=2)
        if any(c.strip() for c in cells)]
    return headers, rows


def _csv_lines(data):
    # UTF-8 with or without BOM first; spreadsheets saved in China often
    # use GB18030 instead
    for encoding in ['utf-8-sig', 'gb18030']:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError('not_text')
    return iter(csv.reader(io.StringIO(text, newline='')))


def _xlsx_lines(data):
    import openpyxl
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True,
            data_only=True)
    except Exception as exception:
        raise TableError('not_xlsx', str(exception))
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
    """Return {field: index} for the known headers; raise TableError naming
    the required fields that have no column (aliases maps column name to
    field, required maps field to its display name)."""
    indexes = {}
    for index, header in enumerate(headers):
        field = aliases.get(header)
        if field and field not in indexes:
            indexes[field] = index
    missing = [name for field, name in required.items()
        if field not in indexes]
    if missing:
        raise TableError('missing_columns', ', '.join(missing))
    return indexes


def field_rows(headers, lines, model):
    """The lines as (line number, {field: cell text}) for an import model
    (its columns(), required_fields() and header())"""
    indexes = map_columns(headers, model.columns(),
        {f: model.header(f) for f in model.required_fields()})
    return [(line, {f: cells[i] if i < len(cells) else ''
                for f, i in indexes.items()})
        for line, cells in lines]


def rejected_csv(headers, rows, line_header, reason_header):
    """The rejected rows ((line, cells, reason)) as CSV text: the columns
    of the input plus line and reason"""
    output = io.StringIO(newline='')
    writer = csv.writer(output)
    writer.writerow(headers + [line_header, reason_header])
    for line, cells, reason in rows:
        cells = list(cells) + [''] * (len(headers) - len(cells))
        writer.writerow(cells[:len(headers)] + [line, reason])
    return output.getvalue()
