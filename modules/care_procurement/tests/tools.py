# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for the tests of the modules built on procurement"
from stdnum.cn import uscc

from trytond.modules.care_procurement.bid import USCC
from trytond.pool import Pool


def uscc_code(serial):
    "A valid Unified Social Credit Code numbered by serial"
    first = f'91371522MA3C{serial:05d}'
    return first + uscc.calc_check_digit(first)


def create_contractors(*names):
    "Create a contractor party (with its credit code) for each name"
    Party = Pool().get('party.party')
    return Party.create([{'name': name,
                'identifiers': [('create', [{
                                'type': USCC, 'code': uscc_code(serial)}])],
                } for serial, name in enumerate(names, start=1)])
