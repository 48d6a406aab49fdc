# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from dateutil.relativedelta import relativedelta
from sql import Null
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, Id, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import identity
from .text_check import TextCheckMixin

SUPPORT_MODES = [
    ('scattered', "Scattered Support"),
    ('centralized', "Centralized Support"),
    ]
CATEGORIES = [
    ('elderly', "Elderly"),
    ('minor', "Minor"),
    ('disabled', "Disabled"),
    ]
SELF_CARE_LEVELS = [
    (None, ""),
    ('capable', "Capable of Self-Care"),
    ('partial', "Partially Lost Self-Care"),
    ('none', "Completely Lost Self-Care"),
    ]
STATES = [
    ('active', "Active"),
    ('suspended', "Suspended"),
    ('terminated', "Terminated"),
    ]
# The reasons of the Measures for Recognising Extreme-Poverty Persons
# (Min Fa [2021] No. 43), the codes are contract (DESIGN.md)
TERMINATION_REASONS = [
    (None, ""),
    ('death', "Death or Declared Dead or Missing"),
    ('work_ability', "Able to Work"),
    ('imprisoned', "Serving a Prison Sentence"),
    ('income_assets', "Income or Assets Above the Conditions"),
    ('supporter_able', "Supporter Able to Support"),
    ('voluntary', "Voluntary Withdrawal"),
    ('adult', "Turned 18 and Not in School"),
    ('transferred', "Moved Out of the County"),
    ]
# The reasons of before issue 14 and the code each became
OLD_TERMINATION_REASONS = {
    'no_longer_eligible': 'income_assets',
    'moved': 'transferred',
    # No reason of the Measures means "other": the bureau's grounds were
    # the conditions of art. 2 (income and assets); the note stays
    'other': 'income_assets',
    }
# Days of public notice (gongshi) before a termination other than death
NOTICE_DAYS = 7
DISABILITY_CLASSES = [
    (None, ""),
    ('visual', "Visual"),
    ('hearing', "Hearing"),
    ('speech', "Speech"),
    ('physical', "Physical"),
    ('intellectual', "Intellectual"),
    ('mental', "Mental"),
    ('multiple', "Multiple"),
    ]
DISABILITY_GRADES = [
    (None, ""),
    ('1', "Grade 1"),
    ('2', "Grade 2"),
    ('3', "Grade 3"),
    ('4', "Grade 4"),
    ]
ADULT_AGE = 18
ELDERLY_AGE = 60
# A minor is recognised under 16; at 16 or 17 only with a reason
MINOR_AGE = 16
# The days ahead the list of minors turning 18 looks
ADULT_NOTICE_DAYS = 90
# The message of each reason identity.identity_error gives
ID_NUMBER_MESSAGES = {
    identity.FORMAT: 'social_assistance.msg_id_number_format',
    identity.CHECK_CHARACTER: (
        'social_assistance.msg_id_number_check_character'),
    identity.BIRTH_DATE: 'social_assistance.msg_id_number_birth_date',
    identity.PROVINCE: 'social_assistance.msg_id_number_province',
    }


