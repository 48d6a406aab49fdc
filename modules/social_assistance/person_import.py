# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Set-based import of persons rosters (FORMATS.md "persons").

Rows arrive as dictionaries of raw text keyed by field name (the command line
maps the Chinese column names with `PersonRoster.columns()`).  Each chunk of
rows is parsed in Python, then looked up and stored with a few SQL statements,
all inside the caller's transaction: a file is stored whole or not at all.
The persons' ORM hooks (on_write, on_modification) are called as
Person.create and Person.write would call them.
"""
import datetime as dt
import json
import re
from collections import namedtuple

from functools import partial

from trytond.model import Model
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from . import identity, tabular
from .guardian import relation_category
from .import_format import ImportFormatMixin, format_path, load_format
from .sql_tools import insert_many, update_row
from .tools import RowError, parse_coordinate

CHUNK = 1000
# The records a call of an ORM hook gets: browse checks all the ids of a
# call for each record
HOOK_SLICE = 100
# warnings: the (line number, reason) of rows stored with a warning
ImportResult = namedtuple(
    'ImportResult',
    ['created', 'updated', 'unchanged', 'rejected', 'warnings'],
    defaults=[()])
PERSON_FIELDS = ['name', 'phone', 'division', 'town', 'address', 'latitude',
    'longitude', 'support_mode', 'categories', 'mental_illness', 'start_date',
    'death_date', 'end_date', 'state', 'termination_reason', 'self_care']
GUARDIAN_FIELDS = ['name', 'id_number', 'phone', 'relation',
    'relation_text', 'role']
# The message of each reason identity.identity_error gives
ID_NUMBER_MESSAGES = {
    identity.FORMAT: 'social_assistance.msg_import_id_number_format',
    identity.CHECK_CHARACTER: (
        'social_assistance.msg_import_id_number_check_character'),
    identity.BIRTH_DATE: 'social_assistance.msg_import_id_number_birth_date',
    identity.PROVINCE: 'social_assistance.msg_import_id_number_province',
    }


def roster_format():
    "The persons format: columns, required fields and accepted words"
    return load_format(format_path(__file__, 'persons_format.json'))


class DivisionResolver:
    """Find (or, when allowed, create) the towns and villages rows name;
    roster is the import model, which words the errors"""

    def __init__(self, roster, create):
        pool = Pool()
        self.Division = pool.get('social_assistance.division')
        self.roster = roster
        self.create = create
        self.towns, self.villages = {}, {}
        self.county = None
        for division in self.Division.search([]):
            if division.level == 'town':
                self._add_town(division)
            elif division.level == 'village':
                self._add_village(division)
            elif self.county is None:
                self.county = division

    def _add_town(self, town):
        self.towns[town.name] = town.id
        if town.code:
            self.towns[town.code] = self.towns[town.code[:9]] = town.id

    def _add_village(self, village):
        parent = village.parent.id
        self.villages[parent, village.name] = village.id
        if village.code:
            self.villages[parent, village.code] = village.id

    def resolve(self, town_name, village_name=None):
        "Return (division, town) ids"
        town = self.towns.get(town_name)
        if town is None:
            if not self.create or town_name.isdigit():
                raise self.roster.row_error(
                    'social_assistance.msg_import_unknown_town', 'town',
                    value=town_name)
            if self.county is None:
                raise self.roster.row_error(
                    'social_assistance.msg_import_no_county')
            new, = self.Division.create([{'name': town_name,
                        'level': 'town', 'parent': self.county.id}])
            self._add_town(new)
            town = new.id
        if not village_name:
            return town, town
        village = self.villages.get((town, village_name))
        if village is None:
            if not self.create or village_name.isdigit():
                raise self.roster.row_error(
                    'social_assistance.msg_import_unknown_village',
                    'village', value=village_name, town=town_name)
            new, = self.Division.create([{'name': village_name,
                        'level': 'village', 'parent': town}])
            self._add_village(new)
            village = new.id
        return village, town


class PersonRoster(ImportFormatMixin, Model):
    __name__ = 'social_assistance.person.roster'
    __string__ = "Persons Roster"
    _format_file = format_path(__file__, 'persons_format.json')

    @classmethod
    def parse_date(cls, raw, field):
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            raise cls.row_error('social_assistance.msg_import_bad_date',
                field, value=raw)
        if not tabular.year_in_range(value):
            low, high = tabular.YEARS
            raise cls.row_error(
                'social_assistance.msg_import_date_out_of_range', field,
                value=raw, low=low, high=high)
        return value

    @classmethod
    def parse_word(cls, raw, field):
        "The value of the word raw among the accepted words of field"
        words = cls.file_format()['values'][field]
        if raw not in words:
            raise cls.row_error('social_assistance.msg_import_unknown_value',
                field, value=raw, allowed='/'.join(words))
        return words[raw]

    @classmethod
    def parse_coordinate(cls, raw, field, low, high):
        return parse_coordinate(raw, low, high, partial(cls.row_error,
                'social_assistance.msg_import_bad_coordinate', field))

    @classmethod
    def parse_id_number(cls, raw, field):
        number = identity.compact(raw)
        reason = identity.identity_error(number)
        if reason:
            raise cls.row_error(ID_NUMBER_MESSAGES[reason], field, value=raw)
        return number

    @classmethod
    def cell_sizes(cls):
        """{field: size} of the cells stored in a bounded field; the others
        are bounded by tabular.CELL_SIZE"""
        pool = Pool()
        Person = pool.get('social_assistance.person')
        Guardian = pool.get('social_assistance.guardian')
        return {
            'name': Person.name.size,
            'phone': Person.phone.size,
            'address': Person.address.size,
            'guardian_name': Guardian.name.size,
            'guardian_phone': Guardian.phone.size,
            'guardian_relation': Guardian.relation_text.size,
            }

    @classmethod
    def parse_row(cls, raw, sizes=None):
        """Return the typed values of a raw row; empty cells are left out.
        Raise RowError on the first problem found.  sizes bounds the cells
        ({field: size}, see cell_sizes)."""
        fmt = cls.file_format()
        error = cls.row_error
        bad = tabular.bad_cell(raw, sizes or {})
        if bad:
            field, problem, size = bad
            if problem == 'characters':
                raise error('social_assistance.msg_import_bad_characters',
                    field)
            raise error('social_assistance.msg_import_too_long', field,
                length=len(raw[field].strip()), size=size)
        raw = {k: (v or '').strip() for k, v in raw.items()}
        for field in fmt['required']:
            if not raw.get(field):
                raise error('social_assistance.msg_import_required', field)
        row = {
            'id_number': cls.parse_id_number(raw['id_number'], 'id_number'),
            'name': raw['name'],
            'town': raw['town'],
            'support_mode': cls.parse_word(
                raw['support_mode'], 'support_mode'),
            'start_date': cls.parse_date(raw['start_date'], 'start_date'),
            }
        for field in ['phone', 'village', 'address']:
            if raw.get(field):
                row[field] = raw[field]
        if raw.get('self_care'):
            row['self_care'] = cls.parse_word(raw['self_care'], 'self_care')
        if raw.get('mental_illness'):
            row['mental_illness'] = cls.parse_word(
                raw['mental_illness'], 'mental_illness')
        if raw.get('categories'):
            words = re.split(
                '|'.join(map(re.escape, fmt['list_separators'])),
                raw['categories'])
            row['categories'] = sorted({
                    cls.parse_word(w.strip(), 'categories')
                    for w in words if w.strip()})
        if raw.get('death_date'):
            row['death_date'] = cls.parse_date(
                raw['death_date'], 'death_date')
            if row['death_date'] < row['start_date']:
                raise error('social_assistance.msg_import_death_before_start',
                    death=raw['death_date'], start=raw['start_date'])
            if row['death_date'] > dt.date.today():
                raise error('social_assistance.msg_import_date_in_future',
                    'death_date', value=raw['death_date'])
        if raw.get('longitude'):
            row['longitude'] = cls.parse_coordinate(
                raw['longitude'], 'longitude', 73, 136)
        if raw.get('latitude'):
            row['latitude'] = cls.parse_coordinate(
                raw['latitude'], 'latitude', 3, 54)
        guardian = {}
        if raw.get('guardian_id_number'):
            guardian['id_number'] = cls.parse_id_number(
                raw['guardian_id_number'], 'guardian_id_number')
        if raw.get('guardian_relation'):
            # The words as people write them are kept; words no table knows
            # store the guardian all the same, with a warning
            guardian['relation_text'] = raw['guardian_relation']
            guardian['relation'] = relation_category(raw['guardian_relation'])
            if guardian['relation'] is None:
                guardian['relation'] = 'other'
                row.setdefault('warnings', []).append(str(cls.row_error(
                            'social_assistance.'
                            'msg_import_guardian_relation_unknown',
                            'guardian_relation',
                            value=raw['guardian_relation']).args[0]))
        if raw.get('guardian_role'):
            guardian['role'] = cls.parse_word(
                raw['guardian_role'], 'guardian_role')
        if raw.get('guardian_phone'):
            guardian['phone'] = raw['guardian_phone']
        if raw.get('guardian_name'):
            guardian['name'] = raw['guardian_name']
        if guardian:
            if not guardian.get('name'):
                raise error('social_assistance.msg_import_required',
                    'guardian_name')
            row['guardian'] = guardian
        return row

    @classmethod
    def import_rows(cls, rows, create_divisions=False, progress=None):
        """Store rows given as (line number, raw dict) in the transaction.

        Return an ImportResult whose rejected list holds (line number,
        reason); progress, when given, is called with the rows done."""
        resolver = DivisionResolver(cls, create_divisions)
        sizes = cls.cell_sizes()
        seen = set()
        counts = {'created': 0, 'updated': 0, 'unchanged': 0}
        rejected, warnings = [], []
        done = 0
        for chunk in grouped_slice(rows, CHUNK):
            chunk = list(chunk)
            parsed = []
            for line, raw in chunk:
                try:
                    row = cls.parse_row(raw, sizes)
                    if row['id_number'] in seen:
                        raise cls.row_error(
                            'social_assistance.msg_import_duplicate',
                            'id_number', value=row['id_number'])
                    seen.add(row['id_number'])
                    row['division'], row['town'] = resolver.resolve(
                        row['town'], row.pop('village', None))
                except RowError as error:
                    rejected.append((line, str(error.args[0])))
                    continue
                warnings.extend(
                    (line, w) for w in row.pop('warnings', []))
                parsed.append(row)
            for key, value in cls._store(parsed).items():
                counts[key] += value
            done += len(chunk)
            if progress:
                progress(done)
        return ImportResult(rejected=rejected, warnings=warnings, **counts)

    @classmethod
    def _store(cls, rows):
        # In SQL: Person.create took 46 s for 2,000 persons (a party each,
        # then compute_fields writes each again) where the whole import of
        # 10,000 takes 4.8 s (scripts/bench persons)
        pool = Pool()
        Person = pool.get('social_assistance.person')
        Assessment = pool.get('social_assistance.assessment')
        today = pool.get('ir.date').today()

        counts = {'created': 0, 'updated': 0, 'unchanged': 0}
        if not rows:
            # A chunk whose rows were all rejected: "IN ()" is no SQL on
            # PostgreSQL
            return counts
        by_number = {r['id_number']: r for r in rows}
        stored = cls._stored_persons(list(by_number))
        to_create, to_update, assessments = [], [], []
        for number, row in by_number.items():
            old = stored.get(number)
            values = cls._person_values(row, old)
            if old is None:
                to_create.append((number, values))
            elif values:
                to_update.append((old, values))
            if 'self_care' in values:
                assessments.append((number, values['self_care']))

        if to_create:
            party_ids = cls._create_parties(
                [values['name'] for _, values in to_create])
            columns = ['id_number', 'party', 'birth_date', 'gender',
                'mental_illness', 'state'] + [
                f for f in PERSON_FIELDS
                if f not in {'mental_illness', 'state'}]
            # The fields' SQL formats looked up once, not a row at a time
            formats = [(c, getattr(Person, c).sql_format) for c in columns]
            vlist = []
            for (number, values), party in zip(to_create, party_ids):
                values.setdefault('mental_illness', False)
                values.setdefault('state', 'active')
                values.update(id_number=number, party=party)
                values.update(Person.id_number_values(number))
                vlist.append(
                    [format_(values.get(c)) for c, format_ in formats])
            ids = insert_many(Person, columns, vlist)
            Person._insert_history(ids)
            for (number, _), id_ in zip(to_create, ids):
                stored[number] = {'id': id_, 'id_number': number}
            counts['created'] = len(ids)
            cls._created_persons(ids)

        if to_update:
            cls._write_persons(
                [(old['id'], values) for old, values in to_update])

        if assessments:
            ids = insert_many(Assessment,
                ['person', 'kind', 'state', 'date', 'level'],
                [[stored[n]['id'], 'imported', 'done', today, level]
                    for n, level in assessments])
            Assessment._insert_history(ids)

        guardians_changed = cls._store_guardians(
            {stored[n]['id']: r['guardian'] for n, r in by_number.items()
                if r.get('guardian')}, by_number, stored)
        updated = {old['id'] for old, _ in to_update} | guardians_changed
        created = {stored[n]['id'] for n, _ in to_create}
        counts['updated'] = len(updated - created)
        counts['unchanged'] = len(rows) - counts['created'] - counts['updated']
        return counts

    # The persons are stored in SQL (see _store), and the import calls the
    # ORM's hooks as Person.create and Person.write would (as party.replace
    # does after its SQL): other modules react to imported persons through
    # on_modification and on_write, never by extending the import

    @classmethod
    def _created_persons(cls, ids):
        "Call the hook Person.create calls on the persons inserted"
        Person = Pool().get('social_assistance.person')
        with without_check_access():
            for sub_ids in grouped_slice(ids, HOOK_SLICE):
                Person.on_modification('create', Person.browse(sub_ids))

    @classmethod
    def _write_persons(cls, updates):
        """Write each person's values of updates ([(id, values)]) in SQL,
        calling the hooks Person.write calls: on_write before,
        on_modification and the callbacks of on_write after"""
        Person = Pool().get('social_assistance.person')
        transaction = Transaction()
        ids = [id_ for id_, _ in updates]
        with without_check_access():
            callbacks = []
            for id_, values in updates:
                callbacks.extend(Person.on_write([Person(id_)], values))
            for id_, values in updates:
                update_row(Person, id_, {
                        f: getattr(Person, f).sql_format(v)
                        for f, v in values.items()})
            Person._insert_history(ids)
            # What ModelStorage.write does to the caches of the records
            transaction.counter += 1
            for cache in transaction.cache.values():
                if Person.__name__ in cache:
                    for id_ in ids:
                        cache[Person.__name__].pop(id_, None)
            field_names = set().union(*(v for _, v in updates))
            for sub_ids in grouped_slice(ids, HOOK_SLICE):
                Person.on_modification(
                    'write', Person.browse(sub_ids), field_names)
            for callback in callbacks:
                callback()

    @classmethod
    def _stored_persons(cls, numbers):
        "The stored values of the persons with the numbers, keyed by number"
        Person = Pool().get('social_assistance.person')
        person = Person.__table__()
        names = ['id', 'id_number', 'party'] + PERSON_FIELDS
        cursor = Transaction().connection.cursor()
        cursor.execute(*person.select(
                *[getattr(person, n) for n in names],
                where=person.id_number.in_(numbers)))
        stored = {}
        for row in cursor:
            values = dict(zip(names, row))
            # MultiSelection values are JSON: text on SQLite
            categories = values['categories'] or []
            if isinstance(categories, str):
                categories = json.loads(categories)
            values['categories'] = sorted(categories)
            stored[values['id_number']] = values
        return stored

    @classmethod
    def _person_values(cls, row, old):
        "The values to store: all of them for a new person, else the changes"
        values = {f: row[f] for f in PERSON_FIELDS if f in row}
        if 'death_date' in row:
            values.update(state='terminated', termination_reason='death',
                end_date=row['death_date'] - dt.timedelta(days=1))
        if old is None:
            return values
        return {f: v for f, v in values.items() if old.get(f) != v}

    @classmethod
    def _create_parties(cls, names):
        """Create one party a name with the values Party.create would store:
        the code from the party sequence and what Party.compute_fields
        derives from it; return their ids in order"""
        # In SQL: Party.create took 42 s for 10,000 parties (27 s with the
        # codes given: compute_fields writes each party again) where these
        # statements take 0.2 s and the whole import of 10,000 persons 4.8 s
        # on SQLite, 3.7 s on PostgreSQL (scripts/bench persons)
        Party = Pool().get('party.party')
        sequence = Party._code_sequence()
        codes = (sequence.get_many(len(names)) if sequence
            else [None] * len(names))
        # One unsaved party computes the columns of every code: three times
        # faster than a party a code
        party = Party()
        vlist = []
        for name, code in zip(names, codes):
            party.code = code
            vlist.append({'name': name, 'code': code, 'active': True,
                    **party.compute_fields({'code'})})
        columns = sorted(set().union(*vlist))
        # Texts, integers and booleans, stored as they are: sql_format would
        # return them unchanged, at a cost scripts/bench persons shows
        return insert_many(Party, columns,
            [[v.get(c) for c in columns] for v in vlist])

    @classmethod
    def _store_guardians(cls, wanted, by_number, stored):
        """Add or update the guardians rows name; never remove one.
        Return the ids of persons whose guardians changed."""
        pool = Pool()
        Guardian = pool.get('social_assistance.guardian')
        if not wanted:
            return set()
        existing = {}
        for guardian in Guardian.search_read(
                [('person', 'in', list(wanted))],
                fields_names=['person'] + GUARDIAN_FIELDS):
            existing.setdefault(guardian['person'], []).append(guardian)
        starts = {stored[n]['id']: r['start_date']
            for n, r in by_number.items()}
        to_create, changed = [], set()
        for person, values in wanted.items():
            match = cls._match_guardian(values, existing.get(person, []))
            if match is None:
                role = values.get('role') or Guardian.default_role()
                basis = (Guardian.basis_of(values.get('relation'))
                    if role == 'guardian' else None)
                to_create.append([person, starts[person], basis] + [
                        role if f == 'role' else values.get(f)
                        for f in GUARDIAN_FIELDS])
                changed.add(person)
                continue
            diff = {f: v for f, v in values.items() if match[f] != v}
            if diff:
                update_row(Guardian, match['id'], diff)
                Guardian._insert_history([match['id']])
                changed.add(person)
        if to_create:
            ids = insert_many(Guardian,
                ['person', 'start_date', 'legal_basis'] + GUARDIAN_FIELDS,
                to_create)
            Guardian._insert_history(ids)
        return changed

    @staticmethod
    def _match_guardian(values, guardians):
        "The stored guardian with the same number, else with the same name"
        if values.get('id_number'):
            for guardian in guardians:
                if guardian['id_number'] == values['id_number']:
                    return guardian
        for guardian in guardians:
            if guardian['name'] == values['name']:
                return guardian
        return None
