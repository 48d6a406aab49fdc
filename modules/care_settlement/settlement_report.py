# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed monthly settlement (月度结算单): the lines per person and
service, the totals with the net in capitals, who confirmed and approved,
and the persons whose care plan was not delivered in full."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from sql.conditionals import Coalesce

from trytond.modules.care_procurement.assignment import FAR
from trytond.modules.care_procurement.tools import month_bounds
from trytond.modules.care_procurement.service_list_report import (
    format_quantity)
from trytond.modules.care_visit.check_report import selections
from trytond.modules.company import CompanyReport
from trytond.pool import Pool
from trytond.transaction import Transaction

from .capital import capital_amount
from .settlement_compute import as_decimal

# Only what is delivered by visits is compared with the plan: day and month
# lines pay the days covered, which the plan does not foresee
PLANNED_UNITS = ['visit', 'hour']


def _date(value):
    "A date read from the table query: SQLite may give text"
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def person_order(person):
    "Persons by town and village, then name: the same for every reader"
    return (person.town.code if person.town else '',
        person.division.code if person.division else '', person.name,
        person.id)


def shortfalls(contract_ids, month, delivered):
    """[(contract, person, service, planned, delivered, start, end)] of the
    persons assigned to the contracts in the month whose delivered quantity
    of a service ({(contract, person, service): quantity}; none counts as 0)
    is below the monthly quantity of their care plan, with the period of
    their assignments within the month; several assignments of a person to
    a contract in the month count the largest plan once.  Only services
    delivered by visits (PLANNED_UNITS) are compared.  Reads no access
    rule: the caller reads what the user may see."""
    if not contract_ids:
        return []
    pool = Pool()
    Assignment = pool.get('care.contract.assignment')
    Plan = pool.get('care.contract.assignment.plan')
    Service = pool.get('care.service')
    assignment = Assignment.__table__()
    plan = Plan.__table__()
    service = Service.__table__()
    cursor = Transaction().connection.cursor()
    first, last = month_bounds(month)

    # Kept apart from SQL aggregates: SQLite stores numerics as blobs, which
    # MAX compares as bytes
    cursor.execute(*plan.join(assignment,
            condition=assignment.id == plan.assignment).join(service,
            condition=service.id == plan.service).select(
            assignment.contract, assignment.person, plan.service,
            plan.quantity, assignment.start_date, assignment.end_date,
            where=assignment.contract.in_(list(contract_ids))
            & (assignment.start_date <= last)
            & (Coalesce(assignment.end_date, FAR) >= first)
            & service.unit.in_(PLANNED_UNITS)))
    planned = {}
    for contract, person, service_id, quantity, start, end in cursor:
        quantity, start = as_decimal(quantity), _date(start)
        end = _date(end) or FAR
        key = contract, person, service_id
        if key in planned:
            other, other_start, other_end = planned[key]
            quantity = max(quantity, other)
            start, end = min(start, other_start), max(end, other_end)
        planned[key] = quantity, start, end

    short = []
    for key, (quantity, start, end) in planned.items():
        done = delivered.get(key, Decimal(0))
        if done < quantity:
            short.append((*key, quantity, done, max(start, first),
                    min(end, last)))
    return short


class SettlementReport(CompanyReport):
    "The monthly settlement to be signed by the contractor and the bureaus"
    __name__ = 'care.settlement'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Service = pool.get('care.service')
        context = super().get_context(records, header, data)
        context['labels'] = selections(Settlement, 'state')
        context['labels'].update(selections(Service, 'unit'))
        context['format_quantity'] = format_quantity
        context['capital_amount'] = capital_amount
        context['sheets'] = {s.id: cls.sheet(s) for s in records}
        return context

    @classmethod
    def sheet(cls, settlement):
        """The period, the rows of the lines, the penalty per failed
        inspection and the under-served persons of the settlement"""
        contract = settlement.contract
        first, last = month_bounds(settlement.month)
        lines = sorted(settlement.lines, key=lambda line: (
                person_order(line.person), line.service.code, line.id))
        rows = [SimpleNamespace(
                number=number,
                name=line.person.name,
                id_number=line.person.display_id_number,
                service=line.service.name,
                unit=line.service.unit,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                visits=line.visits if line.covered_days is None else None,
                covered_days=line.covered_days,
                ) for number, line in enumerate(lines, 1)]
        penalty = None
        if settlement.failed_checks:
            penalty = (settlement.deductions or 0) / settlement.failed_checks
        return SimpleNamespace(
            first=max(first, contract.start_date),
            last=min(last, contract.end_date),
            rows=rows,
            penalty=penalty,
            under_served=cls.under_served(settlement),
            )

    @classmethod
    def under_served(cls, settlement):
        """The persons assigned to the contract in the month whose settled
        quantity of a service is below the monthly quantity of their care
        plan (no line counts as 0), by person and service; several
        assignments in the month count the largest plan once"""
        pool = Pool()
        Service = pool.get('care.service')
        Person = pool.get('social_assistance.person')
        contract = settlement.contract.id
        # The settlement was read with access checked: the plans of its
        # contract are read in one query
        delivered = defaultdict(Decimal)
        for line in settlement.lines:
            delivered[contract, line.person.id, line.service.id] += (
                line.quantity)
        short = [s[1:] for s in shortfalls([contract], settlement.month,
                delivered)]
        persons = {p.id: p for p in Person.browse(
                sorted({s[0] for s in short}))}
        services = {s.id: s for s in Service.browse(
                sorted({s[1] for s in short}))}
        short.sort(key=lambda s: (
                person_order(persons[s[0]]), services[s[1]].code))
        return [SimpleNamespace(
                number=number,
                name=persons[person].name,
                id_number=persons[person].display_id_number,
                service=services[service_id].name,
                unit=services[service_id].unit,
                planned=quantity,
                delivered=done,
                shortfall=quantity - done,
                start=start,
                end=end,
                ) for number, (person, service_id, quantity, done, start, end)
            in enumerate(short, 1)]
