# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Refusing searches and exports that would probe what a user may not read.

Tryton applies the target model's record rules to a search only on plain
Many2One and One2Many steps of a path: Function fields (converted without
access checks) and Many2Many fields (only the relation's rules) let a path
such as 'lot.contracts.assignments.person.id_number' reach records and values
the user may not read.  Its export checks record rules with eval_domain,
which treats a dotted leaf as true.  GuardedSearchMixin is registered as a
mixin of every ModelStorage (tryton.cfg [register_mixin]), so that a new
model is guarded without anyone remembering.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelStorage
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

LOGICAL = {'AND', 'OR'}
WHERE = {'where', 'not where'}
# Leaves that rebuild an identity number: the number itself and the birth
# date (its 8 hidden digits); only the registry searches on them
REGISTRY_LEAVES = {'id_number', 'birth_date'}
# Ids checked by one search: well within the backends' parameter limits
CHUNK = 1000


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


def path_targets(model, path):
    """Yield the model names a path steps into (each segment but the last
    followed to its target), as far as it resolves"""
    for name in path.split('.')[:-1]:
        field = model._fields.get(name)
        if field is None or not hasattr(field, 'get_target'):
            return
        try:
            model = field.get_target()
        except (KeyError, AttributeError):
            return
        yield model.__name__


def in_registry_group():
    "Whether the current user belongs to the registry group"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if not Transaction().user:
        return True
    return ModelData.get_id(
        'social_assistance', 'group_registry') in User.get_groups()


def checking_access():
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


def readable_ids(model, ids):
    "The ids among ids that the user may read under the record rules"
    readable = set()
    with Transaction().set_context(active_test=False):
        for sub_ids in grouped_slice(list(ids), CHUNK):
            readable.update(map(int, model.search(
                        [('id', 'in', list(sub_ids))], order=[])))
    return readable


def check_export(model, records, paths):
    """Raise AccessError unless the user may read the records and every
    record the export paths (lists of field names) reach from them"""
    ids = {r.id for r in records if r.id is not None and r.id >= 0}
    if not ids:
        return
    hidden = ids - readable_ids(model, ids)
    if hidden:
        raise AccessError(gettext(
                'social_assistance.msg_export_forbidden',
                model=model.__names__()['model'],
                ids=', '.join(map(str, sorted(hidden)[:10]))))
    # The records each relational field reaches, and what is exported of
    # them (an empty remainder still exports their rec_name)
    by_field = defaultdict(list)
    for path in paths:
        if not path:
            continue
        name = path[0].split('.')[0].split(':lang=')[0]
        field = model._fields.get(name)
        if field is not None and (
                hasattr(field, 'get_target') or field._type == 'reference'):
            by_field[name].append(path[1:])
    pool = Pool()
    for name, subpaths in by_field.items():
        targets = defaultdict(set)
        for record in model.browse(ids):
            value = getattr(record, name)
            values = value if isinstance(value, (list, tuple)) else [value]
            for target in values:
                if isinstance(target, ModelStorage):
                    targets[target.__name__].add(target)
        for target_name, target_records in targets.items():
            check_export(pool.get(target_name), target_records, subpaths)


class GuardedSearchMixin:
    """Refuse search domains through paths the user may not search, exports
    of records the user may not read, and list revisions of readable records
    only"""
    __slots__ = ()

    @classmethod
    def search(cls, domain, *args, **kwargs):
        if checking_access():
            for path in domain_paths(domain):
                if cls._search_forbidden(path):
                    raise AccessError(gettext(
                            'social_assistance.msg_search_forbidden',
                            path=path, model=cls.__names__()['model']))
        return super().search(domain, *args, **kwargs)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        # Exports return what read would: trytond browses the paths and
        # checks their record rules with eval_domain
        if checking_access():
            check_export(
                cls, records, [n.split('/') for n in fields_names])
        return super().export_data(records, fields_names, header=header)

    @classmethod
    def history_revisions(cls, ids):
        # Tryton only checks the model access here: the record rules decide
        # whose revisions (times and authors) a user may list
        if checking_access():
            ids = list(readable_ids(cls, list(ids)))
        return super().history_revisions(ids)

    @classmethod
    def _search_forbidden(cls, path):
        """Whether the current user may not search on the path: identity
        numbers and birth dates, for users outside the registry"""
        return (path.split('.')[-1] in REGISTRY_LEAVES
            and not in_registry_group())
