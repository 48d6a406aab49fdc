# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The CSV and XLSX files of FORMATS.md: reading a first sheet, mapping its
columns to fields, and writing the rejected rows.

Shared by the command line (files on disk) and the client's upload wizards
(bytes); errors carry a code that each side words in its own catalogue.

One bad row never takes the file down: a cell the csv module or a database
would choke on is read as it is, and the import rejects its row
(`bad_cell`); only a file that is not text at all is unusable."""
import csv
import datetime as dt
import io
import re
import sys

from .text_check import NOT_TEXT, text_problem

# A cell without a size of its own (dates, words, numbers) is read up to
# this length; longer, it is no value of its column
CELL_SIZE = 200
# Valid dates outside these years are typing errors, and the first and last
# years of the calendar overflow time-zone conversions
YEARS = (1900, 2100)
# OWASP "CSV Injection": a spreadsheet runs a cell starting with one of
# these as a formula (the full-width ones too, on Chinese systems)
FORMULA_START = ('=', '+', '-', '@', '\t', '\r', '\n', '\0',
    '\uff1d', '\uff0b', '\uff0d', '\uff20')
# Control characters no text file holds (tab, CR and LF aside)
CONTROL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
NUMBER = re.compile(r'^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$')


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
    text = decode(data)
    # A cell of any length is read, and rejected with its row by the import
    if csv.field_size_limit() < len(text):
        csv.field_size_limit(min(len(text) + 1, sys.maxsize))
    return iter(csv.reader(io.StringIO(text, newline='')))


def decode(data):
    """The text of CSV bytes: UTF-8 with or without BOM, else GB18030 (as
    spreadsheets saved in China often are).  A file that is not wholly
    text in either is read in the encoding in which most of its lines are
    text, the header's among them; the bytes of the other lines that are
    no text are kept as lone surrogates, which reject their rows.  Raise
    TableError('not_text') when the header or most lines are no text in
    any encoding (an image, a workbook saved as .csv)."""
    encodings = ['utf-8', 'gb18030']
    if data.startswith(b'\xef\xbb\xbf'):
        data, encodings = data[3:], ['utf-8']
    lines = [line for line in data.split(b'\n') if line.strip()]
    scores = []
    for encoding in encodings:
        if not lines or _is_text(lines[0], encoding):
            bad = sum(not _is_text(line, encoding) for line in lines)
            scores.append((bad, encoding))
            if not bad:
                break
    # Fewest lines that are no text; UTF-8 on a tie (min keeps the first)
    bad, encoding = min(scores, key=lambda s: s[0], default=(None, None))
    if encoding is None or 2 * bad > len(lines):
        raise TableError('not_text')
    return data.decode(encoding, 'surrogateescape')


def _is_text(line, encoding):
    try:
        return not CONTROL.search(line.decode(encoding))
    except UnicodeDecodeError:
        return False


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


def bad_cell(raw, sizes):
    """The first cell of a raw row ({field: text}) that is no value: return
    (field, problem, size) with problem 'characters' (NUL, bytes that are
    not text) or 'length' (over its size: sizes[field], else CELL_SIZE);
    None when every cell is fine"""
    for field, text in raw.items():
        size = sizes.get(field, CELL_SIZE)
        problem = text_problem((text or '').strip(), size)
        if problem:
            return field, problem, size
    return None


def year_in_range(value):
    "Whether a date or datetime lies in the years YEARS"
    return YEARS[0] <= value.year <= YEARS[1]


def spreadsheet_cell(value):
    """The value as a spreadsheet must show it: a text starting as a
    formula gets a leading quote (OWASP CSV injection); numbers, and texts
    that are numbers (a negative amount "-12.50"), stay as they are"""
    if (isinstance(value, str) and value.startswith(FORMULA_START)
            and not NUMBER.match(value)):
        return "'" + value
    return value


def _printable(value):
    # Bytes that were no text cannot be written back: shown replaced
    if isinstance(value, str) and NOT_TEXT.search(value):
        return NOT_TEXT.sub('\ufffd', value)
    return value


class SpreadsheetWriter:
    """csv.writer for files a spreadsheet opens: every text cell passes
    through spreadsheet_cell.  The one CSV writer of the project."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(
            [spreadsheet_cell(_printable(v)) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def rejected_csv(headers, rows, line_header, reason_header):
    """The rejected rows ((line, cells, reason)) as CSV text: the columns
    of the input plus line and reason"""
    output = io.StringIO(newline='')
    writer = SpreadsheetWriter(output)
    writer.writerow(headers + [line_header, reason_header])
    for line, cells, reason in rows:
        cells = list(cells) + [''] * (len(headers) - len(cells))
        writer.writerow(cells[:len(headers)] + [line, reason])
    return output.getvalue()
