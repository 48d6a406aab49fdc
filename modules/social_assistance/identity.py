# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Citizen identity numbers (公民身份号码, GB 11643-1999).

Validated as DESIGN.md "Identity numbers" says: 18 characters, the ISO 7064
MOD 11-2 check character, a real birth date and an existing province.  The
county part is deliberately not checked: python-stdnum's place check requires
the county code to have existed in the birth year, which rejects most elderly
residents whose numbers were issued decades after birth.
"""
import datetime as dt
import re

_FORMAT = re.compile(r'^\d{17}[\dX]$')
_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_CHECK = '10X98765432'
PROVINCES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23]
    + list(range(31, 38)) + list(range(41, 47)) + list(range(50, 55))
    + list(range(61, 66)) + [71, 81, 82])
EARLIEST_BIRTH = dt.date(1900, 1, 1)

# Reasons returned by identity_error(), used as message suffixes
FORMAT, CHECK_CHARACTER, BIRTH_DATE, PROVINCE = (
    'format', 'check_character', 'birth_date', 'province')


def compact(number):
    "Return the number without spaces, upper-case"
    return re.sub(r'\s', '', number or '').upper()


def check_character(first17):
    "Return the GB 11643 check character of the first 17 digits"
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def birth_date(number):
    "Return the birth date encoded in a compact number, or None"
    try:
        return dt.date(int(number[6:10]), int(number[10:12]),
            int(number[12:14]))
    except ValueError:
        return None


def gender(number):
    "Return 'male' or 'female' from the sequence digit"
    return 'male' if int(number[16]) % 2 else 'female'


def identity_error(number, today=None):
    """Return None when the compact number is valid, else the reason:
    one of FORMAT, CHECK_CHARACTER, BIRTH_DATE, PROVINCE."""
    if not number or not _FORMAT.match(number):
        return FORMAT
    if int(number[:2]) not in PROVINCES:
        return PROVINCE
    born = birth_date(number)
    today = today or dt.date.today()
    if not born or not (EARLIEST_BIRTH <= born <= today):
        return BIRTH_DATE
    if check_character(number[:17]) != number[17]:
        return CHECK_CHARACTER
    return None


def mask(number):
    "Show only the first 6 and the last 4 characters"
    if not number:
        return number
    return number[:6] + '*' * (len(number) - 10) + number[-4:]
