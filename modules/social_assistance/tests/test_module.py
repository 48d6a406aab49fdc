# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import unittest
from contextlib import contextmanager

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, PartyCompanyCheckEraseMixin)
from trytond.modules.party.exceptions import EraseError
from trytond.modules.party.tests import PartyCheckReplaceMixin
from trytond.modules.social_assistance import identity
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import create_divisions, make_id_number


class IdentityTestCase(unittest.TestCase):
    "Identity numbers as DESIGN.md says"

    def test_valid(self):
        "A number with its check character is valid"
        self.assertIsNone(identity.identity_error(make_id_number()))
        # The official GB 11643 example
        self.assertIsNone(identity.identity_error('11010519491231002X'))

    def test_elderly_from_younger_county(self):
        "The county need not have existed in the birth year"
        # 371522 (莘县's code) dates from 1997
        self.assertIsNone(identity.identity_error(
                make_id_number(birth='19300101')))

    def test_invalid(self):
        "Each kind of invalid number gives its reason"
        good = make_id_number()
        wrong_check = good[:17] + ('0' if good[17] != '0' else '1')
        for number, reason in [
                ('', identity.FORMAT),
                (good[:17], identity.FORMAT),
                (good[:16] + 'X' + good[17], identity.FORMAT),
                (wrong_check, identity.CHECK_CHARACTER),
                (make_id_number(birth='19450230'), identity.BIRTH_DATE),
                (make_id_number(birth='18991231'), identity.BIRTH_DATE),
                (make_id_number(birth='20991231'), identity.BIRTH_DATE),
                (make_id_number(county='991522'), identity.PROVINCE),
                (make_id_number(county='161522'), identity.PROVINCE),
                ]:
            with self.subTest(number=number):
                self.assertEqual(identity.identity_error(number), reason)

    def test_birth_date_and_gender(self):
        number = make_id_number(birth='19450304', sequence='102')
        self.assertEqual(identity.birth_date(number), dt.date(1945, 3, 4))
        self.assertEqual(identity.gender(number), 'female')

    def test_mask(self):
        self.assertEqual(identity.mask('371522194503041016'),
            '371522********1016')

    def test_compact(self):
        self.assertEqual(identity.compact(' 11010519491231002x '),
            '11010519491231002X')


