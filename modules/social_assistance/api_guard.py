# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the web API (JSON-RPC and REST) may not do however the user asks.

- A button whose RPC asks for a fresh login (`fresh_session`: approvals,
  payments, cancellations) is refused to a user-application key: Tryton's
  REST protocol calls buttons without the session check that the JSON-RPC
  dispatcher makes, and a key is never a fresh login.
- A search over RPC returns at most RPC_SEARCH_LIMIT records a call: a
  search without a limit over a province's visits holds a connection and
  gigabytes for minutes (sao pages by 1,000 already).
"""
import copy
from functools import wraps

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

RPC_SEARCH_LIMIT = 1000
# The attribute of the transaction that says a user-application key
# authenticated it (the transaction of a REST request); not a context key,
# which a REST caller can set in its X-Tryton-Context header
APPLICATION_KEY = 'care_application_key'


def by_application_key():
    "Whether a user-application key authenticated the current transaction"
    return getattr(Transaction(), APPLICATION_KEY, None) is not None


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'

    @classmethod
    def check(cls, key, application):
        record = super().check(key, application)
        if record:
            # the transaction is the request's: it ends with it
            setattr(Transaction(), APPLICATION_KEY, application)
        return record


class ModelButton(metaclass=PoolMeta):
    __name__ = 'ir.model.button'

    @classmethod
    def get_groups(cls, model, name):
        # Every button call with access checks asks here who may press it:
        # the one place that sees REST calls of fresh-session buttons
        if by_application_key():
            rpc = Pool().get(model).__rpc__.get(name)
            if rpc is not None and rpc.fresh_session:
                raise AccessError(gettext(
                        'social_assistance.msg_button_fresh_login',
                        button=name, model=model))
        return super().get_groups(model, name)


# The most conditions a domain sent over RPC may hold: a client builds a
# few dozen; thousands only make a statement the database cannot plan
RPC_DOMAIN_SIZE = 1000
DIRECTIONS = {f'{d}{n}' for d in ['ASC', 'DESC']
    for n in ['', ' NULLS FIRST', ' NULLS LAST']}


def domain_size(domain):
    "The number of conditions of DOMAIN, nested ones included"
    if isinstance(domain, (list, tuple)):
        if domain and isinstance(domain[0], str) and domain[0] not in {
                'AND', 'OR'}:
            return 1
        return sum(domain_size(d) for d in domain)
    return 0


def check_domain(Model, domain):
    "Refuse a domain too large to be a person's search"
    size = domain_size(domain)
    if size > RPC_DOMAIN_SIZE:
        raise ValidationError(gettext(
                'social_assistance.msg_rpc_domain_too_large',
                model=Model.__name__, size=size, maximum=RPC_DOMAIN_SIZE))


def check_order(Model, order):
    """Refuse an order that is not [field path, direction] pairs on
    stored (or orderable) fields, before the ORM builds SQL of it"""
    pool = Pool()
    for item in order or []:
        valid = (isinstance(item, (list, tuple)) and 1 <= len(item) <= 2
            and all(isinstance(i, str) for i in item)
            and (len(item) == 1 or item[1].upper() in DIRECTIONS))
        model = Model
        names = item[0].split('.') if valid else []
        for i, name in enumerate(names):
            field = model._fields.get(name) if model else None
            if field is None:
                valid = False
                break
            if isinstance(field, fields.Function) and not getattr(
                    model, f'order_{name}', None):
                # no SQL for it: the ORM would fail on it
                valid = False
                break
            if i < len(names) - 1:
                target = getattr(field, 'model_name', None)
                if field._type != 'many2one' or not target:
                    valid = False
                    break
                model = pool.get(target)
        if not valid:
            raise ValidationError(gettext(
                    'social_assistance.msg_rpc_order_invalid',
                    model=Model.__name__, order=str(item)[:200]))


def guard_search(Model, position):
    """A decorator of an RPC search method whose argument at POSITION (or
    keyword limit) is its limit: the domain and order are checked, and a
    limit that is none or above RPC_SEARCH_LIMIT becomes RPC_SEARCH_LIMIT"""
    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            args = list(args)
            check_domain(Model, kwargs.get('domain', args[0] if args else []))
            if position is None:
                # search_count: no limit nor order
                return func(*args, **kwargs)
            order = kwargs.get('order',
                args[position + 1] if len(args) > position + 1 else None)
            check_order(Model, order)
            if 'limit' in kwargs or len(args) <= position:
                limit = kwargs.get('limit')
                if limit is None or limit > RPC_SEARCH_LIMIT:
                    kwargs['limit'] = RPC_SEARCH_LIMIT
            else:
                limit = args[position]
                if limit is None or limit > RPC_SEARCH_LIMIT:
                    args[position] = RPC_SEARCH_LIMIT
            return func(*args, **kwargs)
        return wrapper
    return decorator


class RPCSearchLimitMixin:
    """Bounds search and search_read over JSON-RPC (the decorator of their
    RPC) and over REST (search_read of a key's transaction)"""
    __slots__ = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        for name, position in [
                ('search', 2), ('search_read', 2), ('search_count', None)]:
            rpc = cls.__rpc__.get(name)
            if rpc is not None and rpc.decorator is None:
                # the dispatcher calls rpc.decorate(method) with the
                # caller's arguments (domain, offset, limit, order, ...);
                # a copy, as another model may share the RPC
                rpc = copy.copy(rpc)
                rpc.decorator = guard_search(cls, position)
                cls.__rpc__[name] = rpc

    @classmethod
    def search_read(cls, domain, offset=0, limit=None, order=None,
            fields_names=None):
        # REST lists call search_read directly, unbounded without a Range
        if by_application_key() and (
                limit is None or limit > RPC_SEARCH_LIMIT):
            limit = RPC_SEARCH_LIMIT
        return super().search_read(domain, offset=offset, limit=limit,
            order=order, fields_names=fields_names)


class Person(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.person'


class Guardian(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.guardian'


class Assessment(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.assessment'


class ChangeReport(RPCSearchLimitMixin, metaclass=PoolMeta):
    __name__ = 'social_assistance.change_report'
