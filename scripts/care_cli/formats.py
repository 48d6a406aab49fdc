"The Chinese column names of the files the command line writes"
import json
import os
from functools import cache


@cache
def formats():
    path = os.path.join(os.path.dirname(__file__), 'data', 'formats.json')
    with open(path, encoding='utf-8') as file:
        return json.load(file)


def rejected_headers():
    "The (line, reason) column names of a rejected file"
    names = formats()['rejected']
    return names['line'], names['reason']


def bank_statement_columns():
    """{field: column name} of the treasury's bank statement: the format of
    care_settlement's statement import, read without loading its models"""
    from trytond.modules import care_settlement
    from trytond.modules.social_assistance.import_format import (
        format_path, load_format)
    columns = load_format(format_path(care_settlement.__file__,
            'bank_statement_format.json'))['columns']
    return {field: names[0] for field, names in columns.items()}
