# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The facts a settlement reads (DESIGN.md "Settlement rules"): a change to
one recomputes the open settlements it concerns, so that a settlement is
always the rules applied to the facts as they are now.

Changes mark what they concern — a contract (all its open months) or a
(contract, month) pair — and the open settlements marked are recomputed
set-wise once the outermost change ends (`recomputing`): a visit import, a
failed inspection and the re-evaluation of the visits it disproves, an
assignment wizard each recompute a settlement once.  A recompute that
changes the figures clears the confirmation (Settlement.compute_lines).
"""
import weakref
from contextlib import contextmanager

from sql.operators import In

from trytond.modules.care_visit.visit import RULE_FIELDS
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .settlement import OPEN_STATES

CHUNK = 1000
# The marks of the changes under way, by transaction
_PENDING = weakref.WeakKeyDictionary()


class _Marks:
    __slots__ = ('contracts', 'pairs')

    def __init__(self):
        self.contracts, self.pairs = set(), set()


@contextmanager
def recomputing():
    """Collect the marks of the changes made inside; when the outermost
    block ends normally, recompute the open settlements they concern"""
    transaction = Transaction()
    if transaction in _PENDING:
        yield
        return
    marks = _PENDING[transaction] = _Marks()
    try:
        yield
    finally:
        del _PENDING[transaction]
    recompute(marks.contracts, marks.pairs)


def mark(contracts=(), pairs=()):
    """Mark the open settlements of the contracts (ids) and of the
    (contract id, month) pairs as reading a fact that changed"""
    marks = _PENDING.get(Transaction())
    if marks is None:
        recompute(set(contracts), set(pairs))
    else:
        marks.contracts.update(contracts)
        marks.pairs.update(pairs)


def recompute(contracts, pairs):
    "Recompute the open settlements of the contracts and pairs, set-wise"
    pool = Pool()
    Settlement = pool.get('care.settlement')
    if not contracts and not pairs:
        return
    table = Settlement.__table__()
    cursor = Transaction().connection.cursor()
    ids = []
    for sub in grouped_slice(sorted(contracts | {c for c, _ in pairs}),
            CHUNK):
        cursor.execute(*table.select(table.id, table.contract, table.month,
                where=In(table.contract, list(sub))
                & In(table.state, sorted(OPEN_STATES))))
        ids.extend(i for i, contract, month in cursor
            if contract in contracts or (contract, month) in pairs)
    if not ids:
        return
    # Whoever changed the fact (a contractor logging a late visit too) has
    # the settlement recomputed: the rules do it, not the user's rights
    with Transaction().set_user(0), without_check_access():
        Settlement.compute_lines(Settlement.browse(ids))


def _contracts_of_persons(ids):
    "The contracts (ids) the persons are or were assigned to"
    Assignment = Pool().get('care.contract.assignment')
    table = Assignment.__table__()
    cursor = Transaction().connection.cursor()
    contracts = set()
    for sub in grouped_slice(ids, CHUNK):
        cursor.execute(*table.select(table.contract,
                where=In(table.person, list(sub)), group_by=[table.contract]))
        contracts.update(c for c, in cursor)
    return contracts


def _column_values(Model, ids, *columns):
    "The distinct values of the columns over the records with ids"
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    values = set()
    selected = [getattr(table, c) for c in columns]
    for sub in grouped_slice(ids, CHUNK):
        cursor.execute(*table.select(*selected,
                where=In(table.id, list(sub)), group_by=selected))
        values.update(row if len(row) > 1 else row[0] for row in cursor)
    return values


class SettlementFactsMixin:
    """Mark the settlements reading the records created, deleted or written
    on one of `_settlement_fact_fields`, before and after the change (a
    record may move from a contract, person or month to another)"""
    __slots__ = ()
    _settlement_fact_fields = set()

    @classmethod
    def _mark_settlements(cls, ids):
        "Mark the settlements that read the records with ids"
        raise NotImplementedError

    # Overridden rather than 8.0's on_modification: the block must enclose
    # care_visit's re-evaluation of the visits (care_visit/facts.py), so that
    # the settlement is recomputed once, on the visits' new outcomes
    @classmethod
    def create(cls, vlist):
        with recomputing():
            records = super().create(vlist)
            cls._mark_settlements([r.id for r in records])
        return records

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        ids = [r.id for records, values in zip(actions, actions)
            if cls._settlement_fact_fields & values.keys() for r in records]
        with recomputing():
            cls._mark_settlements(ids)
            super().write(*args)
            cls._mark_settlements(ids)

    @classmethod
    def delete(cls, records):
        with recomputing():
            cls._mark_settlements([r.id for r in records])
            super().delete(records)


class Visit(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.visit'
    _settlement_fact_fields = RULE_FIELDS

    @classmethod
    def _mark_settlements(cls, ids):
        mark(pairs=_column_values(cls, ids, 'contract', 'month'))

    @classmethod
    def evaluate(cls, ids, around=None):
        # Every change of outcome, whatever asked for it (an import, a fact
        # of care_visit/facts.py, an inspection), ends here
        with recomputing():
            super().evaluate(ids, around)

    @classmethod
    def _store_outcomes(cls, columns, changes):
        super()._store_outcomes(columns, changes)
        cls._mark_settlements([i for ids in changes.values() for i in ids])


class Check(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.check'
    # A failed inspection is deducted in its contract and month
    _settlement_fact_fields = {'result', 'contract', 'month'}

    @classmethod
    def _mark_settlements(cls, ids):
        mark(pairs=_column_values(cls, ids, 'contract', 'month'))

    @classmethod
    def record_fail(cls, checks):
        # The failure and the visits it disproves: one recompute
        with recomputing():
            super().record_fail(checks)

    @classmethod
    def record_pass(cls, checks):
        with recomputing():
            super().record_pass(checks)


class Person(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person'
    # The days a person is covered (day and month lines)
    _settlement_fact_fields = {'start_date', 'end_date', 'death_date'}

    @classmethod
    def _mark_settlements(cls, ids):
        mark(contracts=_contracts_of_persons(ids))


class Suspension(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person.suspension'
    _settlement_fact_fields = {'person', 'from_date', 'to_date'}

    @classmethod
    def _mark_settlements(cls, ids):
        mark(contracts=_contracts_of_persons(
                _column_values(cls, ids, 'person')))


class PersonRoster(metaclass=PoolMeta):
    __name__ = 'social_assistance.person.roster'

    @classmethod
    def _persons_changed(cls, ids):
        # The roster import writes the persons in SQL
        with recomputing():
            super()._persons_changed(ids)
            mark(contracts=_contracts_of_persons(ids))


class Contract(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract'
    _settlement_fact_fields = {'state', 'start_date', 'end_date',
        'penalty_per_failed_check'}

    @classmethod
    def _mark_settlements(cls, ids):
        mark(contracts=ids)


class ContractLine(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.line'
    _settlement_fact_fields = {'contract', 'service', 'unit_price',
        'monthly_cap'}

    @classmethod
    def _mark_settlements(cls, ids):
        mark(contracts=_column_values(cls, ids, 'contract'))


class Assignment(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.assignment'
    _settlement_fact_fields = {'contract', 'person', 'start_date',
        'end_date'}

    @classmethod
    def _mark_settlements(cls, ids):
        mark(contracts=_column_values(cls, ids, 'contract'))

    @classmethod
    def assign_towns(cls, contract, town_ids, start_date, end_date):
        # Assigned in SQL (the assign wizard): the contract is marked whole
        with recomputing():
            count = super().assign_towns(contract, town_ids, start_date,
                end_date)
            mark(contracts=[contract.id])
        return count


class AssignmentPlan(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.assignment.plan'
    # Where a contract has visit lines, a day line pays the persons whose
    # plan names its service
    _settlement_fact_fields = {'assignment', 'service'}

    @classmethod
    def _mark_settlements(cls, ids):
        Assignment = Pool().get('care.contract.assignment')
        mark(contracts=_column_values(Assignment,
                _column_values(cls, ids, 'assignment'), 'contract'))
