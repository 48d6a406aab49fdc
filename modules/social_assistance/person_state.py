# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .person import TERMINATION_REASONS


class _PersonStateWizard(Wizard):
    "Base of the wizards that change a person's state"
    start_state = 'start'
    apply = StateTransition()

    def default_start(self, fields):
        return {'date': Pool().get('ir.date').today()}


class SuspendStart(ModelView):
    "Suspend Person"
    __name__ = 'social_assistance.person.suspend.start'
    date = fields.Date("From Date", required=True)
    reason = fields.Char("Reason", required=True)


class Suspend(_PersonStateWizard):
    "Suspend Person"
    __name__ = 'social_assistance.person.suspend'
    start = StateView('social_assistance.person.suspend.start',
        'social_assistance.person_suspend_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Suspend", 'apply', 'tryton-ok', default=True),
            ])

    def transition_apply(self):
        self.model.start_suspension(
            self.records, self.start.date, self.start.reason)
        return 'end'


class ResumeStart(ModelView):
    "Resume Person"
    __name__ = 'social_assistance.person.resume.start'
    date = fields.Date(
        "Resume Date", required=True,
        help="The first day the person is active again.")


class Resume(_PersonStateWizard):
    "Resume Person"
    __name__ = 'social_assistance.person.resume'
    start = StateView('social_assistance.person.resume.start',
        'social_assistance.person_resume_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Resume", 'apply', 'tryton-ok', default=True),
            ])

    def transition_apply(self):
        self.model.end_suspension(self.records, self.start.date)
        return 'end'


class TerminateStart(ModelView):
    "Terminate Person"
    __name__ = 'social_assistance.person.terminate.start'
    reason = fields.Selection(
        [r for r in TERMINATION_REASONS if r[0]], "Reason", required=True)
    date = fields.Date(
        "Date", required=True,
        help="The death date, or else the last eligible day.")
    note = fields.Char("Note",
        states={'required': Eval('reason') == 'other'})


class Terminate(_PersonStateWizard):
    "Terminate Person"
    __name__ = 'social_assistance.person.terminate'
    start = StateView('social_assistance.person.terminate.start',
        'social_assistance.person_terminate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Terminate", 'apply', 'tryton-ok', default=True),
            ])

    def default_start(self, fields):
        return super().default_start(fields) | {'reason': 'death'}

    def transition_apply(self):
        self.model.end_eligibility(
            self.records, self.start.reason, self.start.date,
            self.start.note)
        return 'end'
