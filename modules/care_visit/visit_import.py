# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Set-based import of visit logs (FORMATS.md "visits").

Rows arrive as (line number, {field: raw text}).  Each chunk is parsed in
Python, its contracts, persons and services looked up in SQL, and the new
visits inserted in one statement; the visit rules then run once over all of
them.  Everything happens in the caller's transaction: a file is stored
whole or not at all.
"""
import datetime as dt
import re
from collections import namedtuple
from functools import partial

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Model
from trytond.modules.social_assistance import identity, tabular
from trytond.modules.social_assistance.import_format import (
    ImportFormatMixin, format_path)
from trytond.modules.social_assistance.sql_tools import insert_many
from trytond.modules.social_assistance.tools import RowError, parse_coordinate
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access

from . import local_time

CHUNK = 2000
VisitImportResult = namedtuple('VisitImportResult',
    ['created', 'accepted', 'rejected_by_rules', 'unchanged', 'rejected'])
LOCAL_DATETIME = re.compile(
    r'^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$')
COLUMNS = ['contract', 'contractor', 'person', 'service', 'caregiver_name',
    'caregiver_id_number', 'start', 'end', 'latitude', 'longitude',
    'external_id', 'note', 'source', 'logged_at', 'state', 'frozen',
    'flag_far', 'flag_travel', 'flagged', 'date', 'month', 'duration',
    'flag_hours', 'flag_late']


class VisitLog(ImportFormatMixin, Model):
    __name__ = 'care.visit.log'
    __string__ = "Visit Log Import"
    _format_file = format_path(__file__, 'visits_format.json')

    @classmethod
    def parse_datetime(cls, raw, field):
        """A naive UTC datetime from local wall time (YYYY-MM-DD
        HH:MM[:SS]) or ISO 8601 with an offset"""
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            value = None
        if value is None or (value.tzinfo is None
                and not LOCAL_DATETIME.match(raw)):
            raise cls.row_error('care_visit.msg_import_bad_datetime', field,
                value=raw)
        # Before the conversion, which overflows at the ends of the calendar
        if not tabular.year_in_range(value):
            low, high = tabular.YEARS
            raise cls.row_error('care_visit.msg_import_time_out_of_range',
                field, value=raw, low=low, high=high)
        return local_time.to_utc(value)

    @classmethod
    def parse_row(cls, raw, sizes=None):
        """The typed values of a raw row (lookups still by text); raise
        RowError on the first problem found.  sizes bounds the cells ({field:
        size}, see cell_sizes); others are bounded by tabular.CELL_SIZE."""
        bad = tabular.bad_cell(raw, sizes or {})
        if bad:
            field, problem, size = bad
            if problem == 'characters':
                raise cls.row_error(
                    'care_visit.msg_import_bad_characters', field)
            raise cls.row_error('care_visit.msg_import_too_long', field,
                length=len(raw[field].strip()), size=size)
        raw = {k: (v or '').strip() for k, v in raw.items()}
        for field in cls.required_fields():
            if not raw.get(field):
                raise cls.row_error('care_visit.msg_import_required', field)
        row = {
            'external_id': raw['external_id'],
            'contract': raw['contract'],
            'id_number': identity.compact(raw['id_number']),
            'service': raw['service'],
            'caregiver_name': raw['caregiver'],
            'caregiver_id_number': None,
            'start': cls.parse_datetime(raw['start'], 'start'),
            'end': cls.parse_datetime(raw['end'], 'end'),
            'latitude': None,
            'longitude': None,
            'note': raw.get('note') or None,
            }
        if raw.get('caregiver_id'):
            number = identity.compact(raw['caregiver_id'])
            reason = identity.identity_error(number)
            if reason:
                raise cls.row_error('care_visit.msg_import_bad_caregiver_id',
                    'caregiver_id', value=raw['caregiver_id'])
            row['caregiver_id_number'] = number
        # Six decimals are 0.1 m: what the fields keep
        if raw.get('longitude'):
            row['longitude'] = parse_coordinate(raw['longitude'], 73, 136,
                partial(cls.row_error, 'care_visit.msg_import_bad_coordinate',
                    'longitude'), digits=6)
        if raw.get('latitude'):
            row['latitude'] = parse_coordinate(raw['latitude'], 3, 54,
                partial(cls.row_error, 'care_visit.msg_import_bad_coordinate',
                    'latitude'), digits=6)
        if (row['latitude'] is None) != (row['longitude'] is None):
            raise cls.row_error('care_visit.msg_import_half_position')
        return row

    @classmethod
    def import_rows(cls, rows, progress=None):
        """Store rows given as (line number, raw dict) in the transaction and
        apply the visit rules to the new visits.

        Return a VisitImportResult whose rejected list holds (line number,
        reason); progress, when given, is called with the rows done."""
        pool = Pool()
        Visit = pool.get('care.visit')
        contracts = cls._contracts()
        services = cls._services()
        sizes = cls.cell_sizes()
        seen = set()
        new_ids, rejected = [], []
        unchanged = done = 0
        now = dt.datetime.now()
        # The statistics are refreshed as the table grows within the
        # import: planned on the table as it was, each chunk's look-up of
        # stored visits would scan all the visits inserted before it
        analyze_at = 4 * CHUNK
        for chunk in grouped_slice(rows, CHUNK):
            chunk = list(chunk)
            parsed = []
            for line, raw in chunk:
                try:
                    row = cls.parse_row(raw, sizes)
                    row['contract'], row['contractor'] = cls._lookup(
                        contracts, row['contract'],
                        'care_visit.msg_import_unknown_contract', 'contract')
                    row['service'] = cls._lookup(services, row['service'],
                        'care_visit.msg_import_unknown_service', 'service')
                except RowError as error:
                    rejected.append((line, str(error.args[0])))
                    continue
                key = (row['contract'], row['external_id'])
                if key in seen:
                    unchanged += 1
                    continue
                seen.add(key)
                parsed.append((line, row))
            persons = cls._persons({r['id_number'] for _, r in parsed})
            stored = cls._stored_keys(parsed)
            values = []
            for line, row in parsed:
                if (row['contract'], row['external_id']) in stored:
                    unchanged += 1
                    continue
                row['person'] = persons.get(row['id_number'])
                if row['person'] is None:
                    rejected.append((line, gettext(
                                'care_visit.msg_import_unknown_person',
                                column=cls.header('id_number'),
                                value=row['id_number'])))
                    continue
                values.append(cls._values(Visit, row, now))
            # Raw SQL, not Visit.create: the set-based insert keeps
            # `scripts/bench visits` (39,843 rows) at a few seconds
            new_ids.extend(insert_many(Visit, COLUMNS, values))
            if len(new_ids) >= analyze_at:
                cls._analyze(Visit)
                analyze_at *= 2
            done += len(chunk)
            if progress:
                progress(done)
        if len(new_ids) > CHUNK:
            cls._analyze(Visit)
        Visit.evaluate(new_ids)
        Visit._insert_history(new_ids)
        accepted = cls._count_accepted(new_ids)
        rejected.sort()
        return VisitImportResult(created=len(new_ids), accepted=accepted,
            rejected_by_rules=len(new_ids) - accepted, unchanged=unchanged,
            rejected=rejected)

    @staticmethod
    def _analyze(Visit):
        """Refresh PostgreSQL's statistics of the visits: planned on the
        statistics of the table before a large import, the rules' queries
        would scan it once a visit"""
        if backend.name == 'postgresql':
            Transaction().connection.cursor().execute(
                f'ANALYZE "{Visit._table}"')

    @classmethod
    def _lookup(cls, known, text, message, field):
        try:
            return known[text]
        except KeyError:
            raise cls.row_error(message, field, value=text)

    @classmethod
    def cell_sizes(cls):
        "{field: size} of the cells stored in a bounded field of a visit"
        Visit = Pool().get('care.visit')
        return {
            'external_id': Visit.external_id.size,
            'caregiver': Visit.caregiver_name.size,
            'note': Visit.note.size,
            }

    @classmethod
    def _contracts(cls):
        """{number: (id, contractor id)} of the contracts the user may log
        visits on: looked up under its rules, and for a contractor's user
        only its own running contracts, so that another's contract is
        rejected exactly as one that does not exist (the wizard runs
        without access checks)"""
        pool = Pool()
        Contract = pool.get('care.contract')
        User = pool.get('res.user')
        domain = []
        contractor = User.contractor_id()
        if contractor is not None:
            domain = [
                ('contractor', '=', contractor),
                ('state', '=', 'running'),
                ]
        with check_access():
            contracts = Contract.search_read(domain,
                fields_names=['number', 'contractor'])
        return {c['number']: (c['id'], c['contractor']) for c in contracts}

    @classmethod
    def _services(cls):
        "{code or name: id}"
        Service = Pool().get('care.service')
        result = {}
        for service in Service.search([]):
            result[service.name] = result[service.code] = service.id
        return result

    @classmethod
    def _persons(cls, numbers):
        """{identity number: id}, read in SQL (identity numbers are masked
        to the ORM); a contractor's user finds only the persons assigned to
        its contracts, so that an upload tells it nothing of the others"""
        pool = Pool()
        Person = pool.get('social_assistance.person')
        Assignment = pool.get('care.contract.assignment')
        Contract = pool.get('care.contract')
        User = pool.get('res.user')
        person = Person.__table__()
        cursor = Transaction().connection.cursor()
        contractor = User.contractor_id()
        where = person.id_number.in_
        if contractor is not None:
            assignment = Assignment.__table__()
            contract = Contract.__table__()
            assigned = assignment.join(contract,
                condition=contract.id == assignment.contract).select(
                assignment.person, where=contract.contractor == contractor)
            where = lambda numbers: (  # noqa: E731
                person.id_number.in_(numbers) & person.id.in_(assigned))
        result = {}
        for sub in grouped_slice(list(numbers), CHUNK):
            cursor.execute(*person.select(person.id_number, person.id,
                    where=where(list(sub))))
            result.update(cursor)
        return result

    @classmethod
    def rejected_headers(cls):
        "The (line, reason) column names of a rejected file"
        names = cls.file_format()['rejected']
        return names['line'], names['reason']

    @classmethod
    def _stored_keys(cls, parsed):
        "The (contract, external id) of the rows already stored"
        Visit = Pool().get('care.visit')
        visit = Visit.__table__()
        cursor = Transaction().connection.cursor()
        contracts = list({r['contract'] for _, r in parsed})
        stored = set()
        for sub in grouped_slice(
                list({r["external_id"] for _, r in parsed}), CHUNK):
            cursor.execute(*visit.select(visit.contract, visit.external_id,
                    where=visit.external_id.in_(list(sub))
                    & visit.contract.in_(contracts or [-1])))
            stored.update(cursor)
        return stored

    @classmethod
    def _values(cls, Visit, row, now):
        # Stored as most visits end up: the rules write only the others
        row.update(source='import', logged_at=now, state='accepted',
            frozen=False, flag_far=False, flag_travel=False)
        row.update(local_time.derived(row['start'], row['end'], now))
        row['flagged'] = row['flag_hours'] or row['flag_late']
        return [row[c] for c in COLUMNS]

    @classmethod
    def _count_accepted(cls, ids):
        Visit = Pool().get('care.visit')
        visit = Visit.__table__()
        cursor = Transaction().connection.cursor()
        accepted = 0
        for sub in grouped_slice(ids, CHUNK):
            cursor.execute(*visit.select(visit.id,
                    where=visit.id.in_(list(sub))
                    & (visit.state == 'accepted')))
            accepted += len(cursor.fetchall())
        return accepted
