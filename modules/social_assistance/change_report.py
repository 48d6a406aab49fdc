# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change reports (情况报告): whoever sees a person reports a death, a hospital
stay, a move or a change in self-care; the registry confirms it, which acts
through the person's own paths, or dismisses it with a reason."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .search_guard import in_registry_group

KINDS = [
    ('death', "Death"),
    ('hospital', "Hospital Stay"),
    ('moved', "Moved"),
    ('self_care', "Change in Self-Care"),
    ('other', "Other"),
    ]
STATES = [
    ('reported', "Reported"),
    ('confirmed', "Confirmed"),
    ('dismissed', "Dismissed"),
    ]
# The fields only the registry writes: the decision on the report
DECISION_FIELDS = {'state', 'dismissal_reason', 'outcome'}


class ChangeReport(Workflow, ModelSQL, ModelView):
    __name__ = 'social_assistance.change_report'
    __string__ = "Change Report"
    _history = True

    _reported = {'readonly': Eval('state') != 'reported'}

    person = fields.Many2One(
        'social_assistance.person', "Person", required=True,
        ondelete='RESTRICT', states=_reported)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_reported)
    date = fields.Date(
        "Event Date", required=True, states=_reported,
        help="The day of the death, of the admission to hospital, of the "
        "move or of the change.")
    reported_by = fields.Many2One(
        'res.user', "Reported By", required=True, readonly=True,
        ondelete='RESTRICT')
    reported_on = fields.Date("Reported On", required=True, readonly=True)
    text = fields.Text("Description", required=True, states=_reported)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    dismissal_reason = fields.Text(
        "Dismissal Reason",
        states={
            'readonly': Eval('state') != 'reported',
            'invisible': Eval('state') == 'confirmed',
            },
        help="Required to dismiss the report.")
    outcome = fields.Text(
        "Outcome", readonly=True,
        help="What the registry did on the report.")

    del _reported

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.person, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('reported_on', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('reported', 'confirmed'),
            ('reported', 'dismissed'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'reported',
                    'depends': ['state'],
                    },
                'dismiss': {
                    'invisible': Eval('state') != 'reported',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'reported'

    @staticmethod
    def default_reported_by():
        return Transaction().user

    @staticmethod
    def default_reported_on():
        return Pool().get('ir.date').today()

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return f'{self.person.rec_name} {kinds[self.kind]} @ {self.date}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # The reporter and the day are the system's, not the client's
            values['reported_by'] = Transaction().user
            values['reported_on'] = cls.default_reported_on()
        return values

    @classmethod
    def check_modification(cls, mode, reports, values=None, external=False):
        super().check_modification(
            mode, reports, values=values, external=external)
        if in_registry_group():
            return
        # A reporter corrects a pending report; the decision is the
        # registry's and a decided report stays as decided
        if mode == 'create':
            if values and values.keys() & DECISION_FIELDS - {'state'}:
                raise AccessError(gettext(
                        'social_assistance.msg_change_report_decision'))
            if values and values.get('state', 'reported') != 'reported':
                raise AccessError(gettext(
                        'social_assistance.msg_change_report_decision'))
        elif mode in {'write', 'delete'}:
            if mode == 'write' and values.keys() & DECISION_FIELDS:
                raise AccessError(gettext(
                        'social_assistance.msg_change_report_decision'))
            for report in reports:
                if report.state != 'reported':
                    raise AccessError(gettext(
                            'social_assistance.msg_change_report_decided',
                            report=report.rec_name))

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        if field_names & {'person', 'date'}:
            for report in reports:
                report.check_date()

    def check_date(self):
        "The event cannot lie before the person's support began"
        if self.date < self.person.start_date:
            raise ValidationError(gettext(
                    'social_assistance.msg_change_report_before_start',
                    report=self.rec_name, date=self.person.start_date))

    @classmethod
    @ModelView.button
    @Workflow.transition('dismissed')
    def dismiss(cls, reports):
        for report in reports:
            if not (report.dismissal_reason or '').strip():
                raise ValidationError(gettext(
                        'social_assistance.msg_change_report_dismiss_reason',
                        report=report.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, reports):
        for report in reports:
            report.outcome = report.apply()
        cls.save(reports)

    def apply(self):
        """Do what the report means through the person's own paths; return
        the outcome to record"""
        return getattr(self, f'apply_{self.kind}')()

    def apply_death(self):
        "Record the death: terminated, the day before the last eligible day"
        Person = Pool().get('social_assistance.person')
        person = self.person
        if person.state == 'terminated':
            return gettext('social_assistance.msg_change_report_outcome_none',
                person=person.rec_name)
        Person.end_eligibility([person], 'death', self.date, note=self.text)
        return gettext('social_assistance.msg_change_report_outcome_death',
            person=person.rec_name, date=self.date,
            end_date=self.date - dt.timedelta(days=1))

    def apply_hospital(self):
        "A hospital stay suspends home care from the admission"
        Person = Pool().get('social_assistance.person')
        person = self.person
        if person.state != 'active':
            return gettext('social_assistance.msg_change_report_outcome_none',
                person=person.rec_name)
        Person.start_suspension([person], self.date, gettext(
                'social_assistance.msg_change_report_suspension_reason',
                report=self.rec_name))
        return gettext('social_assistance.msg_change_report_outcome_hospital',
            person=person.rec_name, date=self.date)

    def apply_self_care(self):
        "A change in self-care is reassessed within 10 working days"
        Assessment = Pool().get('social_assistance.assessment')
        assessment, = Assessment.open_reassessments(
            [self.person], self.date, self.text)
        return gettext(
            'social_assistance.msg_change_report_outcome_self_care',
            person=self.person.rec_name, due_date=assessment.due_date)

    def apply_moved(self):
        """A move out of the county is a termination with its public
        notice: the officer decides it with the terminate wizard"""
        return gettext('social_assistance.msg_change_report_outcome_moved',
            person=self.person.rec_name)

    def apply_other(self):
        return gettext('social_assistance.msg_change_report_outcome_other')
