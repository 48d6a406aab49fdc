# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The monthly settlement of a contract (DESIGN.md "Settlement rules"):
its lines computed by the rules, its approval against the budgets, the
supplier invoice posted on approval and its payment."""
import calendar
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import ROUND_HALF_UP, Decimal

from sql import Literal, Null, Window
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce, Greatest, Least
from sql.functions import CurrentTimestamp

from trytond.exceptions import UserWarning
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement.assignment import FAR
from trytond.modules.care_procurement.tools import (
    check_month, month_bounds, previous_month)
from trytond.modules.care_visit.local_time import month_ended
from trytond.modules.company.model import (
    employee_field, reset_employee, set_employee)
from trytond.modules.currency.fields import Monetary
from trytond.modules.social_assistance.sql_tools import insert_many
from trytond.modules.social_assistance.tools import sql_date, sql_decimal
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

STATES = [
    ('draft', "Draft"),
    ('computed', "Computed"),
    ('confirmed', "Confirmed"),
    ('approved', "Approved"),
    ('invoiced', "Invoiced"),
    ('paid', "Paid"),
    ('cancelled', "Cancelled"),
    ]
# Recomputed by `care settle` and the wizard; later ones are left as they are
OPEN_STATES = {'draft', 'computed', 'confirmed'}
# Settlements whose net is committed against the budgets
SETTLED = ('approved', 'invoiced', 'paid')
# Payments that still count against the net: all but the failed ones
COUNTED = ('draft', 'submitted', 'approved', 'processing', 'succeeded')
# Only what is delivered by visits is compared with the care plan: day and
# month lines pay the days covered, which the plan does not foresee
PLANNED_UNITS = ['visit', 'hour']
CHUNK = 1000
# Settlement lines are inserted by this many rows at a time
LINE_CHUNK = 20000
CENT = Decimal('0.01')
HALF_HOUR = 30
LineResult = namedtuple('LineResult', ['person', 'contract_line', 'service',
        'quantity', 'unit_price', 'amount', 'visits', 'covered_days'])


def money(value):
    "The amount rounded to the cent, half up (DESIGN.md)"
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Settlement(Workflow, ModelSQL, ModelView):
    __name__ = 'care.settlement'
    _history = True
    _rec_name = 'month'

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='RESTRICT', readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", required=True,
        readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    month = fields.Char("Month", required=True, readonly=True,
        help="YYYY-MM")
    currency = fields.Function(fields.Many2One('currency.currency',
            "Currency"), 'on_change_with_currency')
    gross = Monetary("Gross", currency='currency', digits='currency',
        readonly=True)
    deductions = Monetary("Deductions", currency='currency',
        digits='currency', readonly=True,
        help="Failed inspections of the month × the contract's penalty.")
    net = Monetary("Net", currency='currency', digits='currency',
        readonly=True)
    failed_checks = fields.Integer("Failed Inspections", readonly=True,
        help="The failed inspections of the month and the substantiated "
        "complaints received in it: each is deducted.")
    persons = fields.Integer("Persons Served", readonly=True,
        help="Distinct persons with a payable quantity.")
    visits = fields.Integer("Visits Counted", readonly=True,
        help="Accepted visits counted after the caps; a visit counted in "
        "part counts once.")
    lines = fields.One2Many('care.settlement.line', 'settlement', "Lines",
        readonly=True)
    # The contractor's user: the contractor has no employees in the bureau
    confirmed_by = fields.Many2One('res.user', "Confirmed by",
        readonly=True)
    # Employees of the bureau, written by the approval only: read-only in
    # every state
    approved_by = employee_field("Approved by",
        states=[state for state, _ in STATES])
    second_approved_by = employee_field("Second Approval by",
        states=[state for state, _ in STATES])
    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True,
        domain=[('type', '=', 'in')],
        help="The supplier invoice posted on approval.")
    cancel_reason = fields.Text("Cancellation Reason", readonly=True,
        states={'invisible': Eval('state') != 'cancelled'})
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('contract_month_unique', Unique(t, t.contract, t.month),
                'care_settlement.msg_settlement_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.month, Index.Equality()),
                (t.state, Index.Equality(cardinality='low'))))
        cls._order = [('month', 'DESC'), ('contract', 'ASC'), ('id', 'ASC')]
        # Only a settlement above the threshold has a second approver
        cls.second_approved_by.states['invisible'] = ~Eval(
            'second_approved_by')
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'computed'),
            ('confirmed', 'computed'),
            ('computed', 'confirmed'),
            ('confirmed', 'approved'),
            ('approved', 'invoiced'),
            ('invoiced', 'paid'),
            # nothing to pay
            ('approved', 'paid'),
            ('draft', 'cancelled'),
            ('computed', 'cancelled'),
            ('confirmed', 'cancelled'),
            ('approved', 'cancelled'),
            ('invoiced', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'compute': {
                    'invisible': ~Eval('state').in_(sorted(OPEN_STATES)),
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'computed', 'confirmed', 'approved',
                            'invoiced']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'invoiced',
                    'depends': ['state'],
                    },
                })
        # An approval pays money out: it asks for a recent login, as do
        # paying and cancelling (which unfreezes the month) and its undoing;
        # a REST key is never one (social_assistance api_guard)
        cls.__rpc__.update({
                name: RPC(readonly=False, instantiate=0, fresh_session=True)
                for name in ['approve', 'pay', 'cancel', 'draft']})

    @staticmethod
    def default_state():
        return 'draft'

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_rec_name(self, name):
        return f'{self.month} {self.contract.rec_name}'

    @classmethod
    def check_modification(cls, mode, settlements, values=None,
            external=False):
        super().check_modification(
            mode, settlements, values=values, external=external)
        if mode == 'delete':
            for settlement in settlements:
                if settlement.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'care_settlement.msg_settlement_delete',
                            settlement=settlement.rec_name))

    @classmethod
    def check_months_ended(cls, months):
        "DESIGN.md: only a month that has ended can be settled"
        for month in sorted(set(months)):
            if not month_ended(month):
                raise ValidationError(gettext(
                        'care_settlement.msg_settlement_month_not_ended',
                        month=month))

    @classmethod
    def settle(cls, month, contracts=None, queue=False):
        """Compute the month's settlement of every non-draft contract whose
        period meets the month (or of the contracts given).  Open ones are
        recomputed in place, approved and later ones left as they are.
        Return (settlements computed, settlements unchanged).  With queue,
        each open settlement is computed by a task of its own (trytond-worker
        spreads a province's month over workers) and the settlements queued
        are returned as computed."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        check_month(month)
        cls.check_months_ended([month])
        # Only who may create settlements settles; the rules then write
        # them: no group writes a settlement itself (settlement.xml), its
        # figures are the rules' and its states the buttons'
        ModelAccess.check(cls.__name__, 'create')
        with without_check_access():
            return cls._settle(month, contracts, queue)

    @classmethod
    def _settle(cls, month, contracts, queue):
        Contract = Pool().get('care.contract')
        first, last = month_bounds(month)
        if contracts is None:
            contracts = Contract.search([
                    ('state', '!=', 'draft'),
                    ('start_date', '<=', last),
                    ('end_date', '>=', first),
                    ], order=[('number', 'ASC')])
        existing = {s.contract.id: s for s in cls.search([
                    ('month', '=', month),
                    ('contract', 'in', [c.id for c in contracts]),
                    ])}
        to_create = [c for c in contracts if c.id not in existing]
        for settlement in cls.create([{
                        'company': c.company.id,
                        'contract': c.id,
                        'contractor': c.contractor.id,
                        'month': month,
                        } for c in to_create]):
            existing[settlement.contract.id] = settlement
        settlements = [existing[c.id] for c in contracts]
        to_compute = [s for s in settlements if s.state in OPEN_STATES]
        if queue:
            with Transaction().set_context(queue_name='care_settlement'):
                for settlement in to_compute:
                    cls.__queue__.compute_queued([settlement])
            changed = to_compute
        else:
            changed = cls.compute_lines(to_compute)
        return ([s for s in settlements if s in changed],
            [s for s in settlements if s not in changed])

    @classmethod
    def compute_queued(cls, settlements):
        "The task of settle(queue=True): compute what is still open"
        cls.compute_lines([s for s in settlements if s.state in OPEN_STATES])

    @classmethod
    def compute_lines(cls, settlements):
        """Replace the lines and totals of the settlements by the rules'
        result, set-wise per month; return those that changed (a confirmed
        settlement that changes is computed again and must be confirmed
        again)"""
        changed = []
        for month, of_month in cls._by_month(settlements):
            changed += cls._compute_month(month, of_month)
        if changed:
            cls.computed(changed)
        return changed

    @classmethod
    def recompute_open(cls, contract_ids, pairs):
        """Recompute set-wise the open settlements of the contracts (all
        their months) and of the (contract id, month) pairs: a fact they
        read has changed (facts.py)"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        ids = []
        for sub in grouped_slice(
                sorted(set(contract_ids) | {c for c, _ in pairs}), CHUNK):
            cursor.execute(*table.select(table.id, table.contract,
                    table.month,
                    where=table.contract.in_(list(sub))
                    & table.state.in_(sorted(OPEN_STATES))))
            ids.extend(i for i, contract, month in cursor
                if contract in contract_ids or (contract, month) in pairs)
        if not ids:
            return
        # Whoever changed the fact (a contractor logging a late visit too)
        # has the settlement recomputed: the rules do it, not the user's
        # rights
        with Transaction().set_user(0), without_check_access():
            cls.compute_lines(cls.browse(ids))

    @staticmethod
    def _by_month(settlements):
        "[(month, its settlements)] in month order: the rules work per month"
        by_month = {}
        for settlement in settlements:
            by_month.setdefault(settlement.month, []).append(settlement)
        return sorted(by_month.items())

    @classmethod
    def _compute_month(cls, month, settlements):
        changed, new_lines, to_write = [], [], []
        for settlement, values, lines in cls._changes(month, settlements):
            changed.append(settlement)
            new_lines += [[settlement.id] + list(l) for l in lines]
            # What was confirmed or approved is no longer what is settled
            values.update(confirmed_by=None, approved_by=None,
                second_approved_by=None)
            to_write.extend([[settlement], values])
        if changed:
            cls._replace_lines(changed, new_lines)
            cls.write(*to_write)
        return changed

    @classmethod
    def _changes(cls, month, settlements):
        """[(settlement, values, lines)] of the settlements of the month
        whose stored figures differ from the rules' on the facts as they
        are now (drafts always), in one pass set-wise"""
        contract_ids = [s.contract.id for s in settlements]
        quantities = cls.visit_quantities(contract_ids, month)
        failures = cls.count_failed_checks(contract_ids, month)
        stored = cls._stored_lines(settlements)
        changes = []
        for settlement in settlements:
            contract = settlement.contract
            lines = cls.rule_lines(contract, month, quantities[contract.id])
            gross, deductions, net = cls.totals(lines,
                failures[contract.id], contract.penalty_per_failed_check)
            values = {
                'gross': gross, 'deductions': deductions, 'net': net,
                'failed_checks': failures[contract.id],
                'persons': len({l.person for l in lines if l.amount > 0}),
                'visits': sum(l.visits for l in lines),
                }
            new = [(l.person, l.contract_line, l.quantity, l.amount)
                for l in lines]
            if (settlement.state != 'draft'
                    and sorted(stored.get(settlement.id, [])) == sorted(new)
                    and all(getattr(settlement, k) == v
                        for k, v in values.items())):
                continue
            changes.append((settlement, values, lines))
        return changes

    @classmethod
    def visit_quantities(cls, contract_ids, month):
        """{contract: {(person, contract line): (quantity, visits counted)}}
        of the accepted visits of the contracts in the month, after the
        monthly caps: each visit's quantity (1 a visit; half hours counted
        down for hours), capped per person and line in start order with a
        running sum over a window, summed per person and line — one query
        for all the contracts"""
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
            where=visit.contract.in_(list(contract_ids))
            & (visit.month == month)
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
                sql_decimal(quantity), int(visits or 0))
        return result

    @classmethod
    def covered_days(cls, contract, month):
        """{(person, contract line): days} for the contract's day and month
        lines: the days of the month in the contract period, the person's
        assignment and on which the person is active.  Where the contract
        also has visit lines, only persons whose care plan names the
        service."""
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

    @classmethod
    def rule_lines(cls, contract, month, quantities):
        """The settlement lines of the contract and month (LineResult), in
        person and line order, from the contract's visit quantities and the
        days covered; amounts rounded per person and line, half up"""
        # (service id, unit, unit price) of each line: read once, not per
        # person
        lines = {l.id: (l.service.id, l.service.unit, l.unit_price)
            for l in contract.lines}
        year, number = map(int, month.split('-'))
        days_in_month = calendar.monthrange(year, number)[1]
        result = []
        for (person, line_id), (quantity, visits) in quantities.items():
            service, _unit, price = lines[line_id]
            if quantity <= 0:
                continue
            result.append(LineResult(person, line_id, service, quantity,
                    price, money(quantity * price), visits, None))
        for (person, line_id), days in cls.covered_days(
                contract, month).items():
            service, unit, price = lines[line_id]
            if unit == 'day':
                quantity = Decimal(days)
                amount = money(quantity * price)
            else:
                quantity = (Decimal(days) / days_in_month).quantize(
                    Decimal('0.0001'))
                amount = money(price * days / days_in_month)
            result.append(LineResult(person, line_id, service, quantity,
                    price, amount, 0, days))
        result.sort(key=lambda r: (r.person, r.contract_line))
        return result

    @classmethod
    def count_failed_checks(cls, contract_ids, month):
        """{contract: failed inspections of its visits of the month and
        substantiated complaints about it received in the month} (DESIGN.md:
        a substantiated complaint counts as one)"""
        pool = Pool()
        Check = pool.get('care.check')
        Complaint = pool.get('care.complaint')
        check = Check.__table__()
        complaint = Complaint.__table__()
        cursor = Transaction().connection.cursor()
        result = {c: 0 for c in contract_ids}
        if contract_ids:
            cursor.execute(*check.select(check.contract, Count(check.id),
                    where=check.contract.in_(list(contract_ids))
                    & (check.month == month) & (check.result == 'fail'),
                    group_by=check.contract))
            result.update(cursor)
            cursor.execute(*complaint.select(
                    complaint.contract, Count(complaint.id),
                    where=complaint.contract.in_(list(contract_ids))
                    & (complaint.month == month)
                    & (complaint.substantiated == 'yes')
                    # Decided only when answered
                    & (complaint.state == 'answered'),
                    group_by=complaint.contract))
            for contract_id, count in cursor:
                result[contract_id] += count
        return result

    @classmethod
    def totals(cls, lines, failures, penalty):
        "(gross, deductions, net) of the lines"
        gross = sum((l.amount for l in lines), Decimal(0))
        deductions = money(failures * penalty)
        return gross, deductions, max(Decimal(0), gross - deductions)

    @classmethod
    def check_current(cls, settlements):
        """Refuse the settlements whose figures are no longer the rules'
        on the facts as they are now (DESIGN.md: approval recomputes and
        refuses when the figures differ from those confirmed)"""
        for month, of_month in cls._by_month(settlements):
            for settlement, values, _lines in cls._changes(month, of_month):
                raise ValidationError(gettext(
                        'care_settlement.msg_settlement_stale',
                        settlement=settlement.rec_name,
                        old_net=settlement.net, new_net=values['net'],
                        old_failed=settlement.failed_checks,
                        new_failed=values['failed_checks']))

    @classmethod
    def _stored_lines(cls, settlements):
        """{settlement id: [(person, contract line, quantity, amount)]} of
        the stored lines"""
        Line = Pool().get('care.settlement.line')
        table = Line.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub in grouped_slice([s.id for s in settlements], CHUNK):
            cursor.execute(*table.select(table.settlement, table.person,
                    table.contract_line, table.quantity, table.amount,
                    where=table.settlement.in_(list(sub))))
            for settlement, person, line, quantity, amount in cursor:
                result.setdefault(settlement, []).append((person, line,
                        sql_decimal(quantity), money(sql_decimal(amount))))
        return result

    @classmethod
    def _replace_lines(cls, settlements, rows):
        """Replace the lines of the settlements by rows (settlement first);
        in SQL: a province's month is hundreds of thousands of lines, which
        the settle benchmark writes in seconds this way only"""
        pool = Pool()
        Line = pool.get('care.settlement.line')
        table = Line.__table__()
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice([s.id for s in settlements], CHUNK):
            cursor.execute(*table.delete(
                    where=table.settlement.in_(list(sub))))
        columns = ['settlement', 'person', 'contract_line', 'service',
            'quantity', 'unit_price', 'amount', 'visits', 'covered_days']
        for sub in grouped_slice(rows, LINE_CHUNK):
            insert_many(Line, columns, list(sub))

    @classmethod
    def shortfalls(cls, contract_ids, month, delivered):
        """[(contract, person, service, planned, delivered, start, end)] of
        the persons assigned to the contracts in the month whose delivered
        quantity of a service ({(contract, person, service): quantity}; none
        counts as 0) is below the monthly quantity of their care plan, with
        the period of their assignments within the month; several
        assignments of a person to a contract in the month count the
        largest plan once.  Only services delivered by visits
        (PLANNED_UNITS) are compared.  Reads no access rule: the caller
        reads what the user may see."""
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

        # Kept apart from SQL aggregates: SQLite stores numerics as blobs,
        # which MAX compares as bytes
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
            quantity, start = sql_decimal(quantity), sql_date(start)
            end = sql_date(end) or FAR
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

    @classmethod
    def settled_by_contract(cls, contract_ids=None):
        "{contract id: net settled to date} of the contracts (all if None)"
        settlement = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = settlement.state.in_(SETTLED)
        if contract_ids is not None:
            if not contract_ids:
                return {}
            where &= settlement.contract.in_(list(contract_ids))
        cursor.execute(*settlement.select(settlement.contract,
                Sum(settlement.net), where=where,
                group_by=settlement.contract))
        return defaultdict(Decimal, {c: sql_decimal(n) for c, n in cursor})

    @classmethod
    def check_budgets(cls, settlements):
        """Refuse approvals that bring the nets settled to date (approved
        and later) of a contract, its lot or its procurement beyond its
        amount or budget; warn beyond the configured share of it.  The
        settlements are approved together, so their nets add up."""
        pool = Pool()
        Configuration = pool.get('care.configuration')
        Contract = pool.get('care.contract')
        Warning = pool.get('res.user.warning')
        ratio = Configuration(1).budget_warning_ratio
        settled = cls.settled_by_contract()
        for settlement in settlements:
            settled[settlement.contract.id] += settlement.net
        contracts = Contract.browse(list(settled))
        lots, procurements = defaultdict(Decimal), defaultdict(Decimal)
        for contract in contracts:
            if contract.lot:
                lots[contract.lot] += settled[contract.id]
                procurements[contract.lot.procurement] += (
                    settled[contract.id])
        for settlement in settlements:
            contract = settlement.contract
            budgets = [('contract', contract, contract.amount,
                    settled[contract.id],
                    'care_settlement.msg_over_contract_budget',
                    'care_settlement.msg_near_contract_budget')]
            if contract.lot:
                procurement = contract.lot.procurement
                budgets += [
                    ('lot', contract.lot, contract.lot.budget,
                        lots[contract.lot],
                        'care_settlement.msg_over_lot_budget',
                        'care_settlement.msg_near_lot_budget'),
                    ('procurement', procurement, procurement.budget,
                        procurements[procurement],
                        'care_settlement.msg_over_procurement_budget',
                        'care_settlement.msg_near_procurement_budget'),
                    ]
            for kind, record, budget, total, over, near in budgets:
                values = dict(settlement=settlement.rec_name,
                    budget=budget, total=total, name=record.rec_name)
                if total > budget:
                    raise ValidationError(gettext(over, **values))
                if budget and total > budget * ratio:
                    key = Warning.format(f'care_settlement_{kind}_budget',
                        [settlement])
                    if Warning.check(key):
                        raise UserWarning(key, gettext(near,
                                ratio=f'{ratio * 100:.0f}', **values))

    @classmethod
    @ModelView.button
    def compute(cls, settlements):
        "Compute the settlements again by the rules"
        cls.compute_lines([s for s in settlements if s.state in OPEN_STATES])

    @classmethod
    @Workflow.transition('computed')
    def computed(cls, settlements):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, settlements):
        "The contractor confirms the quantities and amounts"
        cls.write(settlements, {'confirmed_by': Transaction().user})

    @classmethod
    @ModelView.button
    def approve(cls, settlements):
        """The bureau approves in the name of an employee of the
        settlement's company; above the configured amount a second, different
        employee is needed"""
        pool = Pool()
        Configuration = pool.get('care.configuration')
        threshold = Configuration(1).second_approval_amount
        confirmed = [s for s in settlements if s.state == 'confirmed']
        cls.check_months_ended([s.month for s in confirmed])
        employee = cls.check_approver(confirmed)
        # Recomputed in this transaction: nothing is approved on figures the
        # facts no longer give
        cls.check_current(confirmed)
        first, final = [], []
        for settlement in confirmed:
            if settlement.approved_by is None:
                if threshold is not None and settlement.net > threshold:
                    first.append(settlement)
                else:
                    final.append(settlement)
            elif settlement.approved_by == employee:
                raise ValidationError(gettext(
                        'care_settlement.msg_settlement_second_approver',
                        settlement=settlement.rec_name))
            else:
                final.append(settlement)
        # the first of two approvals is refused as well as the last
        cls.check_budgets(first + final)
        cls.approve_first(first)
        cls.approve_second([s for s in final if s.approved_by])
        cls.do_approve(final)
        nothing_to_pay = cls.create_invoices(final)
        cls.invoiced([s for s in final if s not in nothing_to_pay])
        cls.paid(nothing_to_pay)

    @classmethod
    def check_approver(cls, settlements):
        """Return the employee the user acts as; refuse the approval unless
        it is an employee of each settlement's company: an approval names a
        person of the bureau"""
        User = Pool().get('res.user')
        user = User(Transaction().user)
        employee = user.employee
        for settlement in settlements:
            if not employee or employee.company != settlement.company:
                raise AccessError(gettext(
                        'care_settlement.msg_settlement_approver_employee',
                        settlement=settlement.rec_name,
                        user=user.rec_name,
                        company=settlement.company.rec_name))
        return employee

    @classmethod
    @set_employee('approved_by')
    def approve_first(cls, settlements):
        "The first of two approvals: the settlement stays confirmed"

    @classmethod
    @set_employee('second_approved_by')
    def approve_second(cls, settlements):
        "The second approval of the settlements approved once"

    @classmethod
    @Workflow.transition('approved')
    @set_employee('approved_by')
    def do_approve(cls, settlements):
        """Approved (by the user's employee unless approved once already):
        the settled visits are frozen for the rules"""
        Visit = Pool().get('care.visit')
        Visit.freeze([(s.contract.id, s.month) for s in settlements])

    @classmethod
    def create_invoices(cls, settlements):
        """Post the supplier invoice of each settlement that has none and
        a net to pay; return the settlements with nothing to pay"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        # a cancelled settlement keeps its cancelled invoice, for the record
        to_invoice = [s for s in settlements if s.net
            and (not s.invoice or s.invoice.state == 'cancelled')]
        invoices = [s._get_invoice() for s in to_invoice]
        Invoice.save(invoices)
        Invoice.post(invoices)
        to_write = []
        for settlement, invoice in zip(to_invoice, invoices):
            to_write.extend([[settlement], {'invoice': invoice.id}])
        if to_write:
            cls.write(*to_write)
        return [s for s in settlements if not s.net]

    def _get_invoice(self):
        "The contractor's supplier invoice of the net, not saved"
        pool = Pool()
        Configuration = pool.get('care.configuration')
        Date = pool.get('ir.date')
        Invoice = pool.get('account.invoice')
        configuration = Configuration(1)
        if (not configuration.settlement_journal
                or not configuration.settlement_account):
            raise ValidationError(gettext(
                    'care_settlement.msg_settlement_accounting_missing'))
        party = self.contractor
        address = party.address_get(type='invoice')
        if not address:
            raise ValidationError(gettext(
                    'care_settlement.msg_settlement_contractor_address',
                    contractor=party.rec_name, settlement=self.rec_name))
        # The payable account and the date are the company's
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
            payable = party.account_payable_used
        invoice = Invoice(company=self.company, type='in', party=party,
            invoice_address=address, currency=self.company.currency,
            journal=configuration.settlement_journal,
            account=payable,
            invoice_date=today, accounting_date=today,
            reference=f'{self.contract.number}/{self.month}',
            description=gettext('care_settlement.msg_invoice_description',
                month=self.month, contract=self.contract.number))
        invoice.lines = self._get_invoice_lines(
            configuration.settlement_account)
        return invoice

    def _get_invoice_lines(self, account):
        """One line per service (the sum of the rounded person amounts, so
        the invoice equals the settlement to the cent), then the deductions
        actually taken off"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        SettlementLine = pool.get('care.settlement.line')
        Service = pool.get('care.service')
        table = SettlementLine.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.service, Sum(table.quantity),
                Sum(table.amount),
                where=table.settlement == self.id,
                group_by=table.service, order_by=table.service))
        lines = []
        for service_id, quantity, amount in cursor:
            amount = money(sql_decimal(amount))
            if not amount:
                continue
            service = Service(service_id)
            lines.append(InvoiceLine(type='line', account=account,
                    company=self.company, currency=self.company.currency,
                    quantity=1, unit_price=amount, origin=self,
                    description=gettext(
                        'care_settlement.msg_invoice_line_service',
                        service=service.name,
                        quantity=f'{sql_decimal(quantity).normalize():f}')))
        taken_off = self.gross - self.net
        if taken_off:
            lines.append(InvoiceLine(type='line', account=account,
                    company=self.company, currency=self.company.currency,
                    quantity=1, unit_price=-taken_off, origin=self,
                    description=gettext(
                        'care_settlement.msg_invoice_line_deductions',
                        count=self.failed_checks)))
        return lines

    @classmethod
    @Workflow.transition('invoiced')
    def invoiced(cls, settlements):
        pass

    @classmethod
    @Workflow.transition('paid')
    def paid(cls, settlements):
        pass

    @classmethod
    @ModelView.button
    def pay(cls, settlements):
        "Pay what the invoiced settlements still have to receive"
        cls.create_payments(settlements)

    @classmethod
    def create_payments(cls, settlements):
        """Create, approve and process through account_payment the payment
        of what each invoiced settlement still has to receive (on its
        invoice's payable line), one group per contractor; return the
        payments"""
        pool = Pool()
        Configuration = pool.get('care.configuration')
        Payment = pool.get('account.payment')
        Group = pool.get('account.payment.group')
        journal = Configuration(1).payment_journal
        if not journal:
            raise ValidationError(gettext(
                    'care_settlement.msg_settlement_accounting_missing'))
        settlements = [s for s in settlements if s.state == 'invoiced']
        cls.serialize(settlements)
        committed = cls.committed_amounts([s.id for s in settlements])
        payments = []
        for settlement in settlements:
            amount = settlement.net - committed[settlement.id]
            if amount <= 0:
                continue
            line, = settlement.invoice.lines_to_pay
            payments.append(Payment(company=settlement.company,
                    journal=journal, kind='payable',
                    party=settlement.contractor, amount=amount, line=line,
                    date=line.maturity_date,
                    reference=settlement.invoice.reference))
        Payment.save(payments)
        Payment.submit(payments)
        Payment.approve(payments)
        by_contractor = defaultdict(list)
        for payment in payments:
            by_contractor[payment.party].append(payment)
        for party, grouped in sorted(by_contractor.items(),
                key=lambda i: i[0].rec_name):
            def group():
                group = Group(company=grouped[0].company, journal=journal,
                    kind='payable')
                group.save()
                return group
            Payment.process(grouped, group)
        return payments

    @classmethod
    def update_paid(cls, settlements):
        "Invoiced settlements whose net has succeeded in payments are paid"
        settlements = [s for s in settlements if s.state == 'invoiced']
        succeeded = cls.paid_amounts([s.id for s in settlements],
            ['succeeded'])
        cls.paid([s for s in settlements if succeeded[s.id] >= s.net])

    @classmethod
    def paid_amounts(cls, settlement_ids, states):
        "{settlement id: amount of its payments in the states}"
        Payment = Pool().get('account.payment')
        payment = Payment.__table__()
        cursor = Transaction().connection.cursor()
        amounts = defaultdict(Decimal)
        if settlement_ids:
            cursor.execute(*payment.select(payment.care_settlement,
                    Sum(payment.amount),
                    where=payment.care_settlement.in_(list(settlement_ids))
                    & payment.state.in_(list(states)),
                    group_by=payment.care_settlement))
            for settlement_id, amount in cursor:
                amounts[settlement_id] = sql_decimal(amount)
        return amounts

    @classmethod
    def committed_amounts(cls, settlement_ids):
        "{settlement id: amount of its payments that did not fail}"
        return cls.paid_amounts(settlement_ids, COUNTED)

    @classmethod
    def serialize(cls, settlements):
        """Write the settlements' rows first, so that two transactions
        paying the same settlement at once cannot both pass the checks: the
        second waits on the row and then fails to serialize (PostgreSQL) or
        to get the database lock (SQLite), and is retried seeing the first
        one's payments.  (Model.lock would need the transaction to be
        restarted with the lock, which only the RPC dispatcher does.)"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice([s.id for s in settlements], CHUNK):
            cursor.execute(*table.update([table.write_date],
                    [CurrentTimestamp()], where=table.id.in_(list(sub))))

    @classmethod
    @ModelView.button_action('care_settlement.wizard_settlement_cancel')
    def cancel(cls, settlements):
        pass

    @classmethod
    @Workflow.transition('cancelled')
    @reset_employee('approved_by', 'second_approved_by')
    def do_cancel(cls, settlements, reason):
        """Cancel with a reason before any payment: the invoice is
        cancelled and the visits open to the rules again"""
        pool = Pool()
        Visit = pool.get('care.visit')
        Invoice = pool.get('account.invoice')
        committed = cls.committed_amounts([s.id for s in settlements])
        for settlement in settlements:
            if committed[settlement.id]:
                raise AccessError(gettext(
                        'care_settlement.msg_settlement_cancel_paid',
                        settlement=settlement.rec_name,
                        amount=committed[settlement.id]))
        Invoice.cancel([s.invoice for s in settlements if s.invoice])
        cls.write(settlements, {'cancel_reason': reason,
                'confirmed_by': None})
        Visit.freeze([(s.contract.id, s.month) for s in settlements],
            frozen=False)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, settlements):
        cls.write(settlements, {'cancel_reason': None})


