# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed spot-check record (探访抽查记录表) and rectification notice
(整改通知书)."""
from trytond.modules.company import CompanyReport
from trytond.pool import Pool

from .local_time import to_local


def selections(Model, *names):
    """{field name: {value: label}} of the selection fields, labels in the
    language of the transaction"""
    definitions = Model.fields_get(list(names))
    return {n: dict(definitions[n]['selection']) for n in names}


class _ContractCompanyReport(CompanyReport):
    "A report headed by the company of the record's contract"

    @classmethod
    def header_key(cls, record, data):
        # The records have no company of their own but their contract's
        return super(CompanyReport, cls).header_key(record, data) + (
            ('company', record.contract.company),
            )

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['format_local'] = cls.format_local
        return context

    @classmethod
    def format_local(cls, value, format='%Y-%m-%d %H:%M'):
        "A naive UTC datetime as Asia/Shanghai wall time"
        if value is None:
            return ''
        return to_local(value).strftime(format)


class CheckReport(_ContractCompanyReport):
    "The record of spot checks, to be signed on site"
    __name__ = 'care.check'

    @classmethod
    def get_context(cls, records, header, data):
        Check = Pool().get('care.check')
        context = super().get_context(records, header, data)
        context['labels'] = selections(Check,
            'method', 'delivered', 'on_time', 'result')
        return context


class RectificationNoticeReport(_ContractCompanyReport):
    "The notice to a contractor to rectify what an inspection found"
    __name__ = 'care.rectification.notice'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Check = pool.get('care.check')
        Rectification = pool.get('care.rectification')
        context = super().get_context(records, header, data)
        context['labels'] = selections(Check, 'method', 'result')
        context['labels'].update(selections(Rectification, 'state'))
        return context
