# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql.conditionals import Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

# The support mode of the persons each kind of contract serves
SUPPORT_MODE = {'home_care': 'scattered', 'placement': 'centralized'}
FAR = dt.date(9999, 12, 31)
# Assignments created a call: browsing n records checks their id list n
# times (Tryton's assertions), so a county's thousands go in chunks
CREATE_CHUNK = 100


class Assignment(ModelSQL, ModelView):
    __name__ = 'care.contract.assignment'
    _history = True

    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='CASCADE')
    contract_kind = fields.Function(fields.Selection(
            'get_kinds', "Kind"), 'on_change_with_contract_kind')
    person = fields.Many2One('social_assistance.person', "Person",
        required=True, ondelete='RESTRICT')
    town = fields.Function(fields.Many2One(
            'social_assistance.division', "Town"), 'get_town')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=[If(Eval('end_date'),
                ('end_date', '>=', Eval('start_date', None)), ())],
        help="The last day; empty while open-ended.")
    plan = fields.One2Many('care.contract.assignment.plan', 'assignment',
        "Care Plan", help="The monthly quantities of each service, "
        "planned for this person.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Range()),
                    (t.start_date, Index.Range())),
                Index(t, (t.person, Index.Range())),
                })
        cls._order = [('contract', 'DESC'), ('person', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('contract')

    @classmethod
    def get_kinds(cls):
        Contract = Pool().get('care.contract')
        return Contract.fields_get(['kind'])['kind']['selection']

    @fields.depends('contract', '_parent_contract.kind')
    def on_change_with_contract_kind(self, name=None):
        if self.contract:
            return self.contract.kind

    def get_town(self, name):
        return self.person.town.id if self.person.town else None

    @fields.depends('contract', '_parent_contract.lines', 'person',
        '_parent_person.self_care', 'plan')
    def on_change_person(self):
        if self.contract and self.person and not self.plan:
            self.plan = self.plan_for(self.contract, self.person)

    @classmethod
    def plan_for(cls, contract, person):
        "The plan lines the templates give for the person's level"
        pool = Pool()
        Template = pool.get('care.plan.template')
        Plan = pool.get('care.contract.assignment.plan')
        quantities = Template.quantities().get(person.self_care, {})
        return [Plan(service=l.service, quantity=quantities[l.service.id])
            for l in contract.lines if l.service.id in quantities]

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} / {self.person.rec_name}'

    def covers(self, date):
        return self.start_date <= date <= (self.end_date or FAR)

    @classmethod
    def validate_fields(cls, assignments, field_names):
        super().validate_fields(assignments, field_names)
        if field_names & {'contract', 'person', 'start_date', 'end_date'}:
            for assignment in assignments:
                assignment.check_period()
            cls.check_overlap(assignments)

    def check_period(self):
        contract = self.contract
        # An open-ended assignment ends with the contract
        if (self.start_date < contract.start_date
                or (self.end_date and self.end_date > contract.end_date)):
            raise ValidationError(gettext(
                    'care_procurement.msg_assignment_outside_contract',
                    assignment=self.rec_name, start=contract.start_date,
                    end=contract.end_date))

    @classmethod
    def check_overlap(cls, assignments):
        """A person has at most one assignment of each kind (home care,
        placement) on any day: checked in SQL for the given ones"""
        overlaps = cls.overlapping([a.id for a in assignments])
        if overlaps:
            assignment, other = cls.browse(overlaps[0])
            raise ValidationError(gettext(
                    'care_procurement.msg_assignment_overlap',
                    person=assignment.person.rec_name,
                    contract=other.contract.rec_name,
                    start=other.start_date,
                    end=other.end_date or other.contract.end_date))

    @classmethod
    def overlapping(cls, ids):
        "Return (id, other id) of the given assignments that overlap another"
        pool = Pool()
        Contract = pool.get('care.contract')
        cursor = Transaction().connection.cursor()
        a, b = cls.__table__(), cls.__table__()
        ca, cb = Contract.__table__(), Contract.__table__()
        result = []
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            query = (a.join(ca, condition=ca.id == a.contract)
                .join(b, condition=(b.person == a.person) & (b.id != a.id))
                .join(cb, condition=(cb.id == b.contract)
                    & (cb.kind == ca.kind))
                .select(a.id, b.id,
                    where=a.id.in_(list(sub_ids))
                    & (b.start_date <= Coalesce(a.end_date, FAR))
                    & (a.start_date <= Coalesce(b.end_date, FAR))))
            cursor.execute(*query)
            result.extend(cursor.fetchall())
        return result

    @classmethod
    def end_on(cls, assignments, date):
        """End the assignments on date (their last day); those starting
        after it are removed"""
        to_delete = [a for a in assignments if a.start_date > date]
        to_end = [a for a in assignments
            if a.start_date <= date and (a.end_date or FAR) > date]
        if to_delete:
            cls.delete(to_delete)
        if to_end:
            cls.write(to_end, {'end_date': date})

    @classmethod
    def assign_towns(cls, contract, town_ids, start_date, end_date):
        """Assign every eligible person of the towns with the contract's
        support mode who is not assigned to a contract of the same kind in
        the period: each assignment runs from start_date (or the person's
        start) to end_date (or the person's end) and gets the default care
        plan.  Return the number of persons assigned."""
        pool = Pool()
        Person = pool.get('social_assistance.person')
        Contract = pool.get('care.contract')
        Template = pool.get('care.plan.template')
        cursor = Transaction().connection.cursor()
        person = Person.__table__()
        assignment = cls.__table__()
        other = Contract.__table__()
        end_date = end_date or contract.end_date

        # The persons are chosen in one query: a county has thousands
        taken = assignment.join(other,
            condition=other.id == assignment.contract).select(
            assignment.person,
            where=(other.kind == contract.kind)
            & (assignment.start_date <= end_date)
            & (Coalesce(assignment.end_date, FAR) >= start_date))
        cursor.execute(*person.select(
                person.id, person.self_care, person.start_date,
                person.end_date,
                where=person.town.in_(town_ids or [-1])
                & (person.support_mode == SUPPORT_MODE[contract.kind])
                & (person.start_date <= end_date)
                & (Coalesce(person.end_date, FAR) >= start_date)
                & ~person.id.in_(taken),
                order_by=[person.id]))
        quantities = Template.quantities()
        services = contract.service_ids

        def plan(level):
            return [{'service': service, 'quantity': quantity}
                for service, quantity in quantities.get(level, {}).items()
                if service in services]
        values = [{
                'contract': contract.id,
                'person': person_id,
                'start_date': max(start_date, start),
                'end_date': min(end_date, end or FAR),
                'plan': [('create', plan(level))],
                } for person_id, level, start, end in cursor]
        for sub_values in grouped_slice(values, CREATE_CHUNK):
            cls.create(list(sub_values))
        return len(values)


class AssignmentPlan(ModelSQL, ModelView):
    __name__ = 'care.contract.assignment.plan'
    __string__ = "Care Plan Line"
    _history = True

    assignment = fields.Many2One('care.contract.assignment', "Assignment",
        required=True, ondelete='CASCADE')
    service = fields.Many2One('care.service', "Service", required=True,
        ondelete='RESTRICT')
    quantity = fields.Numeric("Monthly Quantity", digits=(16, 1),
        required=True, domain=[('quantity', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.assignment, Index.Range())))
        cls.__access__.add('assignment')

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if line.service.id not in line.assignment.contract.service_ids:
                raise ValidationError(gettext(
                        'care_procurement.msg_plan_service_not_in_contract',
                        service=line.service.rec_name,
                        contract=line.assignment.contract.rec_name))


class AssignStart(ModelView):
    __name__ = 'care.contract.assign.start'
    __string__ = "Assign Persons"
    contract = fields.Many2One('care.contract', "Contract", readonly=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=[If(Eval('end_date'),
                ('end_date', '>=', Eval('start_date', None)), ())])
    towns = fields.Many2Many('social_assistance.division', None, None,
        "Towns", domain=[('level', '=', 'town')], required=True)


class Assign(Wizard):
    """Assign every active person of the towns with the contract's support
    mode who has no assignment of that kind in the period"""
    __name__ = 'care.contract.assign'
    start = StateView('care.contract.assign.start',
        'care_procurement.contract_assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        contract = self.record
        towns = [t.id for t in contract.lot.towns] if contract.lot else []
        return {
            'contract': contract.id,
            'start_date': contract.start_date,
            'end_date': contract.end_date,
            'towns': towns,
            }

    def transition_assign(self):
        Assignment = Pool().get('care.contract.assignment')
        Assignment.assign_towns(self.record, [t.id for t in self.start.towns],
            self.start.start_date, self.start.end_date)
        return 'end'

