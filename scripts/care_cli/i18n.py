"""Translations of the command line's own words.

The modules' messages come from Tryton (locale/zh_CN.po of each module); the
command line's own lines come from care_cli/locale/zh_CN.po.  Chinese is the
default; CARE_LANG=en shows the English source strings.
"""
import os
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
