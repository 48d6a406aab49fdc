# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Complaints (投诉, DESIGN.md "Complaints"): answered within a number of
working days; a substantiated one opens a rectification as a failed
inspection does and is deducted like one (care_settlement)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement.contract import ContractCompanyMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If

CHANNELS = [
    ('hotline', "12345 Hotline"),
    ('phone', "Phone"),
    ('visit', "Visit"),
    ('letter', "Letter"),
    ]
SUBSTANTIATED = [
    (None, ""),
    ('yes', "Yes"),
    ('no', "No"),
    ]


class Complaint(ContractCompanyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'care.complaint'
    __string__ = "Complaint"
    _history = True
    _rec_name = 'matter'

    _open = {'readonly': Eval('state') != 'open'}

    received_date = fields.Date("Received Date", required=True, states=_open)
    month = fields.Char("Month", readonly=True,
        help="The month of the received date (YYYY-MM): the settlement "
        "month that deducts a substantiated complaint.")
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        states=_open)
    channel_string = channel.translated('channel')
    complainant = fields.Char("Complainant", states=_open)
    complainant_phone = fields.Char("Complainant Phone", states=_open)
    person = fields.Many2One('social_assistance.person', "Person",
        ondelete='RESTRICT', states=_open)
    contract = fields.Many2One('care.contract', "Contract",
        ondelete='RESTRICT', states={
            'readonly': Eval('state') != 'open',
            # A substantiated complaint is charged to a contract
            'required': Eval('substantiated') == 'yes',
            },
        domain=[If(Eval('person'),
                ('assignments.person', '=', Eval('person', -1)),
                ())],
        help="The contract complained about.")
    contractor = fields.Function(fields.Many2One('party.party',
            "Contractor", context={'company': Eval('company', -1)},
            depends={'company'}),
        'get_contractor')
    matter = fields.Text("Matter", required=True, states=_open)
    answer_deadline = fields.Date("Answer Deadline", readonly=True,
        help="Counted in working days from the received date by the "
        "holiday calendar.")
    findings = fields.Text("Findings", states=_open)
    substantiated = fields.Selection(SUBSTANTIATED, "Substantiated",
        states=_open)
    substantiated_string = substantiated.translated('substantiated')
    answer_date = fields.Date("Answer Date", states=_open,
        help="Today when left empty at the answer; the deadline of the "
        "rectification a substantiated complaint opens counts from it.")
    rectifications = fields.One2Many('care.rectification', 'complaint',
        "Rectifications", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Range()),
                    (t.month, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.answer_deadline, Index.Range())),
                })
        cls._order = [('received_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'answered')}
        cls._buttons.update({
                'answer': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_channel():
        return 'hotline'

    @staticmethod
    def default_received_date():
        return Pool().get('ir.date').today()

    def get_contractor(self, name):
        return self.contract.contractor.id if self.contract else None

    @classmethod
    def answer_days(cls):
        return Pool().get('care.configuration')(1).complaint_answer_days

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'received_date' in field_names:
            if self.received_date:
                month = self.received_date.strftime('%Y-%m')
                # Working days by the holiday calendar (DESIGN.md)
                deadline = Pool().get(
                    'social_assistance.holiday').add_working_days(
                    self.received_date, self.answer_days())
                if self.month != month:
                    values['month'] = month
                if self.answer_deadline != deadline:
                    values['answer_deadline'] = deadline
        return values

    @classmethod
    def check_modification(cls, mode, complaints, values=None,
            external=False):
        super().check_modification(
            mode, complaints, values=values, external=external)
        # The answer given, and the deduction it decided, are kept as they
        # are (the transition writes with access checks off)
        if mode == 'delete' or (mode == 'write' and external):
            for complaint in complaints:
                if complaint.state != 'open':
                    raise AccessError(gettext(
                            'care_visit.msg_complaint_answered',
                            complaint=complaint.rec_name))

    def check_answer(self):
        "An answer states the findings and whether the complaint holds"
        if not self.findings or not self.substantiated:
            raise ValidationError(gettext(
                    'care_visit.msg_complaint_answer_incomplete',
                    complaint=self.rec_name))
        if self.substantiated == 'yes' and not self.contract:
            raise ValidationError(gettext(
                    'care_visit.msg_complaint_substantiated_contract',
                    complaint=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer(cls, complaints):
        """Answer the complaints; the substantiated ones open a
        rectification as a failed inspection does"""
        pool = Pool()
        Rectification = pool.get('care.rectification')
        today = pool.get('ir.date').today()
        for complaint in complaints:
            complaint.check_answer()
        undated = [c for c in complaints if not c.answer_date]
        if undated:
            cls.write(undated, {'answer_date': today})
        Rectification.open_for([
                {'complaint': c, 'contract': c.contract,
                    'requirement': c.findings, 'date': c.answer_date}
                for c in complaints if c.substantiated == 'yes'])

