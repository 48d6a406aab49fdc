# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for the tests of care_settlement: the small county, with books"
from trytond.modules.care_visit.tests.tools import (
    ActivatedTestCase as _ActivatedTestCase)
from trytond.modules.care_visit.tests.tools import (
    create_visits, create_world)
from trytond.pool import Pool
from trytond.transaction import Transaction


class ActivatedTestCase(_ActivatedTestCase):
    "Tests on a database where care_settlement is activated, then dropped"
    module = 'care_settlement'


def create_employee(company, name, *users):
    """An employee of the company, a party of the name, that the users act
    as (an approval names an employee of the bureau)"""
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    party, = Party.create([{'name': name}])
    employee, = Employee.create([{'party': party.id, 'company': company.id}])
    if users:
        User.write(list(users), {
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                })
    return employee


def create_world_with_books(**options):
    """care_visit's small county whose bureau keeps accounts (this year and
    the world's) and whose contractors have an address to invoice; the
    user approves as an employee of the bureau (world.approver)"""
    pool = Pool()
    Address = pool.get('party.address')
    Configuration = pool.get('care.configuration')
    Date = pool.get('ir.date')
    User = pool.get('res.user')
    world = create_world(**options)
    user = User(Transaction().user)
    world.approver = create_employee(world.company, user.name, user)
    year = world.contracts[0].start_date.year
    Configuration.setup_company_accounting(
        world.company, sorted({year, Date.today().year}))
    Address.create([{'party': c.id, 'street': '莘县燕塔街道' + str(i)}
            for i, c in enumerate(world.contractors, 1)])
    return world


def meals(world, count_a, count_b=0):
    """Forty-minute meals from 3 March 2025, one a day: count_a for the
    first person on contract A (15.00 each), count_b for the fourth person
    on contract B (14.00 each)"""
    create_visits(world, *[
            (f'a{day}', f'2025-03-{day:02d} 09:00',
                f'2025-03-{day:02d} 09:40', {})
            for day in range(3, 3 + count_a)])
    create_visits(world, *[
            (f'b{day}', f'2025-03-{day:02d} 10:00',
                f'2025-03-{day:02d} 10:40', {'contract': 1, 'person': 3})
            for day in range(3, 3 + count_b)])


def record_invoices(settlements, date=None, amounts=None):
    """The contractors' invoices (数电票) of the settlements awaiting
    payment, for their nets unless amounts {settlement: amount} says
    otherwise, dated the approval (or date), numbered by settlement"""
    Settlement = Pool().get('care.settlement')
    amounts = amounts or {}
    for settlement in Settlement.browse(settlements):
        if settlement.state != 'invoiced':
            continue
        Settlement.record_contractor_invoice([settlement],
            f'2537{settlement.id:016d}',
            date or settlement.approval_date,
            amounts.get(settlement, settlement.net))