class MaskedIdNumberMixin:
    """Show identity numbers (the fields of `_masked_id_fields`) masked to
    users outside the registry group"""
    __slots__ = ()
    _masked_id_fields = {'id_number'}

    @classmethod
    def _mask_id_numbers(cls):
        "Whether the current user sees identity numbers masked"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        transaction = Transaction()
        if not transaction.user:
            return False
        registry = ModelData.get_id('social_assistance', 'group_registry')
        return registry not in User.get_groups()

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        # Every read of such a user is masked, exports and reports too: the
        # server's set-based work reads the tables in SQL
        masked = cls._masked_id_fields.intersection(fields_names)
        if masked and cls._mask_id_numbers():
            for row in result:
                for name in masked:
                    row[name] = identity.mask(row[name])
            cls._forget_cached_id_numbers(ids)
        return result

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            **kwargs):
        masked = cls._mask_id_numbers()
        if masked and order is None:
            # The default order by number would tell the hidden digits'
            # order
            order = [o for o in cls._order
                if o[0] not in cls._masked_id_fields] or None
        result = super().search(domain, offset=offset, limit=limit,
            order=order, count=count, **kwargs)
        if isinstance(result, list) and masked:
            cls._forget_cached_id_numbers([r.id for r in result])
        return result

    @classmethod
    def _forget_cached_id_numbers(cls, ids):
        # A search or a read caches the numbers as stored: the records
        # browsed next (exports, reports) would read them from there
        cache = Transaction().get_cache()
        if cls.__name__ not in cache:
            return
        records = cache[cls.__name__]
        for id_ in ids:
            if id_ in records:
                for name in cls._masked_id_fields:
                    records[id_]._pop(name, None)