class SocialAssistanceTestCase(
        PartyCompanyCheckEraseMixin, PartyCheckReplaceMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Social Assistance module"
    module = 'social_assistance'

    def make_person(self, village, **values):
        Person = Pool().get('social_assistance.person')
        person, = Person.create([{'name': 'Person', 'division': village.id,
                    'id_number': make_id_number(),
                    'start_date': dt.date(2020, 1, 1), **values}])
        return person

    @contextmanager
    def as_reader(self):
        "As a user of no group, with access checks on as over RPC"
        User = Pool().get('res.user')
        reader, = User.create([{'login': 'reader', 'name': 'Reader'}])
        transaction = Transaction()
        with transaction.set_user(reader.id), \
                transaction.set_context(_check_access=True):
            yield

    @with_transaction()
    def test_level(self):
        "The self-care level from the number of indicators not met"
        Assessment = Pool().get('social_assistance.assessment')
        self.assertEqual([Assessment.level_of(n) for n in range(7)],
            ['capable', 'partial', 'partial', 'partial', 'none', 'none',
                'none'])

    @with_transaction()
    def test_derived_fields(self):
        "Birth date, gender and town follow the number and the division"
        pool = Pool()
        Division = pool.get('social_assistance.division')
        _, town, village = create_divisions()
        other, = Division.create([{'name': 'Other', 'level': 'town',
                    'parent': town.parent.id}])
        person = self.make_person(village,
            id_number=make_id_number(birth='19450304', sequence='102'))
        self.assertEqual(
            (person.birth_date, person.gender, person.town),
            (dt.date(1945, 3, 4), 'female', town))
        person.id_number = make_id_number(birth='19500607', sequence='113')
        person.division = other
        person.save()
        self.assertEqual(
            (person.birth_date, person.gender, person.town),
            (dt.date(1950, 6, 7), 'male', other))

    @with_transaction()
    def test_party_replace(self):
        "Replacing a person's party moves the person to the other party"
        pool = Pool()
        Party = pool.get('party.party')
        Person = pool.get('social_assistance.person')
        Replace = pool.get('party.replace', type='wizard')
        _, _, village = create_divisions()
        person = self.make_person(village)
        other, = Party.create([{'name': person.party.name}])
        session_id, _, _ = Replace.create()
        Replace.execute(session_id, {'ask': {
                    'source': person.party.id,
                    'destination': other.id,
                    }}, 'replace')
        row, = Person.read([person.id], ['party'])
        self.assertEqual(row['party'], other.id)

    @with_transaction()
    def test_party_erase(self):
        "The party of a person not terminated cannot be erased"
        pool = Pool()
        Party = pool.get('party.party')
        Person = pool.get('social_assistance.person')
        Erase = pool.get('party.erase', type='wizard')
        _, _, village = create_divisions()
        person = self.make_person(village)
        Party.write([person.party], {'active': False})

        def erase():
            session_id, _, _ = Erase.create()
            Erase.execute(session_id, {'ask': {'party': person.party.id}},
                'erase')
        Person.start_suspension([person], dt.date(2021, 1, 1), 'reason')
        with self.assertRaises(EraseError):
            erase()
        Person.end_eligibility([person], 'death', dt.date(2022, 1, 1))
        erase()
        # Read from the table: the wizard erases in SQL
        (party,), (row,) = (Party.read([person.party.id], ['name']),
            Person.read([person.id], ['name']))
        self.assertEqual((party['name'], row['name']), (None, 'Person'))

    @with_transaction()
    def test_active_on_day(self):
        "The rule 'active on day d' agrees in Python and in SQL"
        pool = Pool()
        Person = pool.get('social_assistance.person')
        _, _, village = create_divisions()
        person = self.make_person(village)
        Person.start_suspension([person], dt.date(2020, 3, 1), 'reason')
        Person.end_suspension([person], dt.date(2020, 4, 1))
        Person.end_eligibility([person], 'death', dt.date(2020, 6, 10))
        person = Person(person.id)

        cursor = Transaction().connection.cursor()
        table = Person.__table__()
        expected = {
            dt.date(2019, 12, 31): False,  # before the start
            dt.date(2020, 1, 1): True,
            dt.date(2020, 3, 1): False,  # suspended
            dt.date(2020, 3, 31): False,
            dt.date(2020, 4, 1): True,  # resumed
            dt.date(2020, 6, 9): True,  # the day before the death
            dt.date(2020, 6, 10): False,
            }
        for day, active in expected.items():
            with self.subTest(day=day):
                self.assertEqual(person.is_active_on(day), active)
                cursor.execute(*table.select(table.id,
                        where=Person.active_on_condition(table, day)))
                self.assertEqual(bool(cursor.fetchall()), active)
        self.assertEqual(person.end_date, dt.date(2020, 6, 9))

    @with_transaction()
    def test_suspension_overlap(self):
        "Suspension periods of a person cannot overlap"
        pool = Pool()
        Suspension = pool.get('social_assistance.person.suspension')
        _, _, village = create_divisions()
        person = self.make_person(village)
        Suspension.create([{'person': person.id,
                    'from_date': dt.date(2021, 1, 1),
                    'to_date': dt.date(2021, 2, 1), 'reason': 'a'}])
        with self.assertRaises(ValidationError):
            Suspension.create([{'person': person.id,
                        'from_date': dt.date(2021, 1, 15), 'reason': 'b'}])

    @with_transaction()
    def test_masked_for_others(self):
        "Users outside the registry group read masked identity numbers"
        pool = Pool()
        Person = pool.get('social_assistance.person')
        _, _, village = create_divisions()
        person = self.make_person(village)
        with self.as_reader():
            row, = Person.read([person.id], ['id_number'])
            self.assertEqual(row['id_number'], identity.mask(
                    person.id_number))
            self.assertIn('********', Person(person.id).rec_name)
        with Transaction().set_context(_check_access=True):
            row, = Person.read([person.id], ['id_number'])
            self.assertEqual(row['id_number'], person.id_number)

    @with_transaction()
    def test_only_registry_edits(self):
        "Users outside the registry group read persons but cannot change them"
        pool = Pool()
        Person = pool.get('social_assistance.person')
        _, _, village = create_divisions()
        person = self.make_person(village)
        with self.as_reader():
            self.assertEqual(Person.search([]), [person])
            with self.assertRaises(AccessError):
                Person.write([person], {'name': 'Changed'})
            with self.assertRaises(AccessError):
                Person.delete([person])
            with self.assertRaises(AccessError):
                Person.create([{'name': 'New', 'division': village.id,
                            'id_number': make_id_number(sequence='999'),
                            'start_date': dt.date(2020, 1, 1)}])


del ModuleTestCase
