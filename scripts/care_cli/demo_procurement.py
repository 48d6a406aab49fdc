"""The demo county's procurement: lots of towns, bids, a failed lot re-run,
awards, running contracts with every eligible person assigned, and the
contractors' users."""
import copy
import datetime as dt
from decimal import Decimal

from stdnum.cn import uscc

from . import demo_county, demo_legal, demo_visits

TOWNS_PER_LOT = 4
# Ceiling prices and the quantities a year of a lot is estimated at, a person
CATALOGUE = {
    # code: (ceiling price, estimated yearly quantity a person)
    'HC-CARE': (Decimal('30.00'), Decimal(120)),
    'HC-MEAL': (Decimal('12.00'), Decimal(120)),
    'HC-BATH': (Decimal('40.00'), Decimal(24)),
    'HC-CLEAN': (Decimal('30.00'), Decimal(24)),
    'HC-PATROL': (Decimal('15.00'), Decimal(48)),
    'HC-MED': (Decimal('40.00'), Decimal(6)),
    }
PLACEMENT = {'CC-PLACE': (Decimal('60.00'), Decimal(365))}
# The lot that fails: two of its bids are invalid (流标)
FAILED_LOT = 5


def uscc_code(serial):
    "A valid 统一社会信用代码 of a social organisation of the county"
    base = f'52{demo_county.COUNTY_CODE}{serial:09d}'
    return base + uscc.calc_check_digit(base)


def contractors(pool, rng):
    "The contractor parties, with their codes"
    Party = pool.get('party.party')
    words = demo_county.words()
    names = words['contractors'] + words['placement_institutions']
    # the address their supplier invoices are made out to
    parties = Party.create([{'name': name,
                'identifiers': [('create', [{'type': 'cn_vat',
                                'code': uscc_code(1000 + i)}])],
                'addresses': [('create', [{
                                'street': words['address_format'].format(
                                    village=rng.choice(words['streets']),
                                    number=rng.randint(1, 200)),
                                }])],
                } for i, name in enumerate(names)])
    home = parties[:len(words['contractors'])]
    return home, parties[len(home):]


def build(pool, rng, today, towns_per_lot=TOWNS_PER_LOT):
    """Run the year's procurement and the re-run of its failed lot; return
    the running contracts"""
    Procurement = pool.get('care.procurement')
    Division = pool.get('social_assistance.division')
    Company = pool.get('company.company')
    Service = pool.get('care.service')
    Person = pool.get('social_assistance.person')
    Lot = pool.get('care.procurement.lot')
    Contract = pool.get('care.contract')
    Assignment = pool.get('care.contract.assignment')
    words = demo_county.words()

    company, = Company.search([], limit=1)
    services = {s.code: s for s in Service.search([])}
    towns = Division.search([('level', '=', 'town')], order=[('code', 'ASC')])
    home, placement = contractors(pool, rng)
    # The year of the months the demo shows (only ended months are settled)
    year = demo_visits.demo_year(today)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def persons_in(town_ids, mode):
        return max(1, Person.search_count([('town', 'in', town_ids),
                    ('support_mode', '=', mode)]))

    def lot_values(name, kind, town_ids, catalogue, count):
        lines = [{'service': services[code].id, 'ceiling_price': ceiling,
                'estimated_quantity': quantity * count}
            for code, (ceiling, quantity) in catalogue.items()]
        budget = sum(l['ceiling_price'] * l['estimated_quantity']
            for l in lines)
        return {'name': name, 'kind': kind, 'budget': budget,
            'towns': [('add', town_ids)], 'services': [('create', lines)]}

    town_groups = [towns[i:i + towns_per_lot]
        for i in range(0, len(towns), towns_per_lot)]
    lots = [lot_values(words['lot_name'].format(number=n,
                towns=words['lot_separator'].join(t.name for t in group)),
            'home_care', [t.id for t in group], CATALOGUE,
            persons_in([t.id for t in group], 'scattered'))
        for n, group in enumerate(town_groups, start=1)]
    lots.append(lot_values(words['placement_lot_name'], 'placement',
            [t.id for t in towns], PLACEMENT,
            persons_in([t.id for t in towns], 'centralized')))
    budget = sum(l['budget'] for l in lots)
    # Next year's procurement, being prepared on the same lots
    next_year = copy.deepcopy(lots)
    procurement, = Procurement.create([{
                'name': words['procurement_name'].format(year=year),
                'company': company.id, 'year': year, 'budget': budget,
                'method': 'open_tender',
                'announcement_date': start - dt.timedelta(days=60),
                'bid_deadline': start - dt.timedelta(days=40),
                'opening_date': start - dt.timedelta(days=40),
                'evaluation_date': start - dt.timedelta(days=38),
                'lots': [('create', lots)]}])
    Procurement.publish([procurement])
    for number, lot in enumerate(procurement.lots, start=1):
        failing = number == FAILED_LOT
        bidders = (placement + rng.sample(home, 2) if lot.kind == 'placement'
            else rng.sample(home, 4 + (0 if failing else rng.randint(0, 1))))
        invalid = 2 if failing else 1
        _bids(pool, rng, lot, bidders, invalid)
    Procurement.evaluate([procurement])
    Procurement.award([procurement])

    failed = [l for l in procurement.lots if l.state == 'failed']
    rerun = []
    for lot in failed:
        again, = Procurement.create([{
                    'name': words['reprocurement_name'].format(
                        year=year, lot=lot.name),
                    'company': company.id, 'year': year,
                    'budget': lot.budget,
                    'method': 'competitive_consultation',
                    'announcement_date': start - dt.timedelta(days=30),
                    'lots': [('create', [lot_values(lot.name, lot.kind,
                                    [t.id for t in lot.towns],
                                    CATALOGUE, persons_in(
                                        [t.id for t in lot.towns],
                                        'scattered'))])]}])
        Procurement.publish([again])
        _bids(pool, rng, again.lots[0], rng.sample(home, 3), 0)
        Procurement.evaluate([again])
        Procurement.award([again])
        rerun.append(again)

    awarded = [l for p in [procurement] + rerun for l in p.lots
        if l.state == 'awarded']
    contracts = Lot.create_contract(awarded)
    Contract.write(contracts, {'start_date': start, 'end_date': end,
            'penalty_per_failed_check': Decimal(200)})
    demo_legal.fill(pool, [procurement] + rerun, contracts)
    Contract.run(contracts)
    for contract in contracts:
        Assignment.assign_towns(contract,
            [t.id for t in contract.lot.towns], start, end)
    Procurement.create([{
                'name': words['procurement_name'].format(year=year + 1),
                'company': company.id, 'year': year + 1, 'budget': budget,
                'method': 'open_tender', 'lots': [('create', next_year)]}])
    return procurement, rerun, contracts


def _bids(pool, rng, lot, bidders, invalid):
    "Bids under the ceiling but for `invalid` of them, one price above it"
    Bid = pool.get('care.procurement.bid')
    values = []
    for i, party in enumerate(bidders):
        lines = []
        for lot_service in lot.services:
            price = (lot_service.ceiling_price * Decimal(
                    rng.uniform(0.8, 0.99))).quantize(Decimal('0.01'))
            if i < invalid and not lines:
                price = lot_service.ceiling_price + Decimal('5.00')
            lines.append({'service': lot_service.service.id,
                    'unit_price': price})
        values.append({'lot': lot.id, 'contractor': party.id,
                'technical_score': Decimal(rng.randint(45, 68)),
                'lines': [('create', lines)]})
    Bid.create(values)
