# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateAction, StateView, Wizard

from .person import SELF_CARE_LEVELS

# The six indicators of 生活自理能力评估, in the order of the form
INDICATORS = ['eating', 'dressing', 'transfer', 'toileting', 'walking',
    'bathing']
REASSESSMENT_WORKING_DAYS = 10


class Assessment(Workflow, ModelSQL, ModelView):
    __name__ = 'social_assistance.assessment'
    __string__ = "Self-Care Assessment"
    _history = True

    _draft = {'readonly': Eval('state') != 'draft'}
    _indicator = {
        'readonly': Eval('state') != 'draft',
        'invisible': Eval('kind') == 'imported',
        }

    person = fields.Many2One(
        'social_assistance.person', "Person", required=True,
        ondelete='CASCADE', states=_draft)
    kind = fields.Selection([
            ('assessment', "Assessment"),
            ('reassessment', "Reassessment"),
            ('imported', "Imported"),
            ], "Kind", required=True, readonly=True)
    date = fields.Date(
        "Assessment Date", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('state') == 'done',
            })
    assessor = fields.Char("Assessor", states=_draft)
    reported_date = fields.Date(
        "Change Reported", readonly=True,
        states={'invisible': Eval('kind') != 'reassessment'})
    change = fields.Text(
        "Reported Change", readonly=True,
        states={'invisible': Eval('kind') != 'reassessment'})
    due_date = fields.Date(
        "Due Date", readonly=True,
        states={'invisible': Eval('kind') != 'reassessment'},
        help="Reassess within 10 working days of the reported change.")
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    eating = fields.Boolean("Eats Unaided", states=_indicator)
    dressing = fields.Boolean("Dresses Unaided", states=_indicator)
    transfer = fields.Boolean("Gets In and Out of Bed", states=_indicator)
    toileting = fields.Boolean("Uses the Toilet Unaided", states=_indicator)
    walking = fields.Boolean("Walks Indoors Unaided", states=_indicator)
    bathing = fields.Boolean("Bathes Unaided", states=_indicator)
    level = fields.Selection(
        SELF_CARE_LEVELS, "Self-Care Ability", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True)

    del _draft, _indicator

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.person, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.due_date, Index.Range()),
                    where=t.state == 'draft'),
                })
        cls._order = [('date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'done': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'assessment'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def _indicator_met_by_default():
        return True

    default_eating = default_dressing = _indicator_met_by_default
    default_transfer = default_toileting = _indicator_met_by_default
    default_walking = default_bathing = _indicator_met_by_default

    @fields.depends('kind', 'level', *INDICATORS)
    def on_change_with_level(self):
        if self.kind == 'imported':
            return self.level
        return self.level_of(sum(not getattr(self, i) for i in INDICATORS))

    @classmethod
    def level_of(cls, unmet):
        "The self-care level for a number of indicators not met (DESIGN.md)"
        if unmet == 0:
            return 'capable'
        return 'partial' if unmet <= 3 else 'none'

    def get_overdue(self, name):
        today = Pool().get('ir.date').today()
        return bool(self.state == 'draft' and self.due_date
            and self.due_date < today)

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause
        today = Pool().get('ir.date').today()
        domain = [('state', '=', 'draft'), ('due_date', '<', today)]
        if (operator == '=') == bool(value):
            return domain
        return ['OR', ('state', '!=', 'draft'), ('due_date', '=', None),
            ('due_date', '>=', today)]

    def get_rec_name(self, name):
        return f'{self.person.rec_name} @ {self.date or self.due_date}'

    @classmethod
    def check_modification(cls, mode, assessments, values=None,
            external=False):
        super().check_modification(
            mode, assessments, values=values, external=external)
        if mode == 'delete':
            for assessment in assessments:
                if assessment.state == 'done':
                    raise AccessError(gettext(
                            'social_assistance.msg_assessment_delete_done',
                            assessment=assessment.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, assessments):
        for assessment in assessments:
            if assessment.kind != 'imported':
                assessment.level = assessment.on_change_with_level()
            if not assessment.date:
                assessment.date = cls.default_date()
        cls.save(assessments)

    @classmethod
    def on_modification(cls, mode, assessments, field_names=None):
        super().on_modification(mode, assessments, field_names=field_names)
        # The person's level follows the latest done assessment
        if mode == 'create' or (mode == 'write'
                and field_names & {'state', 'date', 'level'}):
            cls.update_persons({a.person for a in assessments})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, assessments):
        pass

    @classmethod
    def open_reassessments(cls, persons, date, change):
        """Open a reassessment of each person for the change reported on
        the date, due within 10 working days (DESIGN.md)"""
        Holiday = Pool().get('social_assistance.holiday')
        due = Holiday.add_working_days(date, REASSESSMENT_WORKING_DAYS)
        return cls.create([{
                    'person': p.id,
                    'kind': 'reassessment',
                    'date': None,
                    'reported_date': date,
                    'change': change,
                    'due_date': due,
                    } for p in persons])

    @classmethod
    def update_persons(cls, persons):
        "Set each person's self-care level from the latest done assessment"
        Person = Pool().get('social_assistance.person')
        to_save = []
        for person in persons:
            done = cls.search([
                    ('person', '=', person.id),
                    ('state', '=', 'done'),
                    ], order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
            level = done[0].level if done else None
            if person.self_care != level:
                person.self_care = level
                to_save.append(person)
        Person.save(to_save)


class ReportChangeStart(ModelView):
    __name__ = 'social_assistance.person.report_change.start'
    __string__ = "Report a Change of Condition"
    date = fields.Date("Reported On", required=True)
    change = fields.Text("Change", required=True)


class ReportChange(Wizard):
    __name__ = 'social_assistance.person.report_change'
    start = StateView('social_assistance.person.report_change.start',
        'social_assistance.person_report_change_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Report", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('social_assistance.act_assessment_form')

    def default_start(self, fields):
        return {'date': Pool().get('ir.date').today()}

    def do_open_(self, action):
        Assessment = Pool().get('social_assistance.assessment')
        assessments = Assessment.open_reassessments(
            self.records, self.start.date, self.start.change)
        action['views'].reverse()
        return action, {'res_id': [a.id for a in assessments]}
