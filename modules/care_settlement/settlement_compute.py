# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The settlement rules of DESIGN.md (contract), for one contract and month.

Visit lines: each accepted visit's quantity (1 a visit; half hours counted
down for hours), capped per person and line in start order with a running
sum over a window, summed per person and line — all in one query.  Day and
month lines: the days each assigned person is covered, from the periods the
rules name.  Amounts are rounded per person and line, half up.
"""
import calendar
import datetime as dt
from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal

from sql import Literal, Null, Window
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce, Greatest, Least

from trytond.modules.care_procurement.tools import month_bounds
from trytond.pool import Pool
from trytond.transaction import Transaction

CENT = Decimal('0.01')
HALF_HOUR = 30
LineResult = namedtuple('LineResult', ['person', 'contract_line', 'service',
        'quantity', 'unit_price', 'amount', 'visits', 'covered_days'])


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def as_decimal(value):
    # SQLite returns floats, PostgreSQL numerics: quantities are multiples
    # of a half, exact in both
    return Decimal(str(value)) if value is not None else Decimal(0)


def visit_quantities(contract_ids, month):
    """{contract: {(person, contract line): (quantity, visits counted)}} of
    the accepted visits of the contracts in the month, after the monthly
    caps: one query for all the contracts"""
    pool = Pool()
    Visit = pool.get('care.visit')
    Line = pool.get('care.contract.line')
    Service = pool.get('care.service')
    visit = Visit.__table__()
    line = Line.__table__()
    service = Service.__table__()
    cursor = Transaction().connection.cursor()
    result = {c: {} for c in contract_ids}
    if not contract_ids:
        return result

    quantity = Case((service.unit == 'visit', Literal(1)),
        else_=(visit.duration / HALF_HOUR) * Literal(0.5))
    # A contract line belongs to one contract: the window per person and
    # line runs within a contract
    window = Window([visit.person, line.id],
        order_by=[visit.start.asc, visit.external_id.asc, visit.id.asc],
        frame='ROWS', start=None, end=0)
    counted = visit.join(line, condition=(line.contract == visit.contract)
        & (line.service == visit.service)).join(service,
        condition=service.id == visit.service).select(
        visit.contract.as_('contract'), visit.person.as_('person'),
        line.id.as_('line'),
        line.monthly_cap.as_('cap'), quantity.as_('quantity'),
        (Sum(quantity, window=window) - quantity).as_('before'),
        where=visit.contract.in_(list(contract_ids)) & (visit.month == month)
        & (visit.state == 'accepted')
        & service.unit.in_(['visit', 'hour']))
    # The visit that crosses the cap counts up to it, later ones nothing
    capped = Case((counted.cap == Null, counted.quantity),
        else_=Greatest(Least(counted.quantity,
                counted.cap - counted.before), 0))
    cursor.execute(*counted.select(counted.contract, counted.person,
            counted.line, Sum(capped), Sum(Case((capped > 0, 1), else_=0)),
            group_by=[counted.contract, counted.person, counted.line]))
    for contract, person, line_id, quantity, visits in cursor:
        result[contract][person, line_id] = (
            as_decimal(quantity), int(visits or 0))
    return result


def covered_days(contract, month):
    """{(person, contract line): days} for the contract's day and month
    lines: the days of the month in the contract period, the person's
    assignment and on which the person is active.  Where the contract also
    has visit lines, only persons whose care plan names the service."""
    pool = Pool()
    Assignment = pool.get('care.contract.assignment')
    Plan = pool.get('care.contract.assignment.plan')
    Person = pool.get('social_assistance.person')
    Suspension = pool.get('social_assistance.person.suspension')
    # (line id, service id): read once, not per person
    day_lines = [(l.id, l.service.id) for l in contract.lines
        if l.service.unit in {'day', 'month'}]
    if not day_lines:
        return {}
    has_visit_lines = any(l.service.unit in {'visit', 'hour'}
        for l in contract.lines)
    first, last = month_bounds(month)
    first, last = max(first, contract.start_date), min(
        last, contract.end_date)
    if first > last:
        return {}
    assignment = Assignment.__table__()
    plan = Plan.__table__()
    person = Person.__table__()
    suspension = Suspension.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*assignment.join(person,
            condition=person.id == assignment.person).select(
            assignment.id, assignment.person, assignment.start_date,
            assignment.end_date, person.start_date, person.end_date,
            person.death_date,
            where=(assignment.contract == contract.id)
            & (assignment.start_date <= last)
            & (Coalesce(assignment.end_date, last) >= first)))
    assignments = cursor.fetchall()
    planned = {}
    cursor.execute(*plan.join(assignment,
            condition=assignment.id == plan.assignment).select(
            plan.assignment, plan.service,
            where=assignment.contract == contract.id))
    for assignment_id, service_id in cursor:
        planned.setdefault(assignment_id, set()).add(service_id)
    suspended = {}
    cursor.execute(*suspension.select(suspension.person,
            suspension.from_date, suspension.to_date,
            where=suspension.person.in_(assignment.select(
                    assignment.person,
                    where=assignment.contract == contract.id))
            & (suspension.from_date <= last)
            & (Coalesce(suspension.to_date, last) >= first)))
    for person_id, from_date, to_date in cursor:
        suspended.setdefault(person_id, []).append((from_date, to_date))

    result = {}
    for (assignment_id, person_id, a_start, a_end, p_start, p_end,
            death) in assignments:
        start = max(first, a_start, p_start)
        end = min(last, a_end or last, p_end or last)
        if death:
            end = min(end, death - dt.timedelta(days=1))
        days = 0
        if start <= end:
            days = (end - start).days + 1
            for from_date, to_date in suspended.get(person_id, []):
                overlap = (min(end, to_date or end)
                    - max(start, from_date)).days + 1
                days -= max(0, overlap)
        if days <= 0:
            continue
        for line_id, service_id in day_lines:
            if has_visit_lines and service_id not in planned.get(
                    assignment_id, set()):
                continue
            key = (person_id, line_id)
            result[key] = result.get(key, 0) + days
    return result


def compute_lines(contract, month, quantities):
    """The settlement lines of the contract and month (LineResult), in
    person and line order, from the contract's visit quantities"""
    # (service id, unit, unit price) of each line: read once, not per person
    lines = {l.id: (l.service.id, l.service.unit, l.unit_price)
        for l in contract.lines}
    year, number = map(int, month.split('-'))
    days_in_month = calendar.monthrange(year, number)[1]
    result = []
    for (person, line_id), (quantity, visits) in quantities.items():
        service, _unit, price = lines[line_id]
        if quantity <= 0:
            continue
        result.append(LineResult(person, line_id, service, quantity, price,
                money(quantity * price), visits, None))
    for (person, line_id), days in covered_days(contract, month).items():
        service, unit, price = lines[line_id]
        if unit == 'day':
            quantity = Decimal(days)
            amount = money(quantity * price)
        else:
            quantity = (Decimal(days) / days_in_month).quantize(
                Decimal('0.0001'))
            amount = money(price * days / days_in_month)
        result.append(LineResult(person, line_id, service, quantity, price,
                amount, 0, days))
    result.sort(key=lambda r: (r.person, r.contract_line))
    return result


def failed_checks(contract_ids, month):
    "{contract: failed inspections of its visits of the month}"
    Check = Pool().get('care.check')
    check = Check.__table__()
    cursor = Transaction().connection.cursor()
    result = {c: 0 for c in contract_ids}
    if contract_ids:
        cursor.execute(*check.select(check.contract, Count(check.id),
                where=check.contract.in_(list(contract_ids))
                & (check.month == month) & (check.result == 'fail'),
                group_by=check.contract))
        result.update(cursor)
    return result


def totals(lines, failures, penalty):
    "(gross, deductions, net) of the lines"
    gross = sum((l.amount for l in lines), Decimal(0))
    deductions = money(failures * penalty)
    return gross, deductions, max(Decimal(0), gross - deductions)

