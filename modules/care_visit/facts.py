# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The facts the visit rules read, recorded after the visits: each change
re-evaluates the visits it concerns so that settlement sees the truth.

Through the ORM's hooks only: the persons import and the assign wizard call
them too, so no import function is extended here."""
from trytond.pool import Pool, PoolMeta


class VisitFactsMixin:
    """Re-evaluate the visits of the records created, deleted or written on
    one of `_visit_fact_fields`; `_visit_field` names the visit field
    (person or contract) that `visit_target` gives the id of"""
    __slots__ = ()
    _visit_field = 'person'
    _visit_fact_fields = set()
    # Whether a record created may concern visits already stored
    _visit_fact_on_create = True

    def visit_target(self):
        return getattr(self, self._visit_field).id

    @classmethod
    def _evaluate_visits(cls, ids):
        if ids:
            Visit = Pool().get('care.visit')
            Visit.evaluate_of(cls._visit_field, list(ids))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'create' and cls._visit_fact_on_create:
            cls._evaluate_visits({r.visit_target() for r in records})

    @classmethod
    def on_write(cls, records, values):
        callback = super().on_write(records, values)
        if cls._visit_fact_fields & values.keys():
            # Before and after: a record may move from a person or contract
            before = {r.visit_target() for r in records}
            ids = [r.id for r in records]
            callback.append(lambda: cls._evaluate_visits(before | {
                        r.visit_target() for r in cls.browse(ids)}))
        return callback

    @classmethod
    def on_delete(cls, records):
        callback = super().on_delete(records)
        targets = {r.visit_target() for r in records}
        callback.append(lambda: cls._evaluate_visits(targets))
        return callback


class Person(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person'
    # Rule 5 (active on the date) and the far-from-home flag read these
    _visit_fact_fields = {'start_date', 'end_date', 'death_date',
        'latitude', 'longitude'}
    # A new person has no visits yet (the roster import creates thousands)
    _visit_fact_on_create = False

    def visit_target(self):
        return self.id


class Suspension(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person.suspension'
    _visit_fact_fields = {'person', 'from_date', 'to_date'}


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
