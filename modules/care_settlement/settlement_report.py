# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed monthly settlement (月度结算单): the lines per person and
service, the totals with the net in capitals, who confirmed and approved,
and the persons whose care plan was not delivered in full."""
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.care_procurement.service_list_report import (
    format_quantity)
from trytond.modules.care_procurement.tools import month_bounds
from trytond.modules.company import CompanyReport
from trytond.pool import Pool

from .capital import capital_amount


class SettlementReport(CompanyReport):
    __name__ = 'care.settlement'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
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
        units = cls._unit_strings()
        lines = sorted(settlement.lines, key=lambda line: (
                cls._person_key(line.person), line.service.code, line.id))
        rows = [SimpleNamespace(
                number=number,
                name=line.person.name,
                id_number=line.person.display_id_number,
                service=line.service.name,
                unit=units.get(line.service.unit, ''),
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
    def _unit_strings(cls):
        "{unit: its label in the language of the report}"
        Service = Pool().get('care.service')
        return dict(Service.fields_get(['unit'])['unit']['selection'])

    @classmethod
    def _person_key(cls, person):
        "Persons by town and village, then name: the same for every reader"
        return (person.town.code if person.town else '',
            person.division.code if person.division else '', person.name,
            person.id)

    @classmethod
    def under_served(cls, settlement):
        """The persons assigned to the contract in the month whose settled
        quantity of a service is below the monthly quantity of their care
        plan (no line counts as 0), by person and service; several
        assignments in the month count the largest plan once"""
        pool = Pool()
        Service = pool.get('care.service')
        Person = pool.get('social_assistance.person')
        Settlement = pool.get('care.settlement')
        units = cls._unit_strings()
        contract = settlement.contract.id
        # The settlement was read with access checked: the plans of its
        # contract are read in one query
        delivered = defaultdict(Decimal)
        for line in settlement.lines:
            delivered[contract, line.person.id, line.service.id] += (
                line.quantity)
        short = [s[1:] for s in Settlement.shortfalls([contract],
                settlement.month, delivered)]
        persons = {p.id: p for p in Person.browse(
                sorted({s[0] for s in short}))}
        services = {s.id: s for s in Service.browse(
                sorted({s[1] for s in short}))}
        short.sort(key=lambda s: (
                cls._person_key(persons[s[0]]), services[s[1]].code))
        return [SimpleNamespace(
                number=number,
                name=persons[person].name,
                id_number=persons[person].display_id_number,
                service=services[service_id].name,
                unit=units.get(services[service_id].unit, ''),
                planned=quantity,
                delivered=done,
                shortfall=quantity - done,
                start=start,
                end=end,
                ) for number, (person, service_id, quantity, done, start, end)
            in enumerate(short, 1)]
