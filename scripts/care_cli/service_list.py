"""care service-list: a contract's service list (服务清单) of a month as CSV,
for contractors' own systems."""
import sys

from trytond.modules.social_assistance.tabular import SpreadsheetWriter

from . import database as db
from .formats import formats
from .i18n import _
from .tabular import UnusableInput

FIELDS = ['contract.number', 'contract.contractor.name', 'person.id_number',
    'person.name', 'person.town.name', 'person.division.name',
    'person.division.level', 'person.address', 'person.phone',
    'person.self_care', 'service.code', 'service.name', 'service.unit',
    'planned', 'start_date', 'end_date']


def add_parser(subparsers):
    parser = subparsers.add_parser('service-list',
        help=_('export the service list of a contract and month'),
        description=_('Write the service list (persons, care plans) of a '
            'contract for a month as CSV (UTF-8 with BOM), to FILE or to '
            'the standard output.'))
    parser.add_argument('--contract', required=True, metavar='NUMBER',
        help=_('contract number'))
    parser.add_argument('--month', required=True, metavar='YYYY-MM',
        help=_('the month'))
    parser.add_argument('--export', metavar='FILE',
        help=_('CSV file to write (default: standard output)'))
    parser.set_defaults(func=run)


def run(args):
    from trytond.modules.care_procurement.service_list import MONTH
    if not MONTH.match(args.month):
        raise UnusableInput(_('Not a month written YYYY-MM: %s') % args.month)
    with db.session(args.database, readonly=True) as pool:
        Contract = pool.get('care.contract')
        contracts = Contract.search([('number', '=', args.contract)])
        if not contracts:
            raise UnusableInput(_('No contract numbered %s') % args.contract)
        rows = list(service_list_rows(pool, contracts[0], args.month))
    out = open(args.export, 'w', encoding='utf-8-sig', newline='') \
        if args.export else sys.stdout
    try:
        write_csv(out, rows)
    finally:
        if args.export:
            out.close()
    persons = len({r['id_number'] for r in rows})
    print(_('service list %s %s: %s persons, %s lines') % (
            args.contract, args.month, persons, len(rows)),
        file=sys.stderr if not args.export else sys.stdout)
    return 0


def service_list_rows(pool, contract, month):
    "Yield the rows of the contract's service list for the month"
    from trytond.transaction import Transaction
    ServiceList = pool.get('care.service_list')
    Person = pool.get('social_assistance.person')
    Service = pool.get('care.service')
    levels = dict(Person.fields_get(['self_care'])['self_care']['selection'])
    units = dict(Service.fields_get(['unit'])['unit']['selection'])
    with Transaction().set_context(service_month=month):
        lines = ServiceList.search_read([('contract', '=', contract.id)],
            fields_names=FIELDS,
            order=[('person.id_number', 'ASC'), ('service.code', 'ASC')])
    for line in lines:
        # An assignment without a plan comes as a row without service
        person, service = line['person.'], line['service.'] or {}
        division = person['division.']
        yield {
            'month': month,
            'contract': line['contract.']['number'],
            'contractor': line['contract.']['contractor.']['name'],
            'id_number': person['id_number'],
            'name': person['name'],
            'town': (person['town.'] or {}).get('name', ''),
            'village': (division['name']
                if division and division['level'] == 'village' else ''),
            'address': person['address'] or '',
            'phone': person['phone'] or '',
            'self_care': levels.get(person['self_care'], ''),
            'service_code': service.get('code', ''),
            'service': service.get('name', ''),
            'unit': units.get(service.get('unit'), ''),
            'planned': line['planned'] if service else '',
            'start_date': line['start_date'],
            'end_date': line['end_date'] or '',
            }


def write_csv(out, rows):
    headers = formats()['service_list']
    writer = SpreadsheetWriter(out)
    writer.writerow(headers.values())
    for row in rows:
        writer.writerow(row[k] for k in headers)
