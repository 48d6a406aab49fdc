# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement.contract import ContractCompanyMixin
from trytond.pool import Pool
from trytond.pyson import Eval

# What a contractor's user may write on a rectification addressed to it
CONTRACTOR_FIELDS = {'response'}


class Rectification(ContractCompanyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'care.rectification'
    __string__ = "Rectification"
    _history = True

    _open = {'readonly': ~Eval('state').in_(['open', 'overdue'])}

    check = fields.Many2One('care.check', "Inspection",
        ondelete='RESTRICT', readonly=True,
        help="The failed inspection that opened the rectification.")
    complaint = fields.Many2One('care.complaint', "Complaint",
        ondelete='RESTRICT', readonly=True,
        help="The substantiated complaint that opened the rectification.")
    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='RESTRICT', readonly=True)
    contractor = fields.Function(fields.Many2One('party.party',
            "Contractor", context={'company': Eval('company', -1)},
            depends={'company'}),
        'get_contractor')
    person = fields.Function(fields.Many2One('social_assistance.person',
            "Person"), 'get_person')
    requirement = fields.Text("Requirement", required=True, states=_open)
    deadline = fields.Date("Deadline", required=True, states=_open)
    response = fields.Text("Response", states=_open,
        help="What the contractor did; attach the evidence.")
    responded_on = fields.Date("Responded On", readonly=True)
    reinspection_date = fields.Date("Re-inspection Date",
        states={'readonly': Eval('state') != 'responded'})
    reinspection_note = fields.Text("Re-inspection Note",
        states={'readonly': Eval('state') != 'responded'})
    state = fields.Selection([
            ('open', "Open"),
            ('responded', "Responded"),
            ('closed', "Closed"),
            ('overdue', "Overdue"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.deadline, Index.Range())),
                })
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'responded'),
            ('overdue', 'responded'),
            ('responded', 'closed'),
            ('responded', 'open'),
            ('open', 'overdue'),
            }
        cls._buttons.update({
                'respond': {
                    'invisible': ~Eval('state').in_(['open', 'overdue']),
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'responded',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'responded',
                    'depends': ['state'],
                    },
                })
        # Its own access and rules, not the contract's (see care.visit)

    @staticmethod
    def default_state():
        return 'open'

    def get_contractor(self, name):
        return self.contract.contractor.id

    def get_person(self, name):
        if self.check:
            return self.check.person.id
        if self.complaint and self.complaint.person:
            return self.complaint.person.id

    def get_rec_name(self, name):
        name = self.contract.rec_name
        if self.person:
            name += f' {self.person.rec_name}'
        return name

    @classmethod
    def open_for(cls, origins):
        """Open a rectification for each dict of check or complaint,
        contract, requirement and date (a failed inspection, a
        substantiated complaint: DESIGN.md)"""
        pool = Pool()
        Configuration = pool.get('care.configuration')
        Holiday = pool.get('social_assistance.holiday')
        # Deadlines count working days (DESIGN.md), by the holiday calendar
        days = Configuration(1).rectification_days
        rectifications = []
        for origin in origins:
            origin = origin.copy()
            date = origin.pop('date')
            rectifications.append(cls(
                    deadline=Holiday.add_working_days(date, days), **origin))
        cls.save(rectifications)
        return rectifications

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        User = Pool().get('res.user')
        super().check_modification(
            mode, records, values=values, external=external)
        if not external or User.contractor_id() is None:
            return
        if mode != 'write' or set(values) - CONTRACTOR_FIELDS:
            raise AccessError(gettext(
                    'care_visit.msg_rectification_contractor_write'))
        # The response under review or accepted is kept as it was sent
        for rectification in records:
            if rectification.state not in {'open', 'overdue'}:
                raise AccessError(gettext(
                        'care_visit.msg_rectification_responded',
                        rectification=rectification.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('responded')
    def respond(cls, rectifications):
        today = Pool().get('ir.date').today()
        for rectification in rectifications:
            if not rectification.response:
                raise ValidationError(gettext(
                        'care_visit.msg_rectification_no_response',
                        rectification=rectification.rec_name))
        cls.write(rectifications, {'responded_on': today})

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, rectifications):
        for rectification in rectifications:
            if not rectification.reinspection_date:
                raise ValidationError(gettext(
                        'care_visit.msg_rectification_no_reinspection',
                        rectification=rectification.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, rectifications):
        "The response does not suffice: the contractor answers again"

    @classmethod
    @Workflow.transition('overdue')
    def mark_overdue(cls, rectifications):
        pass

    @classmethod
    def mark_overdue_all(cls):
        "Mark the open rectifications past their deadline overdue (cron)"
        today = Pool().get('ir.date').today()
        cls.mark_overdue(cls.search([
                    ('state', '=', 'open'),
                    ('deadline', '<', today),
                    ]))
