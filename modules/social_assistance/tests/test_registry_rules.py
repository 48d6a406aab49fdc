# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The registry rules of issue 14: guardians and carers (Civil Code), the
termination and its public notice, minors turning 18, categories against
the age at recognition (Min Fa [2021] No. 43), disability"""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.social_assistance.guardian import (
    kinship_words, relation_category)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import (
    ActivatedTestCase, acting_as, create_divisions, make_id_number)


def birth(date):
    "The birth part of an identity number"
    return date.strftime('%Y%m%d')


class RegistryRulesTestCase(ActivatedTestCase):
    "Registry rules"

    def make_person(self, village, sequence='101', **values):
        Person = Pool().get('social_assistance.person')
        values.setdefault('id_number', make_id_number(sequence=sequence))
        person, = Person.create([{'name': 'Person', 'division': village.id,
                    'start_date': dt.date(2020, 1, 1), **values}])
        return person

    def today(self):
        return Pool().get('ir.date').today()

    # Guardians

    @with_transaction()
    def test_relation_words(self):
        """The table of words knows only the categories of DESIGN.md (in
        the Civil Code's order); unknown words map to none"""
        Guardian = Pool().get('social_assistance.guardian')
        categories = [c for c, _ in Guardian.relation.selection if c]
        self.assertEqual(categories, ['parent', 'spouse', 'child',
                'grandparent', 'sibling', 'grandchild', 'relative',
                'individual', 'village_committee', 'civil_affairs',
                'institution', 'other'])
        self.assertLessEqual(set(kinship_words().values()), set(categories))
        self.assertEqual(set(kinship_words().values()), set(categories))
        self.assertEqual(relation_category(None), None)
        self.assertEqual(relation_category(''), None)
        self.assertEqual(relation_category('?'), None)
        self.assertEqual(
            [c for c, _ in Guardian.role.selection],
            ['guardian', 'carer', 'contact'])
        self.assertEqual(
            [c for c, _ in Guardian.legal_basis.selection if c],
            ['statutory', 'will', 'agreement', 'appointed', 'temporary',
                'public', 'voluntary'])

    @with_transaction()
    def test_needs_guardian_counts_guardians_only(self):
        "A carer or an emergency contact is no guardian"
        pool = Pool()
        Person = pool.get('social_assistance.person')
        Guardian = pool.get('social_assistance.guardian')
        _, _, village = create_divisions()
        person = self.make_person(village, mental_illness=True)
        self.assertTrue(person.needs_guardian)
        start = self.today() - dt.timedelta(days=10)
        Guardian.create([
                {'person': person.id, 'name': 'Carer', 'role': 'carer',
                    'relation': 'individual', 'start_date': start},
                {'person': person.id, 'name': 'Contact', 'role': 'contact',
                    'relation': 'relative', 'start_date': start},
                ])
        self.assertTrue(Person(person.id).needs_guardian)
        self.assertEqual(
            Person.search([('needs_guardian', '=', True)]), [person])
        # An ended guardian is no current one
        ended, = Guardian.create([{'person': person.id, 'name': 'Son',
                    'role': 'guardian', 'relation': 'child',
                    'start_date': start - dt.timedelta(days=100),
                    'end_date': start - dt.timedelta(days=1)}])
        self.assertTrue(Person(person.id).needs_guardian)
        Guardian.create([{'person': person.id, 'name': 'Daughter',
                    'relation': 'child', 'start_date': start}])
        self.assertFalse(Person(person.id).needs_guardian)
        self.assertEqual(Person.search([('needs_guardian', '=', True)]), [])
        self.assertEqual(
            Person.search([('needs_guardian', '=', False)]), [person])

    @with_transaction()
    def test_guardian_document_required(self):
        """A guardian outside the statutory order of close relatives needs
        the consent or appointment (Civil Code arts. 27, 28)"""
        Guardian = Pool().get('social_assistance.guardian')
        _, _, village = create_divisions()
        person = self.make_person(village, mental_illness=True)
        for relation in ['relative', 'individual', 'institution']:
            with self.subTest(relation=relation):
                with self.assertRaises(ValidationError) as cm:
                    Guardian.create([{'person': person.id, 'name': 'Aunt',
                                'relation': relation,
                                'relation_text': 'aunt'}])
                self.assertIn('arts. 27 and 28', cm.exception.message)
                self.assertIn('Aunt', cm.exception.message)
        # With the consent; a carer or contact needs none, nor a
        # grandparent (statutory order)
        guardians = Guardian.create([
                {'person': person.id, 'name': 'Aunt', 'relation': 'relative',
                    'document': b'%PDF-1.4 consent',
                    'document_name': 'consent.pdf'},
                {'person': person.id, 'name': 'Neighbour', 'role': 'carer',
                    'relation': 'individual'},
                {'person': person.id, 'name': 'Grandmother',
                    'relation': 'grandparent'},
                ])
        aunt = guardians[0]
        with self.assertRaises(ValidationError):
            Guardian.write([aunt], {'document': None})
        # An ended guardianship keeps no document requirement
        Guardian.write([aunt], {
                'end_date': self.today() - dt.timedelta(days=1),
                'start_date': self.today() - dt.timedelta(days=30),
                'document': None})

    @with_transaction()
    def test_guardian_basis_from_relation(self):
        "The form proposes the basis of the category"
        Guardian = Pool().get('social_assistance.guardian')
        guardian = Guardian(role='guardian', relation_text=None)
        for relation, basis in [('grandparent', 'statutory'),
                ('village_committee', 'public'),
                ('civil_affairs', 'public'), ('institution', None)]:
            with self.subTest(relation=relation):
                guardian.legal_basis = None
                guardian.relation = relation
                guardian.on_change_relation()
                self.assertEqual(guardian.legal_basis, basis)

    # Termination

    @with_transaction()
    def test_termination_notice_and_effect(self):
        """Except for death, support ends on the last day of the month in
        which the 7-day public notice ends"""
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions()
        for decision, notice_end, end in [
                (dt.date(2025, 3, 10), dt.date(2025, 3, 17),
                    dt.date(2025, 3, 31)),
                # The notice ends in the next month
                (dt.date(2025, 3, 27), dt.date(2025, 4, 3),
                    dt.date(2025, 4, 30)),
                (dt.date(2024, 1, 25), dt.date(2024, 2, 1),
                    dt.date(2024, 2, 29)),
                (dt.date(2025, 12, 28), dt.date(2026, 1, 4),
                    dt.date(2026, 1, 31)),
                ]:
            with self.subTest(decision=decision):
                person = self.make_person(village,
                    sequence=f'{decision.day:03d}',
                    id_number=make_id_number(
                        birth='1950' + decision.strftime('%m%d')))
                Person.end_eligibility(
                    [person], 'income_assets', decision, 'note')
                self.assertEqual(
                    (person.state, person.termination_reason,
                        person.termination_decision_date, person.notice_end,
                        person.end_date, person.death_date),
                    ('terminated', 'income_assets', decision, notice_end,
                        end, None))
                self.assertTrue(person.is_active_on(end))
                self.assertFalse(
                    person.is_active_on(end + dt.timedelta(days=1)))

    @with_transaction()
    def test_termination_death(self):
        "A death ends support the day before, with no notice"
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions()
        person = self.make_person(village)
        Person.end_eligibility([person], 'death', dt.date(2025, 3, 10))
        self.assertEqual(
            (person.end_date, person.death_date, person.notice_end,
                person.termination_decision_date),
            (dt.date(2025, 3, 9), dt.date(2025, 3, 10), None, None))

    @with_transaction()
    def test_termination_reasons(self):
        "The eight reasons of DESIGN.md (contract codes)"
        Person = Pool().get('social_assistance.person')
        self.assertEqual(
            [c for c, _ in Person.termination_reason.selection if c],
            ['death', 'work_ability', 'imprisoned', 'income_assets',
                'supporter_able', 'voluntary', 'adult', 'transferred'])

    @with_transaction()
    def test_terminate_wizard(self):
        "The wizard shows the notice end and the last eligible day"
        pool = Pool()
        TerminateStart = pool.get('social_assistance.person.terminate.start')
        start = TerminateStart(reason='transferred',
            date=dt.date(2025, 3, 27))
        self.assertEqual(start.on_change_with_notice_end(),
            dt.date(2025, 4, 3))
        self.assertEqual(start.on_change_with_end_date(),
            dt.date(2025, 4, 30))
        start.reason = 'death'
        self.assertEqual(start.on_change_with_notice_end(), None)
        self.assertEqual(start.on_change_with_end_date(),
            dt.date(2025, 3, 26))

    @with_transaction()
    def test_adult_termination(self):
        """Turning 18 ends support only out of school (Min Fa [2021]
        No. 43)"""
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions()
        today = self.today()
        born = today - relativedelta(years=18, days=10)
        person = self.make_person(village,
            id_number=make_id_number(birth=birth(born)),
            start_date=born + relativedelta(years=10),
            categories=['minor'], in_school=True)
        with self.assertRaises(ValidationError) as cm:
            Person.end_eligibility([person], 'adult', today)
        self.assertIn('in school', cm.exception.message)
        self.assertIn('[2021] No. 43', cm.exception.message)
        Person.write([person], {'in_school': False})
        with self.assertRaises(ValidationError) as cm:
            Person.end_eligibility([person], 'adult',
                today - dt.timedelta(days=20))
        self.assertIn('not yet 18', cm.exception.message)
        Person.end_eligibility([person], 'adult', today)
        self.assertEqual(person.termination_reason, 'adult')

    # Minors turning 18

    @with_transaction()
    def test_minors_turning_adult(self):
        "The list of minors turning 18 within 90 days, with in school shown"
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions()
        today = self.today()
        adult = today - relativedelta(years=18)

        def minor(sequence, born, **values):
            return self.make_person(village, sequence=sequence,
                id_number=make_id_number(birth=birth(born),
                    sequence=sequence),
                start_date=born + relativedelta(years=5),
                categories=['minor'], **values)
        soon = minor('101', adult + dt.timedelta(days=30))
        in_school = minor('103', adult + dt.timedelta(days=90),
            in_school=True)
        minor('105', adult + dt.timedelta(days=91))  # too far
        minor('107', adult)  # 18 today: an adult already
        terminated = minor('109', adult + dt.timedelta(days=5))
        Person.end_eligibility([terminated], 'transferred', today)
        listed = Person.search([('turning_adult', '=', True)])
        self.assertEqual(set(listed), {soon, in_school})
        self.assertEqual(soon.adult_date, adult + dt.timedelta(
                days=30) + relativedelta(years=18))
        self.assertTrue(soon.turning_adult)
        self.assertEqual(
            Person.search([('turning_adult', '=', True),
                    ('in_school', '=', False)]), [soon])
        self.assertNotIn(soon, Person.search(
                [('turning_adult', '=', False)]))

    @with_transaction()
    def test_turning_adult_registry_only(self):
        """The date a minor turns 18 gives the birth date back: only the
        registry reads it or searches the list; others read the in school
        field"""
        pool = Pool()
        Person = pool.get('social_assistance.person')
        User = pool.get('res.user')
        _, _, village = create_divisions()
        person = self.make_person(village)
        reader, = User.create([{'login': 'reader', 'name': 'Reader'}])
        with acting_as(reader):
            for probe in [
                    lambda: Person.search([('turning_adult', '=', True)]),
                    lambda: Person.read([person.id], ['adult_date']),
                    ]:
                with self.assertRaises(AccessError):
                    probe()
            row, = Person.read([person.id], ['in_school'])
            self.assertFalse(row['in_school'])

    # Categories against the age at recognition

    @with_transaction()
    def test_categories_age(self):
        """Elderly 60 or older, minor under 16 at recognition (16-17 with a
        reason; Min Fa [2021] No. 43)"""
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions()
        for sequence, (born, start, categories, reason, message) in enumerate(
                [
                    # 59
                    ('19600615', dt.date(2020, 6, 14), ['elderly'], None,
                        '60 or older'),
                    # 60
                    ('19600615', dt.date(2020, 6, 15), ['elderly'], None,
                        None),
                    # 15
                    ('20080301', dt.date(2024, 2, 29), ['minor'], None,
                        None),
                    # 16
                    ('20080301', dt.date(2024, 3, 1), ['minor'], None,
                        'Category Reason'),
                    # 17, with the reason
                    ('20080301', dt.date(2025, 6, 1), ['minor'],
                        'orphaned at 17', None),
                    # 18
                    ('20080301', dt.date(2026, 3, 1), ['minor'], 'late',
                        'under 18'),
                    # disabled: any age
                    ('20080301', dt.date(2026, 3, 1), ['disabled'], None,
                        None),
                    ], start=100):
            with self.subTest(born=born, start=start):
                values = {'name': 'P', 'division': village.id,
                    'id_number': make_id_number(birth=born,
                        sequence=str(sequence)),
                    'start_date': start, 'categories': categories,
                    'category_reason': reason}
                if message is None:
                    Person.create([values])
                else:
                    with self.assertRaises(ValidationError) as cm:
                        Person.create([values])
                    self.assertIn(message, cm.exception.message)
                    self.assertIn('[2021] No. 43', cm.exception.message)
        # A change of the categories is checked too
        person, = Person.search([('categories', 'in', ['disabled'])])
        with self.assertRaises(ValidationError):
            Person.write([person], {'categories': ['disabled', 'minor']})

    # Disability

    @with_transaction()
    def test_disability(self):
        "Class, grade and certificate number; a class needs the other two"
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions()
        person = self.make_person(village)
        with self.assertRaises(ValidationError):
            Person.write([person], {'disability_class': 'intellectual'})
        Person.write([person], {'disability_class': 'intellectual',
                'disability_grade': '2',
                'disability_certificate': '37152219450304101142'})
        self.assertEqual(
            [c for c, _ in Person.disability_class.selection if c],
            ['visual', 'hearing', 'speech', 'physical', 'intellectual',
                'mental', 'multiple'])

    # Migration of the data of before issue 14

    @with_transaction()
    def test_migrate_termination_reasons(self):
        "Old termination reasons become the codes of the Measures"
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions()
        persons = [self.make_person(village, sequence=str(s))
            for s in [101, 103, 105, 107]]
        table = Person.__table__()
        cursor = Transaction().connection.cursor()
        for person, old in zip(persons,
                ['no_longer_eligible', 'moved', 'other', 'death']):
            cursor.execute(*table.update([table.termination_reason], [old],
                    where=table.id == person.id))
        Person._migrate_termination_reasons()
        cursor.execute(*table.select(table.termination_reason,
                where=table.id.in_([p.id for p in persons]),
                order_by=table.id))
        self.assertEqual([r for r, in cursor],
            ['income_assets', 'transferred', 'income_assets', 'death'])

    @with_transaction()
    def test_migrate_legal_basis(self):
        """The free-text legal basis of old guardians moves to the note and
        the basis becomes the code of the category"""
        Guardian = Pool().get('social_assistance.guardian')
        _, _, village = create_divisions()
        person = self.make_person(village)
        guardians = Guardian.create([
                {'person': person.id, 'name': 'A', 'relation': 'child'},
                {'person': person.id, 'name': 'B',
                    'relation': 'village_committee'},
                {'person': person.id, 'name': 'C', 'relation': 'spouse',
                    'legal_basis': 'will'},
                ])
        table = Guardian.__table__()
        cursor = Transaction().connection.cursor()
        for guardian, text in zip(guardians[:2], ['statutory guardian',
                    'appointed by the village committee']):
            cursor.execute(*table.update([table.legal_basis], [text],
                    where=table.id == guardian.id))
        Guardian._migrate_legal_basis()
        cursor.execute(*table.select(table.legal_basis, table.note,
                where=table.id.in_([g.id for g in guardians]),
                order_by=table.id))
        self.assertEqual(cursor.fetchall(), [
                ('statutory', 'statutory guardian'),
                ('public', 'appointed by the village committee'),
                ('will', None),
                ])
