# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The column names of a file format of FORMATS.md, kept as JSON data"
import json
import os
from functools import cache

from trytond.i18n import gettext

from .tools import RowError


@cache
def load_format(path):
    """The format at path: {"columns": {field: [Chinese name, English
    alias]}, "required": [field], ...}"""
    with open(path, encoding='utf-8') as file:
        return json.load(file)


class ImportFormatMixin:
    "Column lookups of an import model whose format is `_format_file`"
    __slots__ = ()
    _format_file = None  # a path next to the module

    @classmethod
    def file_format(cls):
        return load_format(cls._format_file)

    @classmethod
    def columns(cls):
        "Map each accepted column name to its field"
        return {name: field
            for field, names in cls.file_format()['columns'].items()
            for name in names}

    @classmethod
    def required_fields(cls):
        return cls.file_format()['required']

    @classmethod
    def header(cls, field):
        "The Chinese column name of the field"
        return cls.file_format()['columns'][field][0]

    @classmethod
    def row_error(cls, message, field=None, **kwargs):
        """The RowError of the message (a full id) naming the column of
        field"""
        if field:
            kwargs['column'] = cls.header(field)
        return RowError(gettext(message, **kwargs))


def format_path(module_file, name):
    return os.path.join(os.path.dirname(module_file), name)
