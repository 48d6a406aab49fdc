# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The award notice (中标/成交结果公告) of a procurement and the award letter
(中标/成交通知书) of each awarded lot."""
from types import SimpleNamespace

from trytond.modules.company import CompanyReport
from trytond.pool import Pool

from .bid import USCC
from .contract_calendar import SIGNING_DAYS

TENDER_METHODS = {'open_tender', 'invited_tender'}


def credit_code(party):
    "The party's 统一社会信用代码"
    for identifier in party.identifiers:
        if identifier.type == USCC:
            return identifier.code
    return ''


def lot_row(lot):
    "What the notice and the letter print of a lot"
    bid = lot.awarded_bid if lot.state == 'awarded' else None
    return SimpleNamespace(
        lot=lot,
        name=lot.name,
        awarded=bool(bid),
        winner=bid.contractor.name if bid else '',
        code=credit_code(bid.contractor) if bid else '',
        amount=bid.total if bid else None,
        failure=lot.failure_reason or '',
        )


class AwardReportMixin:
    __slots__ = ()

    @classmethod
    def get_context(cls, records, header, data):
        Procurement = Pool().get('care.procurement')
        context = super().get_context(records, header, data)
        context['methods'] = dict(
            Procurement.fields_get(['method'])['method']['selection'])
        context['lot_row'] = lot_row
        context['signing_days'] = SIGNING_DAYS
        # The tenders award a 中标, the other methods a 成交 (the template
        # says which)
        context['tender_methods'] = TENDER_METHODS
        return context


class AwardNoticeReport(AwardReportMixin, CompanyReport):
    "The result notice of the procurements"
    __name__ = 'care.procurement.award_notice'


class AwardLetterReport(AwardReportMixin, CompanyReport):
    "The award letter of the awarded lots, addressed to their winners"
    __name__ = 'care.procurement.award_letter'

    @classmethod
    def header_key(cls, record, data):
        # A lot's company is its procurement's
        return super(CompanyReport, cls).header_key(record, data) + (
            ('company', record.procurement.company),
            )

    @classmethod
    def _get_records(cls, ids, model, data):
        Lot = Pool().get('care.procurement.lot')
        # A letter is printed from the procurement too: one per awarded lot
        if model == 'care.procurement':
            ids = [l.id for l in Lot.search([
                        ('procurement', 'in', ids),
                        ('state', '=', 'awarded'),
                        ], order=[('procurement', 'ASC'), ('name', 'ASC'),
                        ('id', 'ASC')])]
            model = Lot.__name__
        return super()._get_records(ids, model, data)