class Person(
        TextCheckMixin, MaskedIdNumberMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'social_assistance.person'
    __string__ = "Extreme-Poverty Person"
    _history = True

    _readonly_terminated = {'readonly': Eval('state') == 'terminated'}

    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='RESTRICT',
        readonly=True,
        help="The party created for the person, used by other documents.")
    name = fields.Char(
        "Name", required=True, size=100, states=_readonly_terminated)
    id_number = fields.Char(
        "Identity Number", required=True, size=18, strip=True,
        states=_readonly_terminated,
        help="The 18-character citizen identity number.")
    # Read by the registry only (field access in person.xml): lazy, so that
    # a client reading a person's other fields does not ask for it
    birth_date = fields.Date("Birth Date", readonly=True, loading='lazy')
    gender = fields.Selection([
            (None, ""),
            ('male', "Male"),
            ('female', "Female"),
            ], "Gender", readonly=True)
    age = fields.Function(
        fields.Integer("Age"), 'get_age', searcher='search_age')
    phone = fields.Char("Phone", size=50)
    division = fields.Many2One(
        'social_assistance.division', "Village or Town", required=True,
        ondelete='RESTRICT',
        domain=[('level', 'in', ['town', 'village'])])
    town = fields.Many2One(
        'social_assistance.division', "Town", readonly=True,
        ondelete='RESTRICT')
    address = fields.Char("Address", size=200)
    latitude = fields.Float(
        "Latitude", digits=(9, 6),
        domain=['OR', ('latitude', '=', None),
            [('latitude', '>=', 3), ('latitude', '<=', 54)]])
    longitude = fields.Float(
        "Longitude", digits=(9, 6),
        domain=['OR', ('longitude', '=', None),
            [('longitude', '>=', 73), ('longitude', '<=', 136)]])
    support_mode = fields.Selection(
        SUPPORT_MODES, "Support Mode", required=True)
    categories = fields.MultiSelection(CATEGORIES, "Categories")
    mental_illness = fields.Boolean("Mental Illness")
    self_care = fields.Selection(
        SELF_CARE_LEVELS, "Self-Care Ability", readonly=True,
        help="From the latest completed assessment.")
    assessments = fields.One2Many(
        'social_assistance.assessment', 'person', "Assessments",
        readonly=True)
    guardians = fields.One2Many(
        'social_assistance.guardian', 'person', "Guardians")
    needs_guardian = fields.Function(
        fields.Boolean(
            "Needs Guardian",
            help="A minor or a person with mental illness "
            "without a current guardian."),
        'get_needs_guardian', searcher='search_needs_guardian')
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    start_date = fields.Date(
        "Start Date", required=True, states=_readonly_terminated,
        help="The day the person was recognised as eligible.")
    end_date = fields.Date(
        "End Date", readonly=True,
        domain=[If(Eval('end_date'),
                ('end_date', '>=', Eval('start_date', None)), ())],
        help="The last eligible day.")
    death_date = fields.Date(
        "Death Date", readonly=True,
        domain=[If(Eval('death_date'),
                ('death_date', '>=', Eval('start_date', None)), ())])
    termination_reason = fields.Selection(
        TERMINATION_REASONS, "Termination Reason", readonly=True,
        states={'invisible': Eval('state') != 'terminated'})
    termination_note = fields.Char(
        "Termination Note", readonly=True,
        states={'invisible': Eval('state') != 'terminated'})
    termination_decision_date = fields.Date(
        "Termination Decision Date", readonly=True,
        states={'invisible': Eval('state') != 'terminated'})
    notice_end = fields.Date(
        "Public Notice End", readonly=True,
        states={'invisible': ~Eval('notice_end')},
        help="The last day of the 7-day public notice of the termination.")
    in_school = fields.Boolean(
        "In School",
        help="In compulsory education, ordinary senior high school or "
        "secondary vocational school: a minor stays eligible after 18.")
    adult_date = fields.Function(
        fields.Date("Turns 18 On"), 'get_adult_date')
    turning_adult = fields.Function(
        fields.Boolean(
            "Turning 18 Soon",
            help="Turns 18 within the next 90 days."),
        'get_turning_adult', searcher='search_turning_adult')
    category_reason = fields.Char(
        "Category Reason", size=200,
        help="Why a minor was recognised at 16 or 17.")
    disability_class = fields.Selection(
        DISABILITY_CLASSES, "Disability Class")
    disability_grade = fields.Selection(
        DISABILITY_GRADES, "Disability Grade",
        states={'required': Bool(Eval('disability_class'))})
    disability_certificate = fields.Char(
        "Disability Certificate Number", size=30,
        states={'required': Bool(Eval('disability_class'))})
    suspensions = fields.One2Many(
        'social_assistance.person.suspension', 'person', "Suspensions",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('id_number_unique', Unique(t, t.id_number),
                'social_assistance.msg_person_id_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.town, Index.Range()), (t.state, Index.Equality())),
                Index(t, (t.division, Index.Range())),
                Index(t, (t.name, Index.Similarity())),
                })
        cls._order = [('id_number', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('active', 'suspended'),
            ('suspended', 'active'),
            ('active', 'terminated'),
            ('suspended', 'terminated'),
            }
        # Only the registry sees these buttons (the client would show the
        # others a greyed button)
        not_registry = ~Eval('context', {}).get('groups', []).contains(
            Id('social_assistance', 'group_registry'))
        cls._buttons.update({
                'suspend': {
                    'invisible': (Eval('state') != 'active') | not_registry,
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': (
                        (Eval('state') != 'suspended') | not_registry),
                    'depends': ['state'],
                    },
                'terminate': {
                    'invisible': (
                        (Eval('state') == 'terminated') | not_registry),
                    'depends': ['state'],
                    },
                'report_change': {
                    'invisible': (
                        (Eval('state') == 'terminated') | not_registry),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cls._migrate_termination_reasons()

    @classmethod
    def _migrate_termination_reasons(cls):
        "The termination reasons of before issue 14 become the new codes"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for old, new in OLD_TERMINATION_REASONS.items():
            cursor.execute(*table.update(
                    [table.termination_reason], [new],
                    where=table.termination_reason == old))

    @staticmethod
    def default_state():
        return 'active'

    @staticmethod
    def default_in_school():
        return False

    @staticmethod
    def default_support_mode():
        return 'scattered'

    @staticmethod
    def default_mental_illness():
        return False

    @staticmethod
    def default_start_date():
        return Pool().get('ir.date').today()

    @fields.depends('id_number')
    def on_change_id_number(self):
        if self.id_number:
            self.id_number = identity.compact(self.id_number)
            if not identity.identity_error(self.id_number):
                self.birth_date = identity.birth_date(self.id_number)
                self.gender = identity.gender(self.id_number)

    def get_age(self, name):
        if self.birth_date:
            today = Pool().get('ir.date').today()
            return relativedelta(today, self.birth_date).years

    @classmethod
    def search_age(cls, name, clause):
        "Translate an age condition into one on the birth date"
        _, operator, value = clause
        if value is None or operator not in {'=', '>=', '<=', '>', '<'}:
            return [('birth_date', operator, value)]
        today = Pool().get('ir.date').today()
        # Born after `oldest` means younger than value + 1 years
        youngest = today - relativedelta(years=value)
        oldest = today - relativedelta(years=value + 1)
        return {
            '=': [('birth_date', '<=', youngest), ('birth_date', '>', oldest)],
            '>=': [('birth_date', '<=', youngest)],
            '>': [('birth_date', '<=', oldest)],
            '<=': [('birth_date', '>', oldest)],
            '<': [('birth_date', '>', youngest)],
            }[operator]

    @classmethod
    def _needs_guardian_domain(cls):
        today = Pool().get('ir.date').today()
        adult_birth = today - relativedelta(years=ADULT_AGE)
        return [
            ('state', '!=', 'terminated'),
            ['OR',
                ('birth_date', '>', adult_birth),
                ('mental_illness', '=', True),
                ],
            # Carers and emergency contacts are no guardians
            ('guardians', 'not where', [
                    ('role', '=', 'guardian'),
                    ('start_date', '<=', today),
                    ['OR',
                        ('end_date', '=', None),
                        ('end_date', '>=', today),
                        ],
                    ]),
            ]

    @classmethod
    def get_needs_guardian(cls, persons, name):
        needing = set(map(int, cls.search([
                        ('id', 'in', [p.id for p in persons]),
                        ] + cls._needs_guardian_domain())))
        return {p.id: p.id in needing for p in persons}

    @classmethod
    def search_needs_guardian(cls, name, clause):
        _, operator, value = clause
        domain = cls._needs_guardian_domain()
        if (operator == '=') == bool(value):
            return domain
        return [('id', 'not in', cls.search(domain, query=True))]

    def get_adult_date(self, name):
        if self.birth_date:
            return self.birth_date + relativedelta(years=ADULT_AGE)

    @classmethod
    def _turning_adult_domain(cls):
        "Persons not yet 18 who turn 18 within ADULT_NOTICE_DAYS"
        today = Pool().get('ir.date').today()
        horizon = today + dt.timedelta(days=ADULT_NOTICE_DAYS)
        return [
            ('state', '!=', 'terminated'),
            ('birth_date', '>', today - relativedelta(years=ADULT_AGE)),
            ('birth_date', '<=', horizon - relativedelta(years=ADULT_AGE)),
            ]

    @classmethod
    def get_turning_adult(cls, persons, name):
        soon = set(map(int, cls.search([
                        ('id', 'in', [p.id for p in persons]),
                        ] + cls._turning_adult_domain())))
        return {p.id: p.id in soon for p in persons}

    @classmethod
    def search_turning_adult(cls, name, clause):
        _, operator, value = clause
        domain = cls._turning_adult_domain()
        if (operator == '=') == bool(value):
            return domain
        return [('id', 'not in', cls.search(domain, query=True))]

    def get_rec_name(self, name):
        return f'{self.name} ({self.display_id_number})'

    @property
    def display_id_number(self):
        if self._mask_id_numbers():
            return identity.mask(self.id_number)
        return self.id_number

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        domain = [bool_op, ('name', operator, operand, *extra)]
        # Who sees numbers masked finds persons by name only
        if not cls._mask_id_numbers():
            number = (identity.compact(operand)
                if isinstance(operand, str) else operand)
            domain.append(('id_number', operator, number, *extra))
        return domain

    @classmethod
    def preprocess_values(cls, mode, values):
        Party = Pool().get('party.party')
        values = super().preprocess_values(mode, values)
        if values.get('id_number'):
            values['id_number'] = identity.compact(values['id_number'])
        if mode == 'create' and not values.get('party'):
            party, = Party.create([{'name': values.get('name')}])
            values['party'] = party.id
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'id_number' in field_names:
            if self.id_number and not identity.identity_error(self.id_number):
                for name, value in self.id_number_values(
                        self.id_number).items():
                    if getattr(self, name) != value:
                        values[name] = value
        if field_names is None or 'division' in field_names:
            town = self.division.town() if self.division else None
            if self.town != town:
                values['town'] = town.id if town else None
        return values

    @classmethod
    def id_number_values(cls, number):
        "The values of the fields a valid identity number gives"
        return {
            'birth_date': identity.birth_date(number),
            'gender': identity.gender(number),
            }

    @classmethod
    def on_modification(cls, mode, persons, field_names=None):
        pool = Pool()
        Party = pool.get('party.party')
        super().on_modification(mode, persons, field_names=field_names)
        if mode == 'write' and 'name' in field_names:
            parties = [p.party for p in persons if p.party.name != p.name]
            for party in parties:
                party.name = next(p.name for p in persons if p.party == party)
            Party.save(parties)

    @classmethod
    def validate_fields(cls, persons, field_names):
        super().validate_fields(persons, field_names)
        if field_names & {'id_number'}:
            for person in persons:
                cls.check_id_number(
                    person.id_number, cls.__names__('id_number')['field'],
                    person.name)
        if field_names & {'id_number', 'categories', 'start_date',
                'category_reason'}:
            for person in persons:
                person.check_categories_age()

    def age_on(self, date):
        "The age in whole years on the date"
        # From the number: the birth date is computed after validation
        if (self.id_number and date
                and not identity.identity_error(self.id_number)):
            return relativedelta(
                date, identity.birth_date(self.id_number)).years

    def check_categories_age(self):
        """The categories must fit the age at recognition (Min Fa [2021]
        No. 43): elderly 60 or older, minor under 16 (16 or 17 with a
        reason)"""
        age = self.age_on(self.start_date)
        if age is None:
            return
        categories = self.categories or ()
        if 'elderly' in categories and age < ELDERLY_AGE:
            raise ValidationError(gettext(
                    'social_assistance.msg_person_elderly_age',
                    person=self.rec_name, age=age, date=self.start_date))
        if 'minor' in categories:
            if age >= ADULT_AGE:
                raise ValidationError(gettext(
                        'social_assistance.msg_person_minor_adult',
                        person=self.rec_name, age=age, date=self.start_date))
            if age >= MINOR_AGE and not self.category_reason:
                raise ValidationError(gettext(
                        'social_assistance.msg_person_minor_reason',
                        person=self.rec_name, age=age, date=self.start_date))

    @classmethod
    def check_id_number(cls, number, field_string, record_name):
        """Raise a ValidationError naming what is wrong with the identity
        number (of a person, a guardian, a caregiver ...)"""
        reason = identity.identity_error(number)
        if reason:
            raise ValidationError(gettext(ID_NUMBER_MESSAGES[reason],
                    number=number, field=field_string, record=record_name))

    def is_active_on(self, date):
        "Whether the person is active on the date (DESIGN.md)"
        if not self.start_date or date < self.start_date:
            return False
        if self.end_date and date > self.end_date:
            return False
        if self.death_date and date >= self.death_date:
            return False
        return not any(s.covers(date) for s in self.suspensions)

    @classmethod
    def active_on_condition(cls, person, date):
        """Return a python-sql condition on the person table that holds when
        the person is active on date (a value or a column)"""
        Suspension = Pool().get('social_assistance.person.suspension')
        suspension = Suspension.__table__()
        suspended = Exists(suspension.select(
                suspension.id,
                where=(suspension.person == person.id)
                & (suspension.from_date <= date)
                & ((suspension.to_date == Null)
                    | (suspension.to_date >= date))))
        return ((person.start_date <= date)
            & ((person.end_date == Null) | (person.end_date >= date))
            & ((person.death_date == Null) | (person.death_date > date))
            & ~suspended)

    @classmethod
    @Workflow.transition('suspended')
    def start_suspension(cls, persons, from_date, reason):
        "Suspend the persons from the date until they are resumed"
        Suspension = Pool().get('social_assistance.person.suspension')
        Suspension.save([
                Suspension(person=p, from_date=from_date, reason=reason)
                for p in persons])

    @classmethod
    @Workflow.transition('active')
    def end_suspension(cls, persons, date):
        "Resume the persons on the date: the day before is the last suspended"
        Suspension = Pool().get('social_assistance.person.suspension')
        to_close = [s for p in persons for s in p.suspensions
            if not s.to_date]
        for suspension in to_close:
            if date <= suspension.from_date:
                raise ValidationError(gettext(
                        'social_assistance.msg_resume_before_suspension',
                        person=suspension.person.rec_name,
                        date=suspension.from_date))
            suspension.to_date = date - dt.timedelta(days=1)
        Suspension.save(to_close)

    @classmethod
    def notice_end_of(cls, decision_date):
        "The last day of the public notice of a termination decided on date"
        return decision_date + dt.timedelta(days=NOTICE_DAYS)

    @classmethod
    def termination_end_date(cls, decision_date):
        """The last eligible day of a termination (not a death) decided on
        the date: the last day of the month in which the notice ends"""
        notice_end = cls.notice_end_of(decision_date)
        return notice_end + relativedelta(day=31)

    @classmethod
    @Workflow.transition('terminated')
    def end_eligibility(cls, persons, reason, date, note=None):
        """Terminate the persons: on death the date is the death date and
        the day before is the last eligible day; else the date is the
        decision date, a 7-day public notice follows and support ends on the
        last day of the month in which the notice ends (Min Fa [2021]
        No. 43)"""
        for person in persons:
            if date < person.start_date:
                raise ValidationError(gettext(
                        'social_assistance.msg_termination_before_start',
                        person=person.rec_name, date=person.start_date))
            if reason == 'adult':
                person.check_adult_termination(date)
        values = {'termination_reason': reason, 'termination_note': note}
        if reason == 'death':
            values['death_date'] = date
            values['end_date'] = date - dt.timedelta(days=1)
        else:
            values['termination_decision_date'] = date
            values['notice_end'] = cls.notice_end_of(date)
            values['end_date'] = cls.termination_end_date(date)
        cls.write(persons, values)

    def check_adult_termination(self, date):
        """A minor stays eligible to 18, and beyond while in school (Min Fa
        [2021] No. 43)"""
        age = self.age_on(date)
        if self.in_school or (age is not None and age < ADULT_AGE):
            raise ValidationError(gettext(
                    'social_assistance.msg_termination_adult_in_school'
                    if self.in_school
                    else 'social_assistance.msg_termination_adult_minor',
                    person=self.rec_name, date=date))

    @classmethod
    @ModelView.button_action('social_assistance.wizard_person_suspend')
    def suspend(cls, persons):
        pass

    @classmethod
    @ModelView.button_action('social_assistance.wizard_person_resume')
    def resume(cls, persons):
        pass

    @classmethod
    @ModelView.button_action('social_assistance.wizard_person_terminate')
    def terminate(cls, persons):
        pass

    @classmethod
    @ModelView.button_action('social_assistance.wizard_person_report_change')
    def report_change(cls, persons):
        pass


class Suspension(ModelSQL, ModelView):
    __name__ = 'social_assistance.person.suspension'
    __string__ = "Suspension Period"
    _history = True

    person = fields.Many2One(
        'social_assistance.person', "Person", required=True,
        ondelete='CASCADE')
    from_date = fields.Date("From Date", required=True)
    to_date = fields.Date(
        "To Date",
        domain=[If(Eval('to_date'),
                ('to_date', '>=', Eval('from_date', None)), ())],
        help="The last suspended day; empty while suspended.")
    reason = fields.Char("Reason", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.person, Index.Range())))
        cls._order.insert(0, ('from_date', 'DESC'))

    def covers(self, date):
        return self.from_date <= date and (
            not self.to_date or date <= self.to_date)

    @classmethod
    def validate(cls, suspensions):
        super().validate(suspensions)
        for suspension in suspensions:
            for other in suspension.person.suspensions:
                if other != suspension and suspension.overlaps(other):
                    raise ValidationError(gettext(
                            'social_assistance.msg_suspension_overlap',
                            person=suspension.person.rec_name,
                            date=other.from_date))

    def overlaps(self, other):
        far = dt.date.max
        return (self.from_date <= (other.to_date or far)
            and other.from_date <= (self.to_date or far))


class _PersonStateWizard(Wizard):
    "Base of the wizards that change a person's state"
    start_state = 'start'
    apply = StateTransition()

    def default_start(self, fields):
        return {'date': Pool().get('ir.date').today()}


class SuspendStart(ModelView):
    __name__ = 'social_assistance.person.suspend.start'
    __string__ = "Suspend Person"
    date = fields.Date("From Date", required=True)
    reason = fields.Char("Reason", required=True)


class Suspend(_PersonStateWizard):
    __name__ = 'social_assistance.person.suspend'
    start = StateView('social_assistance.person.suspend.start',
        'social_assistance.person_suspend_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Suspend", 'apply', 'tryton-ok', default=True),
            ])

    def transition_apply(self):
        self.model.start_suspension(
            self.records, self.start.date, self.start.reason)
        return 'end'


