# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement.procurement import MONEY
from trytond.modules.care_procurement.tools import (
    check_month, month_bounds, previous_month)
from trytond.modules.care_visit.local_time import month_ended
from trytond.modules.social_assistance.sql_tools import insert_many
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from . import settlement_compute
from .budget import check_budgets
from .payment import SettlementPaymentMixin, committed_amounts
from .settlement_invoice import SettlementInvoiceMixin

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
CHUNK = 1000
# Settlement lines are inserted by this many rows at a time
LINE_CHUNK = 20000


class Settlement(SettlementInvoiceMixin, SettlementPaymentMixin, Workflow,
        ModelSQL, ModelView):
    "Monthly Settlement"
    __name__ = 'care.settlement'
    _history = True
    _rec_name = 'month'

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='RESTRICT', readonly=True)
    contractor = fields.Many2One('party.party', "Contractor", required=True,
        readonly=True)
    month = fields.Char("Month", required=True, readonly=True,
        help="YYYY-MM")
    gross = fields.Numeric("Gross", digits=MONEY, readonly=True)
    deductions = fields.Numeric("Deductions", digits=MONEY, readonly=True,
        help="Failed inspections of the month × the contract's penalty.")
    net = fields.Numeric("Net", digits=MONEY, readonly=True)
    failed_checks = fields.Integer("Failed Inspections", readonly=True)
    persons = fields.Integer("Persons Served", readonly=True,
        help="Distinct persons with a payable quantity.")
    visits = fields.Integer("Visits Counted", readonly=True,
        help="Accepted visits counted after the caps; a visit counted in "
        "part counts once.")
    lines = fields.One2Many('care.settlement.line', 'settlement', "Lines",
        readonly=True)
    confirmed_by = fields.Many2One('res.user', "Confirmed by",
        readonly=True)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    second_approved_by = fields.Many2One('res.user', "Second Approval by",
        readonly=True, states={
            'invisible': ~Eval('second_approved_by'),
            })
    cancel_reason = fields.Text("Cancellation Reason", readonly=True,
        states={'invisible': Eval('state') != 'cancelled'})
    state = fields.Selection(STATES, "State", readonly=True, required=True)

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
                'pay_button': {
                    'invisible': Eval('state') != 'invoiced',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # An approval pays money out: it asks for a recent login, as do
        # paying and cancelling (which unfreezes the month) and its undoing;
        # a REST key is never one (social_assistance api_guard)
        for name in ['approve', 'pay_button', 'cancel', 'draft']:
            cls.__rpc__[name] = RPC(
                readonly=False, instantiate=0, fresh_session=True)

    @staticmethod
    def default_state():
        return 'draft'

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
        quantities = settlement_compute.visit_quantities(contract_ids, month)
        failures = settlement_compute.failed_checks(contract_ids, month)
        stored = cls._stored_lines(settlements)
        changes = []
        for settlement in settlements:
            contract = settlement.contract
            lines = settlement_compute.compute_lines(contract, month,
                quantities[contract.id])
            gross, deductions, net = settlement_compute.totals(lines,
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
                        settlement_compute.as_decimal(quantity),
                        settlement_compute.money(
                            settlement_compute.as_decimal(amount))))
        return result

    @classmethod
    def _replace_lines(cls, settlements, rows):
        "Replace the lines of the settlements by rows (settlement first)"
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
        """The bureau approves; above the configured amount a second,
        different approver is needed"""
        pool = Pool()
        Configuration = pool.get('care.configuration')
        user = Transaction().user
        threshold = Configuration(1).second_approval_amount
        confirmed = [s for s in settlements if s.state == 'confirmed']
        cls.check_months_ended([s.month for s in confirmed])
        # Recomputed in this transaction: nothing is approved on figures the
        # facts no longer give
        cls.check_current(confirmed)
        first, final = [], []
        for settlement in settlements:
            if settlement.state != 'confirmed':
                continue
            if settlement.approved_by is None:
                if threshold is not None and settlement.net > threshold:
                    first.append(settlement)
                else:
                    final.append(settlement)
            elif settlement.approved_by.id == user:
                raise ValidationError(gettext(
                        'care_settlement.msg_settlement_second_approver',
                        settlement=settlement.rec_name))
            else:
                final.append(settlement)
        # the first of two approvals is refused as well as the last
        check_budgets(first + final)
        if first:
            cls.write(first, {'approved_by': user})
        cls.do_approve(final)
        nothing_to_pay = cls.create_invoices(final)
        cls.invoiced([s for s in final if s not in nothing_to_pay])
        cls.paid(nothing_to_pay)

    @classmethod
    @Workflow.transition('approved')
    def do_approve(cls, settlements):
        "Approved: the settled visits are frozen for the rules"
        pool = Pool()
        Visit = pool.get('care.visit')
        user = Transaction().user
        to_write = []
        for settlement in settlements:
            if settlement.approved_by:
                to_write.extend([[settlement],
                        {'second_approved_by': user}])
            else:
                to_write.extend([[settlement], {'approved_by': user}])
        if to_write:
            cls.write(*to_write)
        Visit.freeze([(s.contract.id, s.month) for s in settlements])

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
    def pay_button(cls, settlements):
        "Pay what the invoiced settlements still have to receive"
        cls.pay(settlements)

    @classmethod
    @ModelView.button_action('care_settlement.wizard_settlement_cancel')
    def cancel(cls, settlements):
        pass

    @classmethod
    @Workflow.transition('cancelled')
    def do_cancel(cls, settlements, reason):
        """Cancel with a reason before any payment: the invoice is
        cancelled and the visits open to the rules again"""
        pool = Pool()
        Visit = pool.get('care.visit')
        Invoice = pool.get('account.invoice')
        committed = committed_amounts([s.id for s in settlements])
        for settlement in settlements:
            if committed[settlement.id]:
                raise AccessError(gettext(
                        'care_settlement.msg_settlement_cancel_paid',
                        settlement=settlement.rec_name,
                        amount=committed[settlement.id]))
        Invoice.cancel([s.invoice for s in settlements if s.invoice])
        cls.write(settlements, {'cancel_reason': reason,
                'approved_by': None, 'second_approved_by': None,
                'confirmed_by': None})
        Visit.freeze([(s.contract.id, s.month) for s in settlements],
            frozen=False)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, settlements):
        cls.write(settlements, {'cancel_reason': None})


