# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The persons roster import (FORMATS.md) row by row, inside one transaction"
import datetime as dt
import json
import os

from trytond.modules.social_assistance.person_import import roster_format
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import ActivatedTestCase, create_divisions, make_id_number

WORDS = {field: {v: k for k, v in reversed(values.items())}
    for field, values in roster_format()['values'].items()}
# The relations as rosters write them (a data file: no Chinese in Python)
with open(os.path.join(os.path.dirname(__file__), 'kinship_roster.json'),
        encoding='utf-8') as file:
    KINSHIP = json.load(file)
WORDS['guardian_relation'] = {
    v: k for k, v in reversed(KINSHIP['known'].items())}


def row(**values):
    "A valid raw row with the given fields changed"
    base = {
        'id_number': make_id_number(),
        'name': 'Person',
        'town': 'Town',
        'village': 'Village',
        'support_mode': WORDS['support_mode']['scattered'],
        'start_date': '2020-01-01',
        }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


class PersonImportTestCase(ActivatedTestCase):
    "Import persons rosters"

    def run_import(self, rows, **kwargs):
        Roster = Pool().get('social_assistance.person.roster')
        return Roster.import_rows(
            list(enumerate(rows, start=2)), **kwargs)

    def person(self, number):
        Person = Pool().get('social_assistance.person')
        person, = Person.search([('id_number', '=', number)])
        return person

    @with_transaction()
    def test_create_then_unchanged(self):
        "A roster creates persons; importing it again changes nothing"
        create_divisions()
        rows = [
            row(),
            row(id_number=make_id_number(sequence='203'), name='Second',
                self_care=WORDS['self_care']['partial'],
                categories=WORDS['categories']['elderly'] + '、'
                + WORDS['categories']['disabled'],
                mental_illness=WORDS['mental_illness'][True],
                guardian_name='Guardian',
                guardian_id_number=make_id_number(birth='19700101'),
                guardian_relation=WORDS['guardian_relation']['child'],
                longitude='115.67', latitude='36.24'),
            ]
        result = self.run_import(rows)
        self.assertEqual(result[:3], (2, 0, 0))
        self.assertEqual(result.rejected, [])
        second = self.person(rows[1]['id_number'])
        self.assertEqual(second.self_care, 'partial')
        self.assertEqual(second.categories, ('disabled', 'elderly'))
        self.assertTrue(second.mental_illness)
        self.assertEqual(second.town.name, 'Town')
        self.assertEqual(second.division.name, 'Village')
        self.assertEqual(second.party.name, 'Second')
        self.assertEqual(second.birth_date, dt.date(1945, 3, 4))
        guardian, = second.guardians
        self.assertEqual(guardian.relation, 'child')
        assessment, = second.assessments
        self.assertEqual((assessment.kind, assessment.state),
            ('imported', 'done'))

        again = self.run_import(rows)
        self.assertEqual(again[:3], (0, 0, 2))
        self.assertEqual(len(self.person(rows[1]['id_number']).assessments),
            1)

    @with_transaction()
    def test_update_keeps_what_is_empty(self):
        "Empty optional cells leave stored values; guardians are never removed"
        create_divisions()
        number = make_id_number()
        self.run_import([row(id_number=number, phone='13800000000',
                    guardian_name='First')])
        result = self.run_import([row(id_number=number, name='Renamed',
                    guardian_name='Second')])
        self.assertEqual(result[:3], (0, 1, 0))
        person = self.person(number)
        self.assertEqual(person.name, 'Renamed')
        self.assertEqual(person.party.name, 'Renamed')
        self.assertEqual(person.phone, '13800000000')
        self.assertEqual(sorted(g.name for g in person.guardians),
            ['First', 'Second'])

    @with_transaction()
    def test_guardian_updated_by_number(self):
        "A known guardian (same number) is updated, not added"
        create_divisions()
        number, guardian = make_id_number(), make_id_number(birth='19700101')
        self.run_import([row(id_number=number, guardian_name='Old',
                    guardian_id_number=guardian)])
        result = self.run_import([row(id_number=number, guardian_name='New',
                    guardian_id_number=guardian, guardian_phone='139')])
        self.assertEqual(result.updated, 1)
        guardian, = self.person(number).guardians
        self.assertEqual((guardian.name, guardian.phone), ('New', '139'))

    @with_transaction()
    def test_death(self):
        "A death date terminates the person; the day before is the last"
        create_divisions()
        number = make_id_number()
        self.run_import([row(id_number=number)])
        result = self.run_import([row(id_number=number,
                    death_date='2024-05-01')])
        self.assertEqual(result.updated, 1)
        person = self.person(number)
        self.assertEqual(person.state, 'terminated')
        self.assertEqual(person.termination_reason, 'death')
        self.assertEqual(person.end_date, dt.date(2024, 4, 30))

    @with_transaction()
    def test_bad_rows(self):
        "Every kind of bad row is rejected with its line and a reason"
        create_divisions()
        good = make_id_number()
        wrong_check = good[:17] + ('0' if good[17] != '0' else '1')
        bad = {
            'bad check character': row(id_number=wrong_check),
            'short number': row(id_number=good[:17]),
            'impossible birth date': row(
                id_number=make_id_number(birth='19450231')),
            'unknown province': row(id_number=make_id_number(county='991522')),
            'missing name': row(id_number=make_id_number(sequence='301'),
                name=''),
            'missing start date': row(id_number=make_id_number(sequence='303'),
                start_date=None),
            'unknown support mode': row(
                id_number=make_id_number(sequence='305'),
                support_mode='unknown'),
            'unknown self-care level': row(
                id_number=make_id_number(sequence='307'), self_care='unknown'),
            'unknown category': row(id_number=make_id_number(sequence='309'),
                categories='unknown'),
            'bad mental illness': row(id_number=make_id_number(sequence='311'),
                mental_illness='maybe'),
            'impossible date': row(id_number=make_id_number(sequence='313'),
                start_date='2023-02-30'),
            'death before start': row(
                id_number=make_id_number(sequence='315'),
                death_date='2019-12-31'),
            'longitude outside China': row(
                id_number=make_id_number(sequence='317'), longitude='10.5'),
            'latitude not a number': row(
                id_number=make_id_number(sequence='319'), latitude='north'),
            'unknown town': row(id_number=make_id_number(sequence='321'),
                town='Elsewhere'),
            'unknown village': row(id_number=make_id_number(sequence='323'),
                village='Elsewhere'),
            'bad guardian number': row(
                id_number=make_id_number(sequence='325'),
                guardian_name='G', guardian_id_number='123'),
            'guardian without name': row(
                id_number=make_id_number(sequence='327'),
                guardian_phone='139'),
            'duplicate in file': row(id_number=good),
            }
        rows = [row(id_number=good)] + list(bad.values())
        result = self.run_import(rows)
        self.assertEqual(result.created, 1)
        rejected = dict(result.rejected)
        for line, kind in enumerate(bad, start=3):
            with self.subTest(kind=kind):
                self.assertIn(line, rejected)
                self.assertTrue(rejected[line])
        self.assertEqual(len(rejected), len(bad))
        # The reasons name the column at fault
        columns = roster_format()['columns']
        self.assertIn(columns['longitude'][0], rejected[3 + list(bad).index(
                    'longitude outside China')])

    @with_transaction()
    def test_cells_no_database_stores(self):
        """Cells too long for their field, a NUL, bytes that were no text,
        dates outside 1900-2100: rejected rows naming the column and the
        limit; and the same values refused by the ORM with a message"""
        from trytond.model.exceptions import ValidationError
        Person = Pool().get('social_assistance.person')
        create_divisions()
        columns = roster_format()['columns']
        bad = [
            (row(id_number=make_id_number(sequence='331'), name='x' * 101),
                [columns['name'][0], '100']),
            (row(id_number=make_id_number(sequence='333'),
                    address='\u71d5\x00'), [columns['address'][0], 'NUL']),
            (row(id_number=make_id_number(sequence='335'),
                    guardian_name='\udcff\udcfe'),
                [columns['guardian_name'][0], 'NUL']),
            (row(id_number=make_id_number(sequence='337'),
                    start_date='0001-01-01'),
                [columns['start_date'][0], '1900', '2100']),
            (row(id_number='3' * 10000), [columns['id_number'][0], '200']),
            ]
        result = self.run_import([row()] + [r for r, _ in bad] + [
                row(id_number=make_id_number(sequence='339'))])
        self.assertEqual(result.created, 2)
        rejected = dict(result.rejected)
        self.assertEqual(sorted(rejected), list(range(3, 3 + len(bad))))
        for line, (_, words) in enumerate(bad, start=3):
            for word in words:
                self.assertIn(word, rejected[line])

        person = self.person(row()['id_number'])
        for values in [{'name': 'x' * 101}, {'address': '\u71d5\x00'}]:
            with self.subTest(values=values):
                with self.assertRaises(ValidationError):
                    Person.write([person], values)

    @with_transaction()
    def test_town_by_code_and_created(self):
        "Towns are found by 9- or 12-digit code; unknown ones created on demand"
        create_divisions()
        result = self.run_import([
                row(id_number=make_id_number(sequence='401'),
                    town='371522001', village='371522001001'),
                row(id_number=make_id_number(sequence='403'),
                    town='371522001000', village=''),
                row(id_number=make_id_number(sequence='405'),
                    town='New Town', village='New Village'),
                ], create_divisions=True)
        self.assertEqual(result.created, 3)
        self.assertEqual(result.rejected, [])
        new = self.person(make_id_number(sequence='405'))
        self.assertEqual((new.town.name, new.division.name),
            ('New Town', 'New Village'))
        self.assertEqual(new.town.parent.level, 'county')
        on_town = self.person(make_id_number(sequence='403'))
        self.assertEqual(on_town.division, on_town.town)


    @with_transaction()
    def test_relations_as_written(self):
        """Every relation of issue 14 as a roster writes it: all persons
        stored, each guardian with its category and the words kept; words no
        table knows give category other and a warning, never a rejection"""
        create_divisions()
        words = list(KINSHIP['known']) + KINSHIP['unknown']
        roles = list(KINSHIP['roles'])
        rows = [row(id_number=make_id_number(sequence=f'{500 + 2 * i:03d}'),
                guardian_name=f'Guardian {i}', guardian_relation=word,
                guardian_role=roles[i % len(roles)])
            for i, word in enumerate(words)]
        result = self.run_import(rows)
        self.assertEqual(result.rejected, [])
        self.assertEqual(result.created, len(words))
        self.assertEqual(len(result.warnings), len(KINSHIP['unknown']))
        warned_lines = {line for line, _ in result.warnings}
        for i, word in enumerate(words):
            with self.subTest(word=word):
                guardian, = self.person(rows[i]['id_number']).guardians
                self.assertEqual(guardian.relation_text, word)
                self.assertEqual(guardian.relation,
                    KINSHIP['known'].get(word, 'other'))
                self.assertEqual(guardian.role,
                    KINSHIP['roles'][roles[i % len(roles)]])
                self.assertEqual(i + 2 in warned_lines,
                    word in KINSHIP['unknown'])
        # The warning names the column and the words
        line, reason = result.warnings[0]
        self.assertIn(KINSHIP['unknown'][0], reason)
        self.assertIn(roster_format()['columns']['guardian_relation'][0],
            reason)

        # Again: nothing changes, and the warnings are given again
        again = self.run_import(rows)
        self.assertEqual(again[:3], (0, 0, len(words)))
        self.assertEqual(len(again.warnings), len(KINSHIP['unknown']))

    @with_transaction()
    def test_guardian_role_and_basis(self):
        """The role column sets the role (guardian by default, an empty cell
        leaves it); a new guardian gets the basis of its category"""
        create_divisions()
        number = make_id_number()
        by_role = {v: k for k, v in KINSHIP['roles'].items()}
        self.run_import([row(id_number=number, guardian_name='G',
                    guardian_relation=WORDS['guardian_relation'][
                        'village_committee'])])
        guardian, = self.person(number).guardians
        self.assertEqual((guardian.role, guardian.legal_basis),
            ('guardian', 'public'))
        self.run_import([row(id_number=number, guardian_name='G',
                    guardian_role=by_role['carer'])])
        guardian, = self.person(number).guardians
        self.assertEqual(guardian.role, 'carer')
        self.run_import([row(id_number=number, guardian_name='G')])
        guardian, = self.person(number).guardians
        self.assertEqual(guardian.role, 'carer')
        result = self.run_import([row(id_number=make_id_number(
                        sequence='701'), guardian_name='G',
                    guardian_role='?')])
        self.assertEqual(len(result.rejected), 1)
