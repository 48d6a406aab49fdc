# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Online supervision of persons: who has had no accepted visit lately."""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Max
from sql.operators import Exists

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.social_assistance.tools import sql_date
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .visit_rules import CHUNK

# A person assigned to home care with no accepted visit for this long is
# flagged as not served
NOT_SERVED_DAYS = 14


class NotServedContext(ModelView):
    __name__ = 'care.visit.not_served.context'
    __string__ = "Persons Not Served Context"
    supervision_date = fields.Date("As of", required=True,
        help="The day the 14 days without an accepted visit end.")

    @staticmethod
    def default_supervision_date():
        return Pool().get('ir.date').today()


class NotServed(ModelSQL, ModelView):
    __name__ = 'care.visit.not_served'
    __string__ = "Person Not Served"

    contract = fields.Many2One('care.contract', "Contract", required=True,
        readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    person = fields.Many2One('social_assistance.person', "Person",
        readonly=True)
    town = fields.Many2One('social_assistance.division', "Town",
        readonly=True)
    last_visit = fields.Function(fields.Date("Last Accepted Visit"),
        'get_last_visit')
    days = fields.Function(fields.Integer("Days without a Visit"),
        'get_last_visit')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('contract', 'ASC'), ('person', 'ASC'), ('id', 'ASC')]
        # Its own access only: with __access__ on the contract every user
        # (all read contracts) would read the list (see care.visit)

    @classmethod
    def as_of(cls):
        "The day the list is made for, from the context (default: today)"
        date = Transaction().context.get('supervision_date')
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        return date or Pool().get('ir.date').today()

    @classmethod
    def table_query(cls):
        """One row an assignment to a running home-care contract whose person
        is active, was assigned for the whole period and had no accepted
        visit on it in the last NOT_SERVED_DAYS days"""
        pool = Pool()
        Assignment = pool.get('care.contract.assignment')
        Contract = pool.get('care.contract')
        Person = pool.get('social_assistance.person')
        Visit = pool.get('care.visit')
        assignment = Assignment.__table__()
        contract = Contract.__table__()
        person = Person.__table__()
        visit = Visit.__table__()
        today = cls.as_of()
        since = today - dt.timedelta(days=NOT_SERVED_DAYS - 1)
        served = Exists(visit.select(visit.id,
                where=(visit.contract == assignment.contract)
                & (visit.person == assignment.person)
                & (visit.state == 'accepted')
                & (visit.date >= Literal(since))
                & (visit.date <= Literal(today))))
        return (assignment
            .join(contract, condition=contract.id == assignment.contract)
            .join(person, condition=person.id == assignment.person)
            .select(
                assignment.id.as_('id'),
                assignment.create_uid.as_('create_uid'),
                assignment.create_date.as_('create_date'),
                assignment.write_uid.as_('write_uid'),
                assignment.write_date.as_('write_date'),
                assignment.contract.as_('contract'),
                contract.company.as_('company'),
                contract.contractor.as_('contractor'),
                assignment.person.as_('person'),
                person.town.as_('town'),
                where=(contract.state == 'running')
                & (contract.kind == 'home_care')
                & (assignment.start_date <= Literal(since))
                & ((assignment.end_date == Null)
                    | (assignment.end_date >= Literal(today)))
                & Person.active_on_condition(person, Literal(today))
                & ~served))

    @classmethod
    def get_last_visit(cls, rows, names):
        "The last accepted visit up to the day, in one query a chunk"
        pool = Pool()
        Visit = pool.get('care.visit')
        Assignment = pool.get('care.contract.assignment')
        visit = Visit.__table__()
        assignment = Assignment.__table__()
        cursor = Transaction().connection.cursor()
        today = cls.as_of()
        last = {}
        for sub in grouped_slice(rows, CHUNK):
            cursor.execute(*assignment.join(visit,
                    condition=(visit.contract == assignment.contract)
                    & (visit.person == assignment.person)).select(
                    assignment.id, Max(visit.date),
                    where=assignment.id.in_([r.id for r in sub])
                    & (visit.state == 'accepted')
                    & (visit.date <= Literal(today)),
                    group_by=[assignment.id]))
            for id_, date in cursor:
                last[id_] = sql_date(date)
        # Every row gets a value: None when never visited
        result = {'last_visit': {}, 'days': {}}
        for row in rows:
            result['last_visit'][row.id] = last.get(row.id)
            result['days'][row.id] = (
                (today - last[row.id]).days if row.id in last else None)
        return {n: result[n] for n in names}
