# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The legal calendar of a procurement: the result notice (结果公告), the
award letter (中标/成交通知书) and the challenge window (质疑期).

The deadlines are stored, computed from the holiday calendar whenever the
dates they count from are written (compute_fields), and again when the
calendar changes (see deadline.Holiday): the list of legal deadlines
(care.procurement.deadline) is then one SQL query, where the holiday
calendar, which only Python knows how to count, is not available."""
from trytond.model import Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import without_check_access

# 政府采购法实施条例第四十三条: the notice and the award letter within 2
# working days of the award, the notice published for 1 working day
NOTICE_WORKING_DAYS = 2
NOTICE_PERIOD_WORKING_DAYS = 1
# 政府采购法第五十二条: challenges within 7 working days; for the result,
# from the end of its notice period (实施条例第五十三条第三项)
CHALLENGE_WORKING_DAYS = 7

DEADLINE_FIELDS = ['notice_deadline', 'notice_end', 'challenge_end']


class Procurement(metaclass=PoolMeta):
    __name__ = 'care.procurement'

    _awarded = {'readonly': Eval('state') != 'awarded'}

    notice_deadline = fields.Date("Result Notice Deadline", readonly=True,
        help="2 working days after the award: the result notice and the "
        "award letters are due (Implementing Regulations of the Government Procurement Law, art. 43).")
    notice_date = fields.Date("Result Notice Published", states=_awarded,
        domain=[If(Eval('notice_date') & Eval('award_date'),
                ('notice_date', '>=', Eval('award_date')), ())],
        help="The day the result notice was published.")
    notice_end = fields.Date("Notice Period Ends", readonly=True,
        help="The notice is published for 1 working day.")
    award_letter_date = fields.Date("Award Letter Issued", states=_awarded,
        domain=[If(Eval('award_letter_date') & Eval('award_date'),
                ('award_letter_date', '>=', Eval('award_date')), ())],
        help="The day the award letters were issued, "
        "with the notice.")
    challenge_end = fields.Date("Challenge Window Ends", readonly=True,
        help="Suppliers may challenge the result within 7 working days of "
        "the end of the notice period (Government Procurement Law, art. 52).")
    challenges = fields.One2Many('care.procurement.challenge', 'procurement',
        "Challenges", readonly=True)

    del _awarded

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # An upheld challenge re-opens the evaluation
        cls._transitions |= {('awarded', 'evaluating')}

    @classmethod
    def copy(cls, procurements, default=None):
        # A copy is a new procurement: notified and challenged on its own
        default = default.copy() if default is not None else {}
        for name in ['notice_date', 'award_letter_date', 'challenges']:
            default.setdefault(name, None)
        return super().copy(procurements, default=default)

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or {'award_date', 'notice_date'} & set(field_names)):
            deadlines = self.legal_deadlines()
            values.update({k: v for k, v in deadlines.items()
                    if getattr(self, k) != v})
        return values

    def legal_deadlines(self):
        "The deadlines of the calendar, from the holiday calendar"
        Holiday = Pool().get('social_assistance.holiday')
        notice_deadline = notice_end = challenge_end = None
        if self.award_date:
            notice_deadline = Holiday.add_working_days(
                self.award_date, NOTICE_WORKING_DAYS)
        if self.notice_date:
            notice_end = Holiday.add_working_days(
                self.notice_date, NOTICE_PERIOD_WORKING_DAYS)
            challenge_end = Holiday.add_working_days(
                notice_end, CHALLENGE_WORKING_DAYS)
        return {
            'notice_deadline': notice_deadline,
            'notice_end': notice_end,
            'challenge_end': challenge_end,
            }

    @classmethod
    def on_modification(cls, mode, procurements, field_names=None):
        pool = Pool()
        Contract = pool.get('care.contract')
        super().on_modification(mode, procurements, field_names=field_names)
        # The contracts' signing deadline counts from the award letter
        if mode == 'write' and 'award_letter_date' in (field_names or []):
            contracts = Contract.search([
                    ('lot.procurement', 'in', [p.id for p in procurements]),
                    ])
            Contract.update_legal_deadlines(contracts)

    @classmethod
    def update_legal_deadlines(cls, procurements):
        "Count the deadlines again (after the holiday calendar changed)"
        cls._compute_fields(procurements)

    def has_open_challenge(self, date=None):
        """Whether a challenge of the procurement awaits its answer (one
        received by date, when given)"""
        Challenge = Pool().get('care.procurement.challenge')
        domain = [
            ('procurement', '=', self.id),
            ('state', '=', 'open'),
            ]
        if date:
            domain.append(('received_date', '<=', date))
        # Whoever signs, every challenge counts (they are the officers')
        with without_check_access():
            return bool(Challenge.search(domain, limit=1))

    @classmethod
    @Workflow.transition('evaluating')
    def reopen_evaluation(cls, procurements):
        """Back to the evaluation (after an upheld challenge): the award,
        its notice and letters are void and will be made again"""
        cls.write(procurements, {
                'award_date': None,
                'notice_date': None,
                'award_letter_date': None,
                })
