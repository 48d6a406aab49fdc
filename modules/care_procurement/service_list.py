# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The service list (服务清单): per contract and month, the persons assigned
and their care plans."""

from sql import Literal
from sql.conditionals import Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .assignment import FAR
from .tools import MONTH, check_month, current_month, month_bounds


class ServiceList(ModelSQL, ModelView):
    __name__ = 'care.service_list'

    contract = fields.Many2One('care.contract', "Contract", required=True,
        readonly=True)
    assignment = fields.Many2One('care.contract.assignment', "Assignment",
        readonly=True)
    person = fields.Many2One('social_assistance.person', "Person",
        readonly=True)
    service = fields.Many2One('care.service', "Service", readonly=True)
    planned = fields.Numeric("Planned Quantity", digits=(16, 1),
        readonly=True, help="The monthly quantity of the care plan.")
    start_date = fields.Date("Assigned From", readonly=True)
    end_date = fields.Date("Assigned Until", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('contract', 'ASC'), ('person', 'ASC'),
            ('service', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('contract')

    @classmethod
    def month(cls):
        "The month shown, from the context (default: this month)"
        month = Transaction().context.get('service_month')
        if month and MONTH.match(month):
            return month
        return current_month()

    @classmethod
    def table_query(cls):
        pool = Pool()
        Assignment = pool.get('care.contract.assignment')
        Plan = pool.get('care.contract.assignment.plan')
        assignment = Assignment.__table__()
        plan = Plan.__table__()
        first, last = month_bounds(cls.month())
        # One row a plan line, and one for an assignment without a plan so
        # that nobody assigned is missing: ids 2 × plan line or 2 ×
        # assignment + 1 keep them apart
        return assignment.join(plan, 'LEFT',
            condition=assignment.id == plan.assignment).select(
            Coalesce(plan.id * 2, assignment.id * 2 + 1).as_('id'),
            assignment.create_uid.as_('create_uid'),
            assignment.create_date.as_('create_date'),
            assignment.write_uid.as_('write_uid'),
            assignment.write_date.as_('write_date'),
            assignment.contract.as_('contract'),
            assignment.id.as_('assignment'),
            assignment.person.as_('person'),
            plan.service.as_('service'),
            plan.quantity.as_('planned'),
            assignment.start_date.as_('start_date'),
            assignment.end_date.as_('end_date'),
            where=(assignment.start_date <= Literal(last))
            & (Coalesce(assignment.end_date, FAR) >= Literal(first)))


class OpenStart(ModelView):
    __name__ = 'care.service_list.open.start'
    __string__ = "Open Service List"
    contract = fields.Many2One('care.contract', "Contract",
        domain=[('state', '!=', 'draft')],
        help="Leave empty for every contract you may see.")
    month = fields.Char("Month", required=True, size=7,
        help="The month, written YYYY-MM.")

    @staticmethod
    def default_month():
        return current_month()


class Open(Wizard):
    __name__ = 'care.service_list.open'
    start = StateView('care.service_list.open.start',
        'care_procurement.service_list_open_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Open", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('care_procurement.act_service_list')

    def default_start(self, fields):
        if self.model and self.model.__name__ == 'care.contract' \
                and self.record:
            return {'contract': self.record.id}
        return {}

    def do_open_(self, action):
        month = check_month(self.start.month)
        domain = []
        if self.start.contract:
            domain.append(('contract', '=', self.start.contract.id))
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        action['pyson_context'] = PYSONEncoder().encode(
            {'service_month': month})
        action['name'] += f' {month}'
        if self.start.contract:
            action['name'] += f' {self.start.contract.rec_name}'
        return action, {}
