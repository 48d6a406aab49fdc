# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Refusing searches and exports that would probe what a user may not read.

Trytond 8.0's fields would apply the target model's record rules to a
relational path, but ModelSQL.search_domain converts the whole domain
without access checks, where ir.rule gives no rule: only the searched
model's rules apply, so a path such as
'lot.contracts.assignments.person.id_number' from a public lot reached every
contractor's persons.  Its export checks record rules with eval_domain,
which treats a dotted leaf as true.  GuardedSearchMixin (registered as a
mixin of every ModelStorage in tryton.cfg [register_mixin], so that a new
model is guarded without anyone remembering) puts the rules back into the
paths, refuses the paths to values the user may not search at all, and
checks exports and revisions against the rules.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelStorage, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

LOGICAL = {'AND', 'OR'}
WHERE = {'where', 'not where'}
# Leaves that rebuild an identity number: the number itself and the birth
# date (its 8 hidden digits, which turning_adult narrows to 90 days); only
# the registry searches on them
REGISTRY_LEAVES = {'id_number', 'caregiver_id_number', 'birth_date',
    'turning_adult'}
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


def negative(operator, value):
    "Whether trytond's Many2One adds 'or empty' to a path's clause"
    return ((operator.startswith('not')
            and not (operator == 'not in' and None in value))
        or (operator == '!=' and value is not None))


def ruled_domain(model, domain):
    """The domain with the read rules of every model a relational path
    steps into: ModelSQL.search_domain converts a domain without access
    checks, so trytond's fields apply no rule inside a path (only the
    searched model's rules apply).  ('contract.number', '=', x) becomes
    ('contract', 'where', [('number', '=', x), <contract's rules>])."""
    pool = Pool()
    Rule = pool.get('ir.rule')
    ModelAccess = pool.get('ir.model.access')
    ModelFieldAccess = pool.get('ir.model.field.access')

    def convert(model, clause):
        if isinstance(clause, str) or not isinstance(clause, (list, tuple)):
            return clause
        if not (len(clause) >= 3 and isinstance(clause[0], str)
                and clause[0] not in LOGICAL and isinstance(clause[1], str)):
            return type(clause)(convert(model, c) for c in clause)
        name, operator, value = clause[:3]
        head, _, rest = name.partition('.')
        field = model._fields.get(head)
        relational = (field is not None
            and field._type in {'many2one', 'one2many', 'many2many'}
            and not isinstance(field, fields.Function)
            and len(clause) == 3)
        if not relational or not (rest or operator in WHERE):
            return clause
        target = field.get_target()
        if rest:
            # The accesses ModelStorage.search checks on the dotted name,
            # checked here before the name goes into a 'where'
            ModelAccess.check(target.__name__, 'read')
            ModelFieldAccess.check(target.__name__, [rest.split('.')[0]],
                'read')
            sub_domain = [convert(target, (rest, operator, value))]
            operator = 'where'
        else:
            sub_domain = convert(target, value)
        rule = Rule.domain_get(target.__name__, mode='read')
        if rule:
            sub_domain = [sub_domain, rule]
        elif rest and sub_domain == [(rest, clause[1], value)]:
            # No rule on the way: the clause as given
            return clause
        if (rest and field._type == 'many2one'
                and negative(clause[1], value)):
            # A negative clause on a Many2One path also matches the
            # records without a target
            return ['OR', (head, operator, sub_domain), (head, '=', None)]
        return (head, operator, sub_domain)

    return convert(model, domain)


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
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            **kwargs):
        if checking_access():
            for path in domain_paths(domain):
                if cls._search_forbidden(path):
                    raise AccessError(gettext(
                            'social_assistance.msg_search_forbidden',
                            path=path, model=cls.__names__()['model']))
            domain = ruled_domain(cls, domain)
            if order and not in_registry_group():
                # An order is a probe too: the rows' order tells the order
                # of the hidden digits.  Left out, not refused: the client
                # sorts lists by the number column
                order = [o for o in order
                    if not (o and isinstance(o[0], str)
                        and o[0].split('.')[-1] in REGISTRY_LEAVES)
                    ] or [('id', 'ASC')]
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, **kwargs)

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
