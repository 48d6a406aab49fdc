# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Unified Social Credit Codes (统一社会信用代码, GB 32100-2015).

Valid when the code has 18 characters of the GB 32100 alphabet and the right
check character, whatever the registration authority.  python-stdnum's
cn.uscc also requires the first 8 characters to be digits, which rejects the
codes of registration authorities given by letters: village collective
economic organisations (N…), trade unions (8…), others (Y…) may contract
(财政部令第102号 第六条) and must be accepted.
"""
import re

ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_FORMAT = re.compile(r'^[%s]{18}$' % ALPHABET)


def compact(code):
    "Return the code without spaces nor dashes, upper-case"
    return re.sub(r'[\s-]', '', code or '').upper()


def check_character(first17):
    "Return the GB 32100 check character of the first 17 characters"
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    # 31 - total mod 31, where 31 is written 0
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code):
    "Whether the code (compacted first) is a valid credit code"
    code = compact(code)
    return bool(_FORMAT.match(code)) and check_character(code[:17]) == code[17]
