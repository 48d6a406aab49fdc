"""care checks plan --month YYYY-MM: draw the month's county spot-check
plan."""
import sys

from . import database as db
from .i18n import _
from .tabular import UnusableInput


def add_parser(subparsers):
    checks = subparsers.add_parser('checks', help=_('spot checks'),
        description=_('Spot checks of the visits (DESIGN.md).'))
    actions = checks.add_subparsers(title=_('actions'), metavar='ACTION')
    actions.required = True
    plan = actions.add_parser('plan',
        help=_("draw a month's county spot-check plan"),
        description=_('Draw the county spot-check plan of a month (one a '
            'month): on every running contract, min(n, max(MINIMUM, '
            'ceil(RATE x n))) of the n persons assigned and active in the '
            'month, first those at risk (a flagged visit, or no accepted '
            'visit). The rate, minimum and seed are stored with the plan, '
            'so that anyone can re-derive the sample.'))
    plan.add_argument('--month', required=True, metavar='YYYY-MM')
    plan.add_argument('--rate', type=float, default=0.10,
        help=_('share of the persons assigned to inspect (default: 0.10)'))
    plan.add_argument('--minimum', type=int, default=3,
        help=_('persons inspected at least on each contract (default: 3)'))
    plan.add_argument('--seed', type=int,
        help=_('seed of the draw (default: a fresh random number)'))
    plan.set_defaults(func=run_plan)


def run_plan(args):
    from trytond.modules.care_procurement.service_list import MONTH
    if not MONTH.match(args.month):
        raise UnusableInput(_('Not a month written YYYY-MM: %s') % args.month)
    if not 0 < args.rate <= 1:
        raise UnusableInput(_('The rate must lie in (0, 1]: %s') % args.rate)
    if args.minimum < 0:
        raise UnusableInput(
            _('The minimum must not be negative: %s') % args.minimum)
    plan = draw_plan(args.database, args.month, args.rate, args.minimum,
        args.seed)
    print(_('checks: %(checks)s drawn for %(month)s on %(contracts)s '
            'contracts (%(flagged)s flagged, %(unserved)s not served), '
            'seed %(seed)s') % plan)
    return 0


def draw_plan(database, month, rate, minimum, seed=None, out=sys.stdout):
    "Create and draw the plan; return a summary dictionary"
    return db.retried(_draw_plan, database, month, rate, minimum, seed)


def _draw_plan(database, month, rate, minimum, seed):
    from decimal import Decimal
    from trytond.exceptions import UserError
    with db.session(database) as pool:
        Plan = pool.get('care.check.plan')
        try:
            Plan(month=month).check_month_ended()
        except UserError as error:
            # A month that has not ended is an unusable argument: exit 2
            raise UnusableInput(error.message)
        values = {'kind': 'county', 'month': month,
            'rate': Decimal(str(rate)),
            'minimum': minimum}
        if seed is not None:
            values['seed'] = seed
        plan, = Plan.create([values])
        Plan.draw([plan])
        plan = Plan(plan.id)
        return {
            'month': plan.month,
            'seed': plan.seed,
            'checks': len(plan.checks),
            'contracts': len({c.contract.id for c in plan.checks}),
            'flagged': sum(1 for c in plan.checks if c.flagged),
            'unserved': sum(1 for c in plan.checks if c.unserved),
            }
