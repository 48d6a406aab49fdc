# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The legal deadlines (法定期限) of the procurements, their contracts and
challenges, in one list: those due in the next working days and those
missed.

The deadlines are stored on their records (procurement_calendar,
contract_calendar, challenge), computed with the holiday calendar when the
dates they count from are written: the list is then a plain SQL union,
searchable and countable, which a Function field computed in Python for
each row would not be.  When the holiday calendar changes, the deadlines
not yet done are counted again (Holiday.on_modification)."""
from sql import Literal, Null, Union
from sql.conditionals import Case
from sql.operators import Concat

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

KINDS = [
    ('notice', "Result Notice"),
    ('award_letter', "Award Letter"),
    ('challenge_answer', "Challenge Answer"),
    ('signing', "Contract Signing"),
    ('publication', "Contract Publication"),
    ('filing', "Contract Filing"),
    ]
# How far ahead "due soon" looks
SOON_WORKING_DAYS = 5


class Deadline(ModelSQL, ModelView):
    __name__ = 'care.procurement.deadline'
    __string__ = "Legal Deadline"

    company = fields.Many2One('company.company', "Company", readonly=True)
    procurement = fields.Many2One('care.procurement', "Procurement",
        readonly=True)
    record = fields.Reference("Record", selection=[
            ('care.procurement', "Procurement"),
            ('care.contract', "Contract"),
            ('care.procurement.challenge', "Challenge"),
            ], readonly=True)
    kind = fields.Selection(KINDS, "Kind", readonly=True)
    deadline = fields.Date("Deadline", readonly=True)
    done_date = fields.Date("Done", readonly=True)
    state = fields.Selection([
            ('due', "Due"),
            ('missed', "Missed"),
            ('done', "Done"),
            ], "State", readonly=True)
    due_soon = fields.Boolean("Due Soon", readonly=True,
        help="Due within the next 5 working days.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]

    @classmethod
    def rows(cls):
        """(from, table, model, kind, company, procurement, deadline, done,
        where) of each kind of deadline: the rows come from table"""
        pool = Pool()
        Procurement = pool.get('care.procurement')
        Lot = pool.get('care.procurement.lot')
        Contract = pool.get('care.contract')
        Challenge = pool.get('care.procurement.challenge')
        procurement = Procurement.__table__()
        contract = Contract.__table__()
        lot = Lot.__table__()
        challenge = Challenge.__table__()
        challenged = Procurement.__table__()
        awarded = procurement.award_date != Null
        for kind, done in [
                ('notice', procurement.notice_date),
                ('award_letter', procurement.award_letter_date)]:
            yield (procurement, procurement, 'care.procurement', kind,
                procurement.company, procurement.id,
                procurement.notice_deadline, done, awarded)
        contracts = contract.join(lot, condition=contract.lot == lot.id)
        for kind, deadline, done in [
                ('signing', contract.signing_deadline, contract.signed_date),
                ('publication', contract.publication_deadline,
                    contract.published_date),
                ('filing', contract.filing_deadline, contract.filed_date)]:
            yield (contracts, contract, 'care.contract', kind,
                contract.company, lot.procurement, deadline, done,
                (deadline != Null) & (contract.state != 'terminated')
                | (done != Null))
        challenges = challenge.join(challenged,
            condition=challenge.procurement == challenged.id)
        yield (challenges, challenge, 'care.procurement.challenge',
            'challenge_answer',
            challenged.company, challenge.procurement,
            challenge.answer_deadline, challenge.answer_date,
            challenge.answer_deadline != Null)

    @classmethod
    def table_query(cls):
        pool = Pool()
        Holiday = pool.get('social_assistance.holiday')
        today = pool.get('ir.date').today()
        soon = Holiday.add_working_days(today, SOON_WORKING_DAYS)
        codes = {k: i for i, (k, _) in enumerate(KINDS, start=1)}
        queries = []
        for (from_, table, model, kind, company, procurement, deadline, done,
                where) in cls.rows():
            # Unique ids: the record's id and the kind's code
            queries.append(from_.select(
                    (table.id * 10 + codes[kind]).as_('id'),
                    table.create_uid.as_('create_uid'),
                    table.create_date.as_('create_date'),
                    table.write_uid.as_('write_uid'),
                    table.write_date.as_('write_date'),
                    company.as_('company'),
                    procurement.as_('procurement'),
                    Concat(model + ',', table.id).as_('record'),
                    Literal(kind).as_('kind'),
                    deadline.as_('deadline'),
                    done.as_('done_date'),
                    Case((done != Null, 'done'),
                        (deadline < Literal(today), 'missed'),
                        else_='due').as_('state'),
                    Case(((done == Null) & (deadline >= Literal(today))
                            & (deadline <= Literal(soon)), Literal(True)),
                        else_=Literal(False)).as_('due_soon'),
                    where=where))
        return Union(*queries, all_=True)


class Holiday(metaclass=PoolMeta):
    __name__ = 'social_assistance.holiday'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        # Stored deadlines were counted with the former calendar (deleted
        # days are gone only once on_delete's callbacks run)
        if mode != 'delete':
            cls._update_legal_deadlines_after_change()

    @classmethod
    def on_delete(cls, records):
        return super().on_delete(records) + [
            cls._update_legal_deadlines_after_change]

    @classmethod
    def _update_legal_deadlines_after_change(cls):
        # Not while modules load their data: care_procurement's columns may
        # not be there yet (a database updated from before the calendar)
        if not Transaction().context.get('module'):
            cls._calendar_cache.clear()
            cls.update_legal_deadlines()

    @classmethod
    def update_legal_deadlines(cls):
        "Count again the deadlines of the procurements not yet done"
        pool = Pool()
        Procurement = pool.get('care.procurement')
        Contract = pool.get('care.contract')
        Challenge = pool.get('care.procurement.challenge')
        # Whoever edits the calendar, every record's deadline follows it
        with without_check_access():
            Procurement.update_legal_deadlines(Procurement.search([
                        ('award_date', '!=', None),
                        ('state', 'not in', ['cancelled']),
                        ]))
            Contract.update_legal_deadlines(Contract.search([
                        ('lot', '!=', None),
                        ('state', 'in', ['draft', 'running']),
                        ]))
            Challenge.update_legal_deadlines(Challenge.search([]))
