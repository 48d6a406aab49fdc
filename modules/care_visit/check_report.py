# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed spot-check record (探访抽查记录表) and rectification notice
(整改通知书)."""
from trytond.modules.company import CompanyReport

from .local_time import to_local


class _SupervisionReport(CompanyReport):
    "A report headed by the company of the record (its contract's)"

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


class CheckReport(_SupervisionReport):
    "The record of spot checks, to be signed on site"
    __name__ = 'care.check'


class RectificationNoticeReport(_SupervisionReport):
    "The notice to a contractor to rectify what an inspection found"
    __name__ = 'care.rectification.notice'
