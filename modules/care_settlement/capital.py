# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Amounts in Chinese capitals (大写金额) as written on bills and vouchers.

The rules are those of 《支付结算办法》 (正确填写票据和结算凭证的基本规定):
元 then 角 and 分; 整 after 元 or 角 when there is no 分; one 零 for a run of
zeros inside the number, none for the zero a 万, 亿 or 元 stands on (both
are allowed; this is the form bank software prints); 零 before 分 when 角
is zero and there are yuan; 壹拾 is always written out, also at the start.
The characters live in capital.json."""
import functools
import json
import os
from decimal import Decimal

CENT = Decimal('0.01')
# Up to 9999万亿 yuan
LIMIT = 10 ** 16


@functools.cache
def _characters():
    path = os.path.join(os.path.dirname(__file__), 'capital.json')
    with open(path, encoding='utf-8') as file:
        return json.load(file)


def _below_ten_thousand(number):
    "Capitals of 1 ≤ number < 10,000, a zero written once per run"
    chars = _characters()
    digits, places = chars['digits'], chars['places']
    text, zero = [], False
    for position, digit in reversed(list(enumerate(
                    int(d) for d in reversed(str(number))))):
        if not digit:
            zero = True
            continue
        if zero and text:
            text.append(digits[0])
        zero = False
        text.append(digits[digit] + places[position])
    return ''.join(text)


def _integer(number):
    """Capitals of 1 ≤ number < LIMIT: the part above 亿 (or 万) and the rest,
    with 零 when the rest does not start right below the unit"""
    chars = _characters()
    for exponent, unit in [(8, chars['hundred_million']),
            (4, chars['ten_thousand'])]:
        if number >= 10 ** exponent:
            high, low = divmod(number, 10 ** exponent)
            text = _integer(high) + unit
            if low:
                if low < 10 ** (exponent - 1):
                    text += chars['digits'][0]
                text += _integer(low)
            return text
    return _below_ten_thousand(number)


def capital_amount(amount):
    """The amount in yuan (a Decimal or an int with at most two decimals) in
    Chinese capitals: Decimal('1001.01') → 壹仟零壹元零壹分.  Raise ValueError
    for negative, not finite, fractional cents or amounts of 10¹⁶ or more."""
    if isinstance(amount, float) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amount must be a Decimal or an int: {amount!r}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"amount is not finite: {amount}")
    if amount < 0:
        raise ValueError(f"amount is negative: {amount}")
    cents = amount.quantize(CENT)
    if cents != amount:
        raise ValueError(f"amount has fractions of a cent: {amount}")
    if cents >= LIMIT:
        raise ValueError(f"amount is too large: {amount}")
    chars = _characters()
    digits = chars['digits']
    yuan, fraction = divmod(int(cents * 100), 100)
    jiao, fen = divmod(fraction, 10)

    if not yuan and not fraction:
        return digits[0] + chars['yuan'] + chars['whole']
    text = ''
    if yuan:
        text = _integer(yuan) + chars['yuan']
    if jiao:
        text += digits[jiao] + chars['jiao']
    elif fen and yuan:
        text += digits[0]
    if fen:
        text += digits[fen] + chars['fen']
    else:
        text += chars['whole']
    return text
