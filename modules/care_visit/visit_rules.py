# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The visit rules and online supervision flags of DESIGN.md, in SQL.

Rules 1 to 6 read one visit and the facts around it (contract, assignment,
person); their outcome is stored as `base_reason`.  Rule 7 (overlap) and the
travel flag read the caregiver's other visits, so they are applied to every
visit of the same contractor around the changed ones, after rules 1 to 6.
Everything runs as a few UPDATE statements a chunk: the outcome is a function
of the set of visits, never of the order they arrived in.
"""
import datetime as dt

from sql import Literal, Null, Window
from sql.aggregate import Max, Min
from sql.conditionals import Case, Coalesce, Greatest
from sql.functions import Cos, Extract, Lag, Radians, Sqrt
from sql.operators import Exists

from trytond.modules.social_assistance.tools import sql_datetime
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

# The reason codes of DESIGN.md (contract), in the order the rules apply
REASONS = [
    ('invalid_times', "End Not After Start"),
    ('service_not_in_contract', "Service Not in the Contract"),
    ('outside_contract', "Outside the Contract Period"),
    ('not_assigned', "Person Not Assigned to the Contract"),
    ('person_inactive', "Person Not Active"),
    ('too_short', "Shorter than the Service Minimum"),
    ('overlap', "Overlaps an Earlier Visit of the Caregiver"),
    ('disproved', "Disproved by an Inspection"),
    ]
CHUNK = 1000
# Visits are searched for neighbours this far around the changed ones: a
# caregiver's visit lasts hours, never days
MARGIN = dt.timedelta(days=1)
EARTH_RADIUS = 6371000  # metres
FAR_FROM_HOME = 500  # metres
TRAVEL_SPEED = 60000 / 3600  # 60 km/h in metres a second


def distance(lat1, lon1, lat2, lon2):
    """Metres between two positions as an SQL expression: the equirectangular
    formula, within a fraction of a percent at a county's scale, in functions
    both backends have (trytond adds them to SQLite)"""
    x = Radians(lon2 - lon1) * Cos(Radians((lat1 + lat2) / 2))
    y = Radians(lat2 - lat1)
    return Sqrt(x * x + y * y) * EARTH_RADIUS


def merge(target, other):
    "Merge the {contractor: (low, high)} windows of other into target"
    for contractor, (low, high) in other.items():
        if contractor in target:
            old_low, old_high = target[contractor]
            low, high = min(low, old_low), max(high, old_high)
        target[contractor] = (low, high)
    return target


class VisitRulesMixin:
    __slots__ = ()

    @classmethod
    def evaluate(cls, ids, around=None):
        """Apply the rules to the visits with ids, then the rules that read
        other visits to all visits of their contractors around them (and
        around the windows of `around`, as neighbourhoods returns them)"""
        ids = list(ids)
        for sub_ids in grouped_slice(ids, CHUNK):
            cls._apply_own_rules(list(sub_ids))
        windows = merge(dict(around or {}), cls.neighbourhoods(ids))
        for contractor, (low, high) in sorted(windows.items()):
            cls._apply_set_rules(contractor, low - MARGIN, high + MARGIN)
        cls.forget_cached()

    @classmethod
    def forget_cached(cls):
        "Drop the visits cached by the transaction: SQL has changed them"
        transaction = Transaction()
        transaction.counter += 1
        for cache in transaction.cache.values():
            cache.pop(cls.__name__, None)

    @classmethod
    def freeze(cls, contract_months, frozen=True):
        """Freeze the visits of the (contract id, month) pairs: their
        settlement is approved, the rules leave them as they are.  Thawed
        (frozen=False), they are evaluated again."""
        visit = cls.__table__()
        cursor = Transaction().connection.cursor()
        for contract, month in contract_months:
            where = (visit.contract == contract) & (visit.month == month)
            cursor.execute(*visit.update([visit.frozen], [frozen],
                    where=where))
            if not frozen:
                cursor.execute(*visit.select(visit.id, where=where))
                cls.evaluate([i for i, in cursor])
        cls.forget_cached()

    @classmethod
    def evaluate_of(cls, field, ids):
        """Re-evaluate the visits whose field (person, contract) is one of
        ids, because a fact the rules read about them changed"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        visits = []
        for sub_ids in grouped_slice(ids, CHUNK):
            cursor.execute(*table.select(table.id,
                    where=getattr(table, field).in_(list(sub_ids))))
            visits.extend(i for i, in cursor)
        cls.evaluate(visits)

    @classmethod
    def neighbourhoods(cls, ids):
        "{contractor: (first start, last start or end)} of the visits"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        windows = {}
        for sub_ids in grouped_slice(ids, CHUNK):
            cursor.execute(*table.select(table.contractor,
                    Min(table.start), Max(table.start), Max(table.end),
                    where=table.id.in_(list(sub_ids)),
                    group_by=[table.contractor]))
            for contractor, low, high_start, high_end in cursor:
                merge(windows, {contractor: (sql_datetime(low), max(
                                sql_datetime(high_start),
                                sql_datetime(high_end)))})
        return windows

    @classmethod
    def _apply_own_rules(cls, ids):
        "Rules 1 to 6, which read the visit and its contract, person, service"
        pool = Pool()
        Line = pool.get('care.contract.line')
        Contract = pool.get('care.contract')
        Assignment = pool.get('care.contract.assignment')
        Person = pool.get('social_assistance.person')
        Service = pool.get('care.service')
        visit = cls.__table__()
        line = Line.__table__()
        contract = Contract.__table__()
        assignment = Assignment.__table__()
        person = Person.__table__()
        service = Service.__table__()
        cursor = Transaction().connection.cursor()

        in_contract = Exists(line.select(line.id,
                where=(line.contract == visit.contract)
                & (line.service == visit.service)))
        in_period = Exists(contract.select(contract.id,
                where=(contract.id == visit.contract)
                & (contract.state != 'draft')
                & (contract.start_date <= visit.date)
                & (contract.end_date >= visit.date)))
        assigned = Exists(assignment.select(assignment.id,
                where=(assignment.contract == visit.contract)
                & (assignment.person == visit.person)
                & (assignment.start_date <= visit.date)
                & ((assignment.end_date == Null)
                    | (assignment.end_date >= visit.date))))
        active = Exists(person.select(person.id,
                where=(person.id == visit.person)
                & Person.active_on_condition(person, visit.date)))
        long_enough = Exists(service.select(service.id,
                where=(service.id == visit.service)
                & (Coalesce(service.min_minutes, 0) <= visit.duration)))
        reason = Case(
            (visit.end <= visit.start, 'invalid_times'),
            (~in_contract, 'service_not_in_contract'),
            (~in_period, 'outside_contract'),
            (~assigned, 'not_assigned'),
            (~active, 'person_inactive'),
            (~long_enough, 'too_short'),
            else_=Null)
        cursor.execute(*visit.select(visit.id, visit.base_reason, reason,
                where=visit.id.in_(ids) & (visit.frozen == Literal(False))))
        changes = {}
        for id_, old, new in cursor:
            if old != new:
                changes.setdefault((new,), []).append(id_)
        cls._store_outcomes(['base_reason'], changes)

    @classmethod
    def _apply_set_rules(cls, contractor, low, high):
        """Rules 7 and 8 and the supervision flags for the contractor's
        visits starting in [low, high): computed in a few queries, and only
        the visits whose outcome changes are written"""
        visit = cls.__table__()
        cursor = Transaction().connection.cursor()
        overlapping = set(cls._overlap_ids(contractor, low, high))
        travel = set(cls._travel_ids(contractor, low, high))
        cursor.execute(*visit.select(visit.id, visit.reason, visit.state,
                visit.flag_far, visit.flag_travel, visit.flagged,
                visit.flag_reported_dead,
                visit.flag_late, visit.flag_hours, visit.base_reason,
                cls._disproved_condition(visit), cls._far_condition(visit),
                cls._reported_dead_condition(visit),
                where=(visit.contractor == contractor)
                & (visit.start >= low) & (visit.start < high)
                & (visit.frozen == Literal(False))))
        changes = {}
        for (id_, *old, late, hours, base, disproved, far, dead) in cursor:
            reason = (base or ('overlap' if id_ in overlapping else None)
                or ('disproved' if disproved else None))
            far, dead = bool(far), bool(dead)
            new = (reason, 'rejected' if reason else 'accepted',
                far, id_ in travel, bool(far or id_ in travel or late
                    or hours or dead), dead)
            if tuple(old[:2]) + tuple(map(bool, old[2:])) != new:
                changes.setdefault(new, []).append(id_)
        cls._store_outcomes(
            ['reason', 'state', 'flag_far', 'flag_travel', 'flagged',
                'flag_reported_dead'],
            changes)

    @classmethod
    def _store_outcomes(cls, columns, changes):
        "Write {values: ids}: one statement a distinct outcome and chunk"
        visit = cls.__table__()
        cursor = Transaction().connection.cursor()
        targets = [getattr(visit, c) for c in columns]
        for values, ids in changes.items():
            for sub_ids in grouped_slice(ids, CHUNK):
                cursor.execute(*visit.update(targets, list(values),
                        where=visit.id.in_(list(sub_ids))))

    @classmethod
    def _overlap_ids(cls, contractor, low, high):
        """Rule 7: the visits starting in [low, high) that an earlier visit
        of the same caregiver passing rules 1 to 6 overlaps (ties on start:
        lower external id first).

        A visit is overlapped when the latest end among the caregiver's
        earlier visits lies after its start: running maxima over windows,
        one by identity number (both visits carry one) and one by name
        (for pairs where one visit has no number)."""
        visit = cls.__table__()
        cursor = Transaction().connection.cursor()
        order = [visit.start.asc, visit.external_id.asc, visit.contract.asc,
            visit.id.asc]

        def earlier(*partition):
            return Window([visit.contractor, *partition], order_by=order,
                frame='ROWS', start=None, end=-1)
        by_number = earlier(visit.caregiver_id_number)
        by_name = earlier(visit.caregiver_name)
        valid = visit.select(visit.id, visit.start,
            visit.caregiver_id_number.as_('number'),
            Max(visit.end, window=by_number).as_('number_end'),
            Max(visit.end, window=by_name).as_('name_end'),
            Max(Case((visit.caregiver_id_number == Null, visit.end)),
                window=by_name).as_('unnumbered_end'),
            where=(visit.contractor == contractor)
            & (visit.start >= low - MARGIN) & (visit.start < high)
            & (visit.base_reason == Null))
        cursor.execute(*valid.select(valid.id,
                where=(valid.start >= low)
                & Case((valid.number != Null,
                        (valid.number_end > valid.start)
                        | (valid.unnumbered_end > valid.start)),
                    else_=valid.name_end > valid.start)))
        return [i for i, in cursor]

    @classmethod
    def _disproved_condition(cls, visit):
        "Rule 8: a failed inspection marks the visit as not delivered"
        pool = Pool()
        CheckVisit = pool.get('care.check.visit')
        Check = pool.get('care.check')
        check_visit = CheckVisit.__table__()
        check = Check.__table__()
        return Exists(check_visit.join(check,
                condition=check.id == check_visit.check).select(
                check_visit.id,
                where=(check_visit.visit == visit.id)
                & (check_visit.delivered == Literal(False))
                & (check.result == 'fail')))

    @classmethod
    def _far_condition(cls, visit):
        "The check-in lies more than 500 m from the person's home"
        Person = Pool().get('social_assistance.person')
        person = Person.__table__()
        return Exists(person.select(person.id,
                where=(person.id == visit.person)
                & (visit.latitude != Null) & (visit.longitude != Null)
                & (person.latitude != Null) & (person.longitude != Null)
                & (distance(person.latitude, person.longitude,
                        visit.latitude, visit.longitude) > FAR_FROM_HOME)))

    @classmethod
    def _reported_dead_condition(cls, visit):
        """A death report, pending or confirmed, dates the person's death on
        or before the visit: flagged at once, before the registry confirms
        (a confirmed death also fails rule 5 through the death date)"""
        Report = Pool().get('social_assistance.change_report')
        report = Report.__table__()
        return Exists(report.select(report.id,
                where=(report.person == visit.person)
                & (report.kind == 'death')
                & report.state.in_(['reported', 'confirmed'])
                & (report.date <= visit.date)))

    @classmethod
    def _travel_ids(cls, contractor, low, high):
        """The visits starting in [low, high) reached from the caregiver's
        previous visit faster than 60 km/h.  A caregiver is known by identity
        number, else by name; previous visits are looked up a margin back."""
        visit = cls.__table__()
        cursor = Transaction().connection.cursor()
        window = Window(
            [visit.contractor,
                Coalesce(visit.caregiver_id_number, visit.caregiver_name)],
            order_by=[visit.start.asc, visit.external_id.asc,
                visit.id.asc])
        positioned = visit.select(visit.id, visit.start,
            visit.latitude.as_('lat'), visit.longitude.as_('lon'),
            Extract('EPOCH', visit.start).as_('start_s'),
            Lag(visit.latitude, window=window).as_('prev_lat'),
            Lag(visit.longitude, window=window).as_('prev_lon'),
            Lag(Extract('EPOCH', visit.end), window=window).as_('prev_end_s'),
            where=(visit.contractor == contractor)
            & (visit.start >= low - MARGIN) & (visit.start < high)
            & (visit.end > visit.start)
            & (visit.latitude != Null) & (visit.longitude != Null))
        gap = Greatest(positioned.start_s - positioned.prev_end_s, 0)
        cursor.execute(*positioned.select(positioned.id,
                where=(positioned.start >= low)
                & (positioned.prev_lat != Null)
                & (distance(positioned.prev_lat, positioned.prev_lon,
                        positioned.lat, positioned.lon)
                    > gap * TRAVEL_SPEED)))
        return [i for i, in cursor]
