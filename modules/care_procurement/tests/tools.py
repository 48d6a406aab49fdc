# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for the tests of the modules built on procurement"
import io
import zipfile

from stdnum.cn import uscc

from trytond.modules.care_procurement.bid import USCC
from trytond.modules.company.tests import create_company
from trytond.modules.currency.tests import create_currency
from trytond.modules.social_assistance.tests.tools import (
    ActivatedTestCase as _ActivatedTestCase)
from trytond.pool import Pool
from trytond.transaction import Transaction


class ActivatedTestCase(_ActivatedTestCase):
    module = 'care_procurement'


def create_bureau(name):
    """Create the bureau, a company in CNY, and make it the current user's
    company as `care init` does for admin: the company rules show a user the
    records of its companies only"""
    User = Pool().get('res.user')
    company = create_company(name, currency=create_currency('CNY'))
    User.write([User(Transaction().user)], {
            'companies': [('add', [company.id])],
            'company': company.id,
            })
    return company


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


def content(report):
    "The content.xml of the ODT an execute of a report returned"
    extension, data, _, _ = report
    assert extension == 'odt', extension
    with zipfile.ZipFile(io.BytesIO(data)) as odt:
        return odt.read('content.xml').decode('utf-8')
