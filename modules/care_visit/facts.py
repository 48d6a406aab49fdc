# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The facts the visit rules read, recorded after the visits: each change
re-evaluates the visits it concerns so that settlement sees the truth."""
from trytond.pool import Pool, PoolMeta


def _written_ids(args, fields, key=lambda r: r.id):
    "The ids (by key) of the records of a write call that change fields"
    actions = iter(args)
    return {key(r) for records, values in zip(actions, actions)
        if fields & values.keys() for r in records}


def _evaluate(field, ids):
    if ids:
        Pool().get('care.visit').evaluate_of(field, list(ids))


class Person(metaclass=PoolMeta):
    __name__ = 'social_assistance.person'

    # Rule 5 (active on the date) and the far-from-home flag read these
    _visit_rule_fields = {'start_date', 'end_date', 'death_date',
        'latitude', 'longitude'}

    @classmethod
    def write(cls, *args):
        ids = _written_ids(args, cls._visit_rule_fields)
        super().write(*args)
        _evaluate('person', ids)


class Suspension(metaclass=PoolMeta):
    __name__ = 'social_assistance.person.suspension'

    @classmethod
    def create(cls, vlist):
        suspensions = super().create(vlist)
        _evaluate('person', {s.person.id for s in suspensions})
        return suspensions

    @classmethod
    def write(cls, *args):
        before = _written_ids(args, {'person', 'from_date', 'to_date'},
            key=lambda s: s.person.id)
        super().write(*args)
        after = _written_ids(args, {'person', 'from_date', 'to_date'},
            key=lambda s: s.person.id)
        _evaluate('person', before | after)

    @classmethod
    def delete(cls, suspensions):
        persons = {s.person.id for s in suspensions}
        super().delete(suspensions)
        _evaluate('person', persons)


class PersonRoster(metaclass=PoolMeta):
    __name__ = 'social_assistance.person.roster'

    @classmethod
    def _persons_changed(cls, ids):
        super()._persons_changed(ids)
        _evaluate('person', ids)


class Contract(metaclass=PoolMeta):
    __name__ = 'care.contract'

    # Rule 3 (the contract is not draft and covers the date) reads these
    _visit_rule_fields = {'state', 'start_date', 'end_date'}

    @classmethod
    def write(cls, *args):
        ids = _written_ids(args, cls._visit_rule_fields)
        super().write(*args)
        _evaluate('contract', ids)


class ContractLine(metaclass=PoolMeta):
    __name__ = 'care.contract.line'

    @classmethod
    def create(cls, vlist):
        lines = super().create(vlist)
        _evaluate('contract', {l.contract.id for l in lines})
        return lines

    @classmethod
    def write(cls, *args):
        ids = _written_ids(args, {'contract', 'service'},
            key=lambda l: l.contract.id)
        super().write(*args)
        ids |= _written_ids(args, {'contract', 'service'},
            key=lambda l: l.contract.id)
        _evaluate('contract', ids)

    @classmethod
    def delete(cls, lines):
        contracts = {l.contract.id for l in lines}
        super().delete(lines)
        _evaluate('contract', contracts)


class Assignment(metaclass=PoolMeta):
    __name__ = 'care.contract.assignment'

    @classmethod
    def create(cls, vlist):
        assignments = super().create(vlist)
        _evaluate('person', {a.person.id for a in assignments})
        return assignments

    @classmethod
    def write(cls, *args):
        fields = {'contract', 'person', 'start_date', 'end_date'}
        persons = _written_ids(args, fields, key=lambda a: a.person.id)
        super().write(*args)
        persons |= _written_ids(args, fields, key=lambda a: a.person.id)
        _evaluate('person', persons)

    @classmethod
    def delete(cls, assignments):
        persons = {a.person.id for a in assignments}
        super().delete(assignments)
        _evaluate('person', persons)

    @classmethod
    def assign_towns(cls, contract, town_ids, start_date, end_date):
        count = super().assign_towns(contract, town_ids, start_date,
            end_date)
        # Visits logged before the assignment was made now find it
        _evaluate('contract', [contract.id])
        return count