class SettlementLine(ModelSQL, ModelView):
    __name__ = 'care.settlement.line'

    settlement = fields.Many2One('care.settlement', "Settlement",
        required=True, ondelete='CASCADE', readonly=True)
    person = fields.Many2One('social_assistance.person', "Person",
        required=True, readonly=True)
    contract_line = fields.Many2One('care.contract.line', "Contract Line",
        required=True, readonly=True)
    service = fields.Many2One('care.service', "Service", required=True,
        readonly=True)
    quantity = fields.Numeric("Quantity", digits=(16, 4), readonly=True)
    currency = fields.Function(fields.Many2One('currency.currency',
            "Currency"), 'on_change_with_currency')
    unit_price = Monetary("Unit Price", currency='currency',
        digits='currency', readonly=True)
    amount = Monetary("Amount", currency='currency', digits='currency',
        readonly=True)
    visits = fields.Integer("Visits Counted", readonly=True)
    covered_days = fields.Integer("Covered Days", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.settlement, Index.Range())))
        cls._order = [('settlement', 'DESC'), ('person', 'ASC'),
            ('service', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('settlement')

    @staticmethod
    def default_visits():
        return 0

    @fields.depends('settlement', '_parent_settlement.company')
    def on_change_with_currency(self, name=None):
        if self.settlement and self.settlement.company:
            return self.settlement.company.currency

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        # Lines are the rules' result, written set-wise by the settlement
        # (SQL): whoever may create settlements (and so, through
        # __access__, lines) still writes no line of its own
        super().check_modification(mode, lines, values=values,
            external=external)
        if external and (mode != 'delete' or any(
                    l.settlement.state not in {'draft', 'cancelled'}
                    for l in lines)):
            raise AccessError(gettext(
                    'care_settlement.msg_settlement_line_rules_only'))


class CancelStart(ModelView):
    __name__ = 'care.settlement.cancel.start'
    __string__ = "Cancel Settlement"
    reason = fields.Text("Reason", required=True)


class Cancel(Wizard):
    __name__ = 'care.settlement.cancel'
    start = StateView('care.settlement.cancel.start',
        'care_settlement.settlement_cancel_start_view_form', [
            Button("Back", 'end', 'tryton-cancel'),
            Button("Cancel Settlement", 'cancel', 'tryton-ok', default=True),
            ])
    cancel = StateTransition()

    def transition_cancel(self):
        # Wizard.check_access let only the action's group (procurement) in;
        # the cancel reaches the invoice, finance's books, as a button does
        with without_check_access():
            self.model.do_cancel(self.records, self.start.reason)
        return 'end'


class SettleStart(ModelView):
    __name__ = 'care.settlement.settle.start'
    __string__ = "Compute Settlements"
    month = fields.Char("Month", required=True, help="YYYY-MM")
    contracts = fields.Many2Many('care.contract', None, None, "Contracts",
        domain=[('state', '!=', 'draft')],
        help="Leave empty for every contract of the month.")

    @staticmethod
    def default_month():
        return previous_month()


class Settle(Wizard):
    __name__ = 'care.settlement.settle'
    start = StateView('care.settlement.settle.start',
        'care_settlement.settlement_settle_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Compute", 'settle', 'tryton-ok', default=True),
            ])
    settle = StateAction('care_settlement.act_settlement_form')

    def do_settle(self, action):
        Settlement = Pool().get('care.settlement')
        month = check_month(self.start.month)
        Settlement.settle(month, list(self.start.contracts) or None)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('month', '=', month)])
        action['name'] += f' {month}'
        return action, {}
