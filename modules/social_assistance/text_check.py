# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Texts a database stores: bounded, and without the NUL character that
PostgreSQL refuses (and bytes a file held that are no text)."""
import re

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError

# NUL, and the lone surrogates that stand for undecodable bytes of a file
NOT_TEXT = re.compile('[\x00\ud800-\udfff]')


def text_problem(text, size=None):
    """'characters' when the text holds NUL or bytes that are no text,
    'length' when it is longer than size, else None"""
    if not isinstance(text, str):
        return None
    if NOT_TEXT.search(text):
        return 'characters'
    if size is not None and len(text) > size:
        return 'length'
    return None


class TextCheckMixin:
    """Refuse, before any SQL, a Char or Text value with NUL or over its
    size: PostgreSQL would answer an error the user cannot read (or fail
    the unique index of a long key)"""
    __slots__ = ()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name, value in values.items():
            field = cls._fields.get(name)
            if not isinstance(field, fields.Char) or not isinstance(
                    value, str):
                continue
            size = field.size if isinstance(field.size, int) else None
            problem = text_problem(value, size)
            if problem == 'characters':
                raise ValidationError(gettext(
                        'social_assistance.msg_text_bad_characters',
                        **cls.__names__(name)))
            elif problem == 'length':
                raise ValidationError(gettext(
                        'social_assistance.msg_text_too_long',
                        length=len(value), size=size,
                        **cls.__names__(name)))
        return values
