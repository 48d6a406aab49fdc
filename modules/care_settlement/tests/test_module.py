# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class CareSettlementTestCase(ModuleTestCase):
    "Test Care Settlement module"
    module = 'care_settlement'


del ModuleTestCase