class ResumeStart(ModelView):
    __name__ = 'social_assistance.person.resume.start'
    __string__ = "Resume Person"
    date = fields.Date(
        "Resume Date", required=True,
        help="The first day the person is active again.")


class Resume(_PersonStateWizard):
    __name__ = 'social_assistance.person.resume'
    start = StateView('social_assistance.person.resume.start',
        'social_assistance.person_resume_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Resume", 'apply', 'tryton-ok', default=True),
            ])

    def transition_apply(self):
        self.model.end_suspension(self.records, self.start.date)
        return 'end'


class TerminateStart(ModelView):
    __name__ = 'social_assistance.person.terminate.start'
    __string__ = "Terminate Person"
    reason = fields.Selection(
        [r for r in TERMINATION_REASONS if r[0]], "Reason", required=True)
    date = fields.Date(
        "Date", required=True,
        help="The death date, or else the date of the termination decision.")
    notice_end = fields.Date(
        "Public Notice End", readonly=True,
        states={'invisible': Eval('reason') == 'death'})
    end_date = fields.Date(
        "Last Eligible Day", readonly=True)
    note = fields.Char("Note")

    @fields.depends('reason', 'date')
    def on_change_with_notice_end(self):
        if self.date and self.reason != 'death':
            return Pool().get('social_assistance.person').notice_end_of(
                self.date)

    @fields.depends('reason', 'date')
    def on_change_with_end_date(self):
        Person = Pool().get('social_assistance.person')
        if self.date:
            if self.reason == 'death':
                return self.date - dt.timedelta(days=1)
            return Person.termination_end_date(self.date)


class Terminate(_PersonStateWizard):
    __name__ = 'social_assistance.person.terminate'
    start = StateView('social_assistance.person.terminate.start',
        'social_assistance.person_terminate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Terminate", 'apply', 'tryton-ok', default=True),
            ])

    def default_start(self, fields):
        return super().default_start(fields) | {'reason': 'death'}

    def transition_apply(self):
        self.model.end_eligibility(
            self.records, self.start.reason, self.start.date,
            self.start.note)
        return 'end'
