"""Translations of the command line's own words.

The modules' messages come from Tryton (locale/zh_CN.po of each module); the
command line's own lines come from care_cli/locale/zh_CN.po.  Chinese is the
default; CARE_LANG=en shows the English source strings.
"""
import os
import unicodedata
from functools import cache

import polib


@cache
def _catalog():
    if os.environ.get('CARE_LANG', 'zh_CN').startswith('en'):
        return {}
    path = os.path.join(os.path.dirname(__file__), 'locale', 'zh_CN.po')
    if not os.path.exists(path):
        return {}
    return {e.msgid: e.msgstr for e in polib.pofile(path)
        if e.msgstr and not e.obsolete}


def _(text):
    "Return the translation of text"
    return _catalog().get(text, text)


def N_(text):
    "Mark text for extraction; it is translated where it is shown"
    return text


def screen_width(text):
    "The columns text takes on a terminal: Chinese characters take two"
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1
        for c in text)


def pad(text, width):
    "Pad text with spaces to the screen width"
    return text + ' ' * max(0, width - screen_width(text))
