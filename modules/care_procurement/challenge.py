# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Challenges (质疑) of a procurement's result by a supplier: received
within the challenge window (政府采购法第五十二条), answered within 7 working
days (政府采购法第五十三条).  An upheld challenge re-opens the evaluation
(政府采购质疑和投诉办法第十六条); while one is open no contract of the
procurement is signed (see contract_calendar)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval

# 政府采购法第五十三条
ANSWER_WORKING_DAYS = 7


class Challenge(Workflow, ModelSQL, ModelView):
    __name__ = 'care.procurement.challenge'
    __string__ = "Procurement Challenge"
    _history = True

    _open = {'readonly': Eval('state') != 'open'}

    procurement = fields.Many2One('care.procurement', "Procurement",
        required=True, ondelete='RESTRICT', states=_open,
        domain=[('state', 'in', ['evaluating', 'awarded', 'failed'])])
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')
    lot = fields.Many2One('care.procurement.lot', "Lot",
        ondelete='RESTRICT', states=_open,
        domain=[('procurement', '=', Eval('procurement', -1))],
        help="The lot challenged; empty for the whole procurement.")
    received_date = fields.Date("Received", required=True, states=_open,
        help="The day the written challenge was received.")
    supplier = fields.Many2One('party.party', "Supplier", required=True,
        ondelete='RESTRICT', states=_open,
        context={'company': Eval('company', -1)}, depends={'company'})
    matter = fields.Text("Matter", required=True, states=_open,
        help="What the supplier challenges, with its facts and grounds.")
    answer_deadline = fields.Date("Answer Deadline", readonly=True,
        help="7 working days after receipt (Government Procurement Law, art. 53).")
    answer_date = fields.Date("Answer Date", states=_open)
    answer = fields.Text("Answer", states=_open)
    outcome = fields.Selection([
            (None, ""),
            ('rejected', "Not Upheld"),
            ('upheld', "Upheld"),
            ], "Outcome", states=_open,
        help="An upheld challenge re-opens the evaluation of the lot "
        "(or of the procurement).")
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ], "State", readonly=True, required=True)

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.procurement, Index.Range())),
                Index(t, (t.state, Index.Equality())),
                })
        cls._order = [('received_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'answered')}
        cls._buttons.update({
                'answer_': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_received_date():
        return Pool().get('ir.date').today()

    @fields.depends('procurement', '_parent_procurement.company')
    def on_change_with_company(self, name=None):
        return self.procurement.company if self.procurement else None

    @classmethod
    def search_company(cls, name, clause):
        return [('procurement.' + clause[0], *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.procurement.rec_name} / {self.supplier.rec_name}'

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'received_date' in field_names:
            deadline = self.legal_deadlines()['answer_deadline']
            if deadline != self.answer_deadline:
                values['answer_deadline'] = deadline
        return values

    def legal_deadlines(self):
        Holiday = Pool().get('social_assistance.holiday')
        return {'answer_deadline': Holiday.add_working_days(
                self.received_date, ANSWER_WORKING_DAYS)
            if self.received_date else None}

    @classmethod
    def update_legal_deadlines(cls, challenges):
        "Count the deadlines again (after the holiday calendar changed)"
        cls._compute_fields(challenges)

    @classmethod
    def validate_fields(cls, challenges, field_names):
        super().validate_fields(challenges, field_names)
        if field_names & {'received_date', 'procurement'}:
            for challenge in challenges:
                challenge.check_window()

    def check_window(self):
        "A challenge of the result comes within the challenge window"
        end = self.procurement.challenge_end
        if end and self.received_date > end:
            raise ValidationError(gettext(
                    'care_procurement.msg_challenge_late',
                    challenge=self.rec_name, received=self.received_date,
                    end=end))

    @classmethod
    def check_modification(cls, mode, challenges, values=None,
            external=False):
        super().check_modification(
            mode, challenges, values=values, external=external)
        if mode == 'delete':
            for challenge in challenges:
                if challenge.state != 'open':
                    raise AccessError(gettext(
                            'care_procurement.msg_challenge_delete',
                            challenge=challenge.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer_(cls, challenges):
        """Record the answer; an upheld challenge re-opens the evaluation
        of its lot, or of the whole procurement"""
        today = Pool().get('ir.date').today()
        for challenge in challenges:
            if not challenge.outcome or not (challenge.answer or '').strip():
                raise ValidationError(gettext(
                        'care_procurement.msg_challenge_answer_required',
                        challenge=challenge.rec_name))
            if not challenge.answer_date:
                challenge.answer_date = today
        cls.save(challenges)
        cls.reopen([c for c in challenges if c.outcome == 'upheld'])

    @classmethod
    def reopen(cls, challenges):
        """Put the challenged lots back to open (their draft contracts are
        deleted) and their procurements back to the evaluation; refused
        when a contract of them has been signed and runs"""
        pool = Pool()
        Procurement = pool.get('care.procurement')
        Lot = pool.get('care.procurement.lot')
        Contract = pool.get('care.contract')
        lots = set()
        for challenge in challenges:
            if challenge.lot:
                lots.add(challenge.lot)
            else:
                lots.update(l for l in challenge.procurement.lots
                    if l.state == 'awarded')
        lots = sorted(lots, key=lambda l: l.id)
        contracts = [c for l in lots for c in l.contracts]
        for contract in contracts:
            if contract.state != 'draft':
                raise ValidationError(gettext(
                        'care_procurement.msg_challenge_contract_running',
                        contract=contract.rec_name,
                        lot=contract.lot.rec_name))
        Contract.delete(contracts)
        Lot.write(lots, {'state': 'open', 'awarded_bid': None})
        Procurement.reopen_evaluation(list({
                    c.procurement for c in challenges
                    if c.procurement.state == 'awarded'}))
