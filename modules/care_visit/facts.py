# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The facts the visit rules read, recorded after the visits: each change
re-evaluates the visits it concerns so that settlement sees the truth."""
from trytond.pool import Pool, PoolMeta


class VisitFactsMixin:
    """Re-evaluate the visits of the records created, deleted or written on
    one of `_visit_fact_fields`; `_visit_field` names the visit field
    (person or contract) that `visit_target` gives the id of"""
    __slots__ = ()
    _visit_field = 'person'
    _visit_fact_fields = set()

    def visit_target(self):
        return getattr(self, self._visit_field).id

    @classmethod
    def _evaluate_visits(cls, ids):
        if ids:
            Visit = Pool().get('care.visit')
            Visit.evaluate_of(cls._visit_field, list(ids))

    @classmethod
    def _written_targets(cls, args):
        actions = iter(args)
        return {r.visit_target() for records, values in zip(actions, actions)
            if cls._visit_fact_fields & values.keys() for r in records}

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls._evaluate_visits({r.visit_target() for r in records})
        return records

    @classmethod
    def write(cls, *args):
        # Before and after: a record may move from a person or contract
        before = cls._written_targets(args)
        super().write(*args)
        cls._evaluate_visits(before | cls._written_targets(args))

    @classmethod
    def delete(cls, records):
        targets = {r.visit_target() for r in records}
        super().delete(records)
        cls._evaluate_visits(targets)


class Person(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person'
    # Rule 5 (active on the date) and the far-from-home flag read these
    _visit_fact_fields = {'start_date', 'end_date', 'death_date',
        'latitude', 'longitude'}

    def visit_target(self):
        return self.id


class Suspension(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person.suspension'
    _visit_fact_fields = {'person', 'from_date', 'to_date'}


class PersonRoster(metaclass=PoolMeta):
    __name__ = 'social_assistance.person.roster'

    @classmethod
    def _persons_changed(cls, ids):
        Person = Pool().get('social_assistance.person')
        super()._persons_changed(ids)
        Person._evaluate_visits(ids)


class Contract(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract'
    _visit_field = 'contract'
    # Rule 3 (the contract is not draft and covers the date) reads these
    _visit_fact_fields = {'state', 'start_date', 'end_date'}

    def visit_target(self):
        return self.id


class ContractLine(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.line'
    _visit_field = 'contract'
    _visit_fact_fields = {'contract', 'service'}


class Assignment(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'care.contract.assignment'
    _visit_fact_fields = {'contract', 'person', 'start_date', 'end_date'}

    @classmethod
    def assign_towns(cls, contract, town_ids, start_date, end_date):
        count = super().assign_towns(contract, town_ids, start_date,
            end_date)
        # Visits logged before the assignment was made now find it
        Contract = Pool().get('care.contract')
        Contract._evaluate_visits([contract.id])
        return count
