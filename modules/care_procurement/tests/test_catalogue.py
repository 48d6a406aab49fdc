# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The standard service catalogue the module ships: its codes, units and
minimum durations are a contract (DESIGN.md "Standard service catalogue")."""
import os
import re

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import ActivatedTestCase

DESIGN = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
    'shared', 'DESIGN.md')
# The rows of DESIGN.md's table, as they stood when the catalogue was
# extended (住院陪护, safety checks, health monitoring, psychiatric placement)
CATALOGUE = {
    'HC-MEAL': ('visit', 15), 'HC-CLEAN': ('hour', 60),
    'HC-BATH': ('visit', 30), 'HC-MED': ('visit', 30),
    'HC-ERRAND': ('visit', 15), 'HC-CARE': ('hour', 60),
    'HC-REHAB': ('hour', 30), 'HC-MIND': ('visit', 30),
    'HC-PATROL': ('visit', 10), 'SW-COUNSEL': ('hour', 30),
    'HC-HOSP': ('day', 0), 'HC-SAFE': ('visit', 10),
    'HC-HEALTH': ('visit', 15), 'CC-PLACE': ('day', 0),
    'CC-PSY': ('day', 0),
    }


def design_catalogue():
    "The catalogue table of DESIGN.md when it is beside the checkout"
    path = os.path.normpath(DESIGN)
    if not os.path.exists(path):
        return None
    rows = {}
    with open(path, encoding='utf-8') as design:
        text = design.read()
    table = text.split('## Standard service catalogue', 1)[1].split(
        '\n## ', 1)[0]
    for match in re.finditer(
            r'^\| ([A-Z]{2}-[A-Z]+) \| [^|]+ \| (\w+) \| (\d+) \|$', table,
            re.MULTILINE):
        rows[match.group(1)] = (match.group(2), int(match.group(3)))
    return rows


class CatalogueTestCase(ActivatedTestCase):
    "The shipped service catalogue"

    @with_transaction()
    def test_shipped_catalogue(self):
        "Every code of the standard catalogue is shipped with its unit"
        Service = Pool().get('care.service')
        shipped = {s.code: (s.unit, s.min_minutes)
            for s in Service.search([])}
        self.assertEqual(shipped, CATALOGUE)

    def test_catalogue_is_design(self):
        "The expected catalogue is DESIGN.md's table"
        rows = design_catalogue()
        if rows is None:
            self.skipTest('DESIGN.md is not beside the checkout')
        self.assertEqual(rows, CATALOGUE)
