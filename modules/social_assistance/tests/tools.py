# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for the tests of the modules built on the registry"
from trytond.modules.social_assistance import identity
from trytond.pool import Pool


def make_id_number(birth='19450304', sequence='101', county='371522'):
    "A valid identity number"
    first = county + birth + sequence
    return first + identity.check_character(first)


def create_divisions(county='County', town='Town', village='Village',
        town_code='371522001'):
    "Create a county with one town and one village; return the three"
    Division = Pool().get('social_assistance.division')
    county, = Division.create([{'name': county, 'level': 'county',
                'code': town_code[:6] + '000000'}])
    town, = Division.create([{'name': town, 'level': 'town',
                'parent': county.id, 'code': town_code + '000'}])
    village, = Division.create([{'name': village, 'level': 'village',
                'parent': town.id, 'code': town_code + '001'}])
    return county, town, village
