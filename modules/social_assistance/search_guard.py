# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Refusing searches that would probe what a user may not read.

Tryton applies the target model's record rules to a search only at the top:
a relational path in a domain (e.g. 'person.id_number' or 'bids.lines.
unit_price') is searched without them.  Models whose paths reach protected
values refuse such domains from users who may not read those values.
"""
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.transaction import Transaction

LOGICAL = {'AND', 'OR'}
WHERE = {'where', 'not where'}


def domain_paths(domain, prefix=''):
    "Yield the field paths the leaves of a domain search on"
    for clause in domain or []:
        if isinstance(clause, str):
            continue
        if (isinstance(clause, (list, tuple)) and len(clause) >= 3
                and isinstance(clause[0], str) and clause[0] not in LOGICAL
                and isinstance(clause[1], str)):
            path = prefix + clause[0]
            yield path
            if clause[1] in WHERE:
                yield from domain_paths(clause[2], path + '.')
        elif isinstance(clause, (list, tuple)):
            yield from domain_paths(clause, prefix)


class GuardedSearchMixin:
    """Refuse search domains through paths the user may not search, and list
    revisions of readable records only"""
    __slots__ = ()

    @classmethod
    def search(cls, domain, *args, **kwargs):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            for path in domain_paths(domain):
                if cls._search_forbidden(path):
                    raise AccessError(gettext(
                            'social_assistance.msg_search_forbidden',
                            path=path, model=cls.__names__()['model']))
        return super().search(domain, *args, **kwargs)

    @classmethod
    def history_revisions(cls, ids):
        # Tryton only checks the model access here: the record rules decide
        # whose revisions (times and authors) a user may list
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            ids = list(map(int, cls.search([('id', 'in', list(ids))])))
        return super().history_revisions(ids)

    @classmethod
    def _search_forbidden(cls, path):
        """Whether the current user may not search on the path: identity
        numbers, for users who see them masked"""
        from .person import MaskedIdNumberMixin
        return (path.split('.')[-1] == 'id_number'
            and MaskedIdNumberMixin._mask_id_numbers())