class SettlementLine(ModelSQL, ModelView):
    "Monthly Settlement Line"
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
    unit_price = fields.Numeric("Unit Price", digits=MONEY, readonly=True)
    amount = fields.Numeric("Amount", digits=MONEY, readonly=True)
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
    "Cancel Settlement"
    __name__ = 'care.settlement.cancel.start'
    reason = fields.Text("Reason", required=True)


class Cancel(Wizard):
    "Cancel Settlement"
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
    "Compute Settlements"
    __name__ = 'care.settlement.settle.start'
    month = fields.Char("Month", required=True, help="YYYY-MM")
    contracts = fields.Many2Many('care.contract', None, None, "Contracts",
        domain=[('state', '!=', 'draft')],
        help="Leave empty for every contract of the month.")

    @staticmethod
    def default_month():
        return previous_month()


class Settle(Wizard):
    "Compute Settlements"
    __name__ = 'care.settlement.settle'
    start = StateView('care.settlement.settle.start',
        'care_settlement.settlement_settle_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Compute", 'settle', 'tryton-ok', default=True),
            ])
    settle = StateAction('care_settlement.act_settlement_form')

    def do_settle(self, action):
        from trytond.pyson import PYSONEncoder
        Settlement = Pool().get('care.settlement')
        month = check_month(self.start.month)
        Settlement.settle(month, list(self.start.contracts) or None)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('month', '=', month)])
        action['name'] += f' {month}'
        return action, {}
