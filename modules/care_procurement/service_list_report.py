# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed service list (服务清单) of a contract for a month."""
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.company import CompanyReport
from trytond.modules.social_assistance.tools import sql_date
from trytond.pool import Pool

from .assignment import FAR
from .tools import month_bounds


def format_quantity(quantity):
    "A quantity without trailing zeros: 20, 7.5"
    return f'{Decimal(quantity).normalize():f}'


class ServiceListReport(CompanyReport):
    "The service list of contracts for the month of the context"
    __name__ = 'care.service_list.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        ServiceList = pool.get('care.service_list')
        Contract = pool.get('care.contract')
        context = super().get_context(records, header, data)
        month = ServiceList.month()
        context['month'] = month
        context['kinds'] = dict(
            Contract.fields_get(['kind'])['kind']['selection'])
        context['service_lists'] = {
            c.id: cls.service_list(c, month) for c in records}
        return context

    @classmethod
    def service_list(cls, contract, month):
        """The rows (one per assignment active in the month, with the
        person's particulars and care plan) and the totals of the contract's
        service list: read in one query of care.service_list"""
        pool = Pool()
        ServiceList = pool.get('care.service_list')
        Person = pool.get('social_assistance.person')
        Service = pool.get('care.service')
        first, last = month_bounds(month)
        lines = ServiceList.search_read([
                ('contract', '=', contract.id),
                ], fields_names=['assignment', 'person', 'service', 'planned',
                'start_date', 'end_date'])

        persons = {p.id: p for p in Person.browse(
                sorted({l['person'] for l in lines}))}
        # A row without service stands for an assignment without a plan
        services = {s.id: s for s in Service.browse(
                sorted({l['service'] for l in lines if l['service']}))}
        units = dict(Service.fields_get(['unit'])['unit']['selection'])
        self_care = dict(
            Person.fields_get(['self_care'])['self_care']['selection'])

        def plan_text(quantities):
            "One text per service, in catalogue order: name, quantity, unit"
            return [f'{s.name} {format_quantity(q)} {units.get(s.unit, "")}'
                for s, q in sorted(
                    ((services[i], q) for i, q in quantities.items()),
                    key=lambda sq: (sq[0].code, sq[0].id))]

        assignments = {}
        totals = defaultdict(Decimal)
        for line in lines:
            assignment = assignments.setdefault(line['assignment'], {
                    'person': persons[line['person']],
                    'start': max(sql_date(line['start_date']), first),
                    'end': min(sql_date(line['end_date']) or FAR, last),
                    'plan': defaultdict(Decimal),
                    })
            if line['service']:
                assignment['plan'][line['service']] += line['planned']
                totals[line['service']] += line['planned']

        def order(assignment):
            person = assignment['person']
            town = person.town.code if person.town else None
            return (town or '', person.division.code or '',
                person.id_number, assignment['start'])

        rows = []
        for number, assignment in enumerate(
                sorted(assignments.values(), key=order), 1):
            person = assignment['person']
            village = person.division if person.division.level == 'village' \
                else None
            rows.append(SimpleNamespace(
                    number=number,
                    name=person.name,
                    id_number=person.display_id_number,
                    town=person.town.name if person.town else '',
                    village=village.name if village else '',
                    address=person.address or '',
                    phone=person.phone or '',
                    self_care=self_care.get(person.self_care) or '',
                    plan=plan_text(assignment['plan']),
                    start=assignment['start'],
                    end=assignment['end'],
                    ))
        return SimpleNamespace(
            month=month, first=first, last=last, rows=rows,
            persons=len({l['person'] for l in lines}),
            totals=plan_text(totals))


class ServiceListRowsReport(ServiceListReport):
    """The service lists of the contracts of the selected service list rows,
    for the month the rows are shown for"""
    __name__ = 'care.service_list.rows_report'

    @classmethod
    def _get_records(cls, ids, model, data):
        pool = Pool()
        ServiceList = pool.get('care.service_list')
        Contract = pool.get('care.contract')
        if model == ServiceList.__name__:
            contract_ids = {l['contract'] for l in ServiceList.read(
                    ids, ['contract'])}
            contracts = Contract.search([('id', 'in', list(contract_ids))],
                order=[('number', 'ASC'), ('id', 'ASC')])
            ids, model = [c.id for c in contracts], Contract.__name__
        return super()._get_records(ids, model, data)
