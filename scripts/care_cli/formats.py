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
