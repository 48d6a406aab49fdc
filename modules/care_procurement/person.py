# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

# Searches on persons and parties are guarded by ProcurementSearchMixin,
# registered as a mixin of every model (tryton.cfg [register_mixin])


class Person(metaclass=PoolMeta):
    __name__ = 'social_assistance.person'

    care_assignments = fields.One2Many('care.contract.assignment', 'person',
        "Care Assignments", readonly=True)

    @classmethod
    def end_eligibility(cls, persons, reason, date, note=None):
        "Ending a person's eligibility ends the person's care assignments"
        Assignment = Pool().get('care.contract.assignment')
        super().end_eligibility(persons, reason, date, note=note)
        for person in cls.browse(persons):
            Assignment.end_on(Assignment.search([
                        ('person', '=', person.id),
                        ]), person.end_date)
