# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change reports of contractors' users: on the persons currently assigned to
their running contracts only, seen by the contractor's users alone."""
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class ChangeReport(metaclass=PoolMeta):
    __name__ = 'social_assistance.change_report'

    # Every user of the contractor sees the reports of its colleagues (the
    # carers of one firm share their persons); the record rule reads it
    contractor = fields.Many2One('party.party', "Contractor", readonly=True,
        ondelete='RESTRICT',
        help="The contractor whose user reported.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.contractor, Index.Range())))

    @classmethod
    def preprocess_values(cls, mode, values):
        User = Pool().get('res.user')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['contractor'] = User.contractor_id()
        return values

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        if field_names & {'person', 'contractor'}:
            cls.check_contractor_assigned(reports)

    @classmethod
    def check_contractor_assigned(cls, reports):
        """A contractor reports only on the persons currently assigned to its
        running contracts (DESIGN.md, Access)"""
        pool = Pool()
        Assignment = pool.get('care.contract.assignment')
        Date = pool.get('ir.date')
        today = Date.today()
        for report in reports:
            if not report.contractor:
                continue
            # Searched as root: the check reads the contracts, not the user
            with Transaction().set_context(_check_access=False):
                assigned = Assignment.search([
                        ('person', '=', report.person.id),
                        ('contract.contractor', '=', report.contractor.id),
                        ('contract.state', '=', 'running'),
                        ('start_date', '<=', today),
                        ['OR', ('end_date', '=', None),
                            ('end_date', '>=', today)],
                        ], limit=1)
            if not assigned:
                raise AccessError(gettext(
                        'care_procurement.msg_change_report_not_assigned',
                        person=report.person.rec_name,
                        contractor=report.contractor.rec_name))
