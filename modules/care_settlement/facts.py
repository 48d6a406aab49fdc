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
from trytond.transaction import Transaction

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
    _recompute(marks.contracts, marks.pairs)


def mark(contracts=(), pairs=()):
    """Mark the open settlements of the contracts (ids) and of the
    (contract id, month) pairs as reading a fact that changed"""
    marks = _PENDING.get(Transaction())
    if marks is None:
        _recompute(set(contracts), set(pairs))
    else:
        marks.contracts.update(contracts)
        marks.pairs.update(pairs)


def _recompute(contracts, pairs):
    if contracts or pairs:
        Settlement = Pool().get('care.settlement')
        Settlement.recompute_open(contracts, pairs)


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
    # Whether a record created may concern settlements already computed
    _settlement_fact_on_create = True

    @classmethod
    def _settlement_marks(cls, ids):
        """(contract ids, {(contract id, month)}) of the settlements that
        read the records with ids"""
        raise NotImplementedError

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        if mode != 'create':
            super().on_modification(mode, records, field_names=field_names)
            return
        # The block encloses what the modules below do on creation
        # (care_visit evaluates the visits): one recompute on the outcomes
        with recomputing():
            super().on_modification(mode, records, field_names=field_names)
            if cls._settlement_fact_on_create:
                mark(*cls._settlement_marks([r.id for r in records]))

    @classmethod
    def on_write(cls, records, values):
        callback = super().on_write(records, values)
        if cls._settlement_fact_fields & values.keys():
            ids = [r.id for r in records]
            contracts, pairs = cls._settlement_marks(ids)

            def mark_written():
                after_contracts, after_pairs = cls._settlement_marks(ids)
                mark(contracts | after_contracts, pairs | after_pairs)
            # Appended after the callbacks of the modules below: the
            # settlements are recomputed on their outcomes
            callback.append(mark_written)
        return callback

    @classmethod
    def on_delete(cls, records):
        callback = super().on_delete(records)
        marks = cls._settlement_marks([r.id for r in records])
        callback.append(lambda: mark(*marks))
        return callback


class Visit(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.visit'
    _settlement_fact_fields = RULE_FIELDS

    @classmethod
    def _settlement_marks(cls, ids):
        return set(), _column_values(cls, ids, 'contract', 'month')

    @classmethod
    def evaluate(cls, ids, around=None):
        # Every change of outcome, whatever asked for it (an import, a fact
        # of care_visit/facts.py, an inspection), ends here
        with recomputing():
            super().evaluate(ids, around)

    @classmethod
    def _store_outcomes(cls, columns, changes):
        super()._store_outcomes(columns, changes)
        mark(*cls._settlement_marks(
                [i for ids in changes.values() for i in ids]))


class Check(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.check'
    # A failed inspection is deducted in its contract and month
    _settlement_fact_fields = {'result', 'contract', 'month'}

    @classmethod
    def _settlement_marks(cls, ids):
        return set(), _column_values(cls, ids, 'contract', 'month')

    @classmethod
    def record_fail(cls, checks):
        # The failure and the visits it disproves: one recompute
        with recomputing():
            super().record_fail(checks)

    @classmethod
    def record_pass(cls, checks):
        with recomputing():
            super().record_pass(checks)


class Complaint(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.complaint'
    # A substantiated complaint is deducted in its contract and month of
    # receipt like a failed inspection
    _settlement_fact_fields = {'substantiated', 'contract', 'month',
        'state'}

    @classmethod
    def _settlement_marks(cls, ids):
        # A complaint about no contract is deducted nowhere
        return set(), {(c, m) for c, m in _column_values(
                    cls, ids, 'contract', 'month') if c is not None}


class Person(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person'
    # The days a person is covered (day and month lines)
    _settlement_fact_fields = {'start_date', 'end_date', 'death_date'}
    # A new person has no assignment yet (the roster import creates
    # thousands)
    _settlement_fact_on_create = False

    @classmethod
    def _settlement_marks(cls, ids):
        return _contracts_of_persons(ids), set()


class Suspension(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person.suspension'
    _settlement_fact_fields = {'person', 'from_date', 'to_date'}

    @classmethod
    def _settlement_marks(cls, ids):
        persons = _column_values(cls, ids, 'person')
        return _contracts_of_persons(persons), set()


class PersonRoster(metaclass=PoolMeta):
    __name__ = 'social_assistance.person.roster'

    @classmethod
    def _store(cls, rows):
        # The persons' hooks mark their settlements one person at a time:
        # one recompute a chunk of the roster
        with recomputing():
            return super()._store(rows)


class Contract(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract'
    _settlement_fact_fields = {'state', 'start_date', 'end_date',
        'penalty_per_failed_check'}

    @classmethod
    def _settlement_marks(cls, ids):
        return set(ids), set()


class ContractLine(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.line'
    _settlement_fact_fields = {'contract', 'service', 'unit_price',
        'monthly_cap'}

    @classmethod
    def _settlement_marks(cls, ids):
        return _column_values(cls, ids, 'contract'), set()


class Assignment(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.assignment'
    _settlement_fact_fields = {'contract', 'person', 'start_date',
        'end_date'}

    @classmethod
    def _settlement_marks(cls, ids):
        return _column_values(cls, ids, 'contract'), set()

    @classmethod
    def assign_towns(cls, contract, town_ids, start_date, end_date):
        # The assignments, their plans and the visits they re-evaluate
        # (care_visit): one recompute
        with recomputing():
            return super().assign_towns(contract, town_ids, start_date,
                end_date)


class AssignmentPlan(SettlementFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.assignment.plan'
    # Where a contract has visit lines, a day line pays the persons whose
    # plan names its service
    _settlement_fact_fields = {'assignment', 'service'}

    @classmethod
    def _settlement_marks(cls, ids):
        Assignment = Pool().get('care.contract.assignment')
        return _column_values(Assignment,
            _column_values(cls, ids, 'assignment'), 'contract'), set()
