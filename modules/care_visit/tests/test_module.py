# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class CareVisitTestCase(ModuleTestCase):
    "Test Care Visit module"
    module = 'care_visit'


del ModuleTestCase
