# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A death report is a fact of the visit rules: the person's visits are
flagged at once, before the registry confirms the death."""
from trytond.pool import PoolMeta

from .facts import VisitFactsMixin


class ChangeReport(VisitFactsMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.change_report'
    # The reported-dead flag reads these (a report of another kind
    # re-evaluates one person's visits: cheap and always right)
    _visit_fact_fields = {'person', 'kind', 'date', 'state'}

