"""care demo: build the demo county and show the cycle built so far."""
import datetime as dt
import os
import random
import secrets
import sys

from . import database as db
from . import (
    demo_acceptance, demo_checks, demo_complaints, demo_county, demo_finance,
    demo_procurement, demo_reports, demo_visits, import_visits)
from .i18n import N_, _, pad, screen_width
from .import_persons import import_file
from .init import initialise
from .tabular import UnusableInput

SEED = 2024
MIN_PASSWORD = 8
PAYMENT_STATES = [('draft', N_('Draft')), ('submitted', N_('Submitted')),
    ('approved', N_('Approved')), ('processing', N_('Processing')),
    ('succeeded', N_('Succeeded')), ('failed', N_('Failed'))]
DEMO_USERS = [
    # login, name, groups (module, XML id)
    ('registry', N_('Registry Officer'),
        [('social_assistance', 'group_registry')]),
    ('supervisor', N_('Supervisor'), [('care_visit', 'group_supervision')]),
    # the finance bureau's clerk works in Tryton's accounting too
    ('finance', N_('Finance Clerk'), [('care_settlement', 'group_finance'),
            ('account', 'group_account'), ('account_payment', 'group_payment'),
            ('account_payment', 'group_payment_approval'),
            ('account_statement', 'group_statement')]),
    ]


def add_parser(subparsers):
    parser = subparsers.add_parser('demo',
        help=_('build the demo county and run the cycle built so far'),
        description=_('Create the database when needed and build the demo '
            'county: the towns and villages of Shenxian, persons imported '
            'from a generated roster, assessments, reported changes, '
            'guardians, suspensions and deaths. A summary follows.'))
    parser.add_argument('--persons', type=int, default=5200,
        help=_('number of persons (default: 5200)'))
    parser.add_argument('--seed', type=int, default=SEED,
        help=_('random seed (default: 2024)'))
    parser.add_argument('--without-visits', action='store_true',
        help=_('stop after the contracts: no visits, spot checks nor '
            'rectifications'))
    parser.add_argument('--settle-months', type=int, default=3,
        metavar='N', help=_('settle, pay and reconcile the last N months of '
            'visits (default: 3, all the months the demo has)'))
    parser.add_argument('--towns-per-lot', type=int,
        default=demo_procurement.TOWNS_PER_LOT, metavar='N',
        help=_('towns in each home-care lot of the procurement (default: '
            '%s; fewer make more contracts)') % demo_procurement.TOWNS_PER_LOT)
    parser.add_argument('--rebuild', action='store_true',
        help=_('drop an existing demo database and build it again'))
    parser.set_defaults(func=run)


def run(args):
    name = args.database
    password = os.environ.get('CARE_DEMO_PASSWORD')
    # Checked before anything is built: Tryton refuses short passwords
    if password is not None and len(password) < MIN_PASSWORD:
        raise UnusableInput(_('CARE_DEMO_PASSWORD needs at least %s '
                'characters') % MIN_PASSWORD)
    if db.is_initialised(name) and _has_persons(name):
        if not args.rebuild:
            print(_('The demo database "%s" exists already (use --rebuild to '
                    'build it again).') % name)
            summary(name)
            return 0
        db.drop_database(name)
    elif db.database_exists(name) and args.rebuild:
        db.drop_database(name)
    initialise(args.config, name)
    build(args.config, name, args.persons, args.seed,
        visits=not args.without_visits, settle_months=args.settle_months,
        towns_per_lot=args.towns_per_lot)
    summary(name)
    return 0


def _has_persons(name):
    with db.session(name, readonly=True) as pool:
        return bool(pool.get('social_assistance.person').search([], limit=1))


def _work_folder(config_path):
    folder = os.path.join(os.path.dirname(os.path.abspath(config_path)),
        'var', 'demo')
    os.makedirs(folder, exist_ok=True)
    return folder


def build(config_path, name, count, seed, out=sys.stdout, visits=True,
        settle_months=3, towns_per_lot=demo_procurement.TOWNS_PER_LOT):
    rng = random.Random(seed)
    today = dt.date.today()
    county = demo_county.divisions(rng)
    create_divisions(name, county)
    roster = os.path.join(_work_folder(config_path), 'persons.csv')
    demo_county.write_roster(roster,
        demo_county.roster(rng, count, county, today))
    print(_('Roster written to %s') % roster, file=out)
    import_file(name, roster, out=out)
    db.run_in_session(name, _life_events, rng, today)
    password, logins = db.run_in_session(name, _procure, rng, today,
        towns_per_lot)
    if visits:
        _visits(config_path, name, rng, today, out)
        db.run_in_session(name, _supervise, rng, today)
        months = demo_visits.months_to_show(today)
        months = months[max(0, len(months) - settle_months):] \
            if settle_months else []
        for year, month in months:
            paths = demo_finance.run_month(name, f'{year}-{month:02d}',
                _work_folder(config_path), last=(year, month) == months[-1],
                out=out, overdue=(year, month) == months[0])
        if months:
            demo_finance.print_paths(paths, out=out)
    print(_('Demo users (password %s): %s') % (password, ', '.join(logins)),
        file=out)


def _procure(pool, rng, today, towns_per_lot):
    "The procurement, its contracts and their users: (password, logins)"
    _procurement, _rerun, contracts = demo_procurement.build(
        pool, rng, today, towns_per_lot)
    demo_acceptance.record(pool, today, contracts)
    users = _create_users(pool, contracts)
    demo_reports.record(pool, today)
    return users


def _supervise(pool, rng, today):
    employees = demo_checks.inspectors(pool)
    _link_supervisor(pool, employees[0])
    plans = demo_checks.supervise(pool, rng,
        demo_visits.months_to_show(today), today, employees)
    demo_complaints.record(pool, plans, today)


def _visits(config_path, name, rng, today, out):
    """Write each month's visit logs as the contractors' apps would export
    them, import them, and date each row's logging as the apps did"""
    with db.session(name, readonly=True) as pool:
        world = demo_visits.World(pool)
        Log = pool.get('care.visit.log')
        columns = {f: Log.header(f) for f in demo_visits.FIELDS}
    for year, month in demo_visits.months_to_show(today):
        visits = demo_visits.rows(rng, world, year, month, today)
        demo_visits.plant_anomalies(rng, world, visits, today)
        visits += demo_visits.bad_rows(rng, visits)
        path = os.path.join(_work_folder(config_path),
            f'visits-{year}-{month:02d}.csv')
        demo_visits.write(path, visits, columns)
        import_visits.import_file(name, path, out=out)
        db.run_in_session(name, demo_visits.date_logging, visits)


def _link_supervisor(pool, employee):
    "The demo supervisor inspects as the first inspector"
    User = pool.get('res.user')
    users = User.search([('login', '=', 'supervisor')])
    User.write(users, {'employees': [('add', [employee.id])],
            'employee': employee.id, 'company': employee.company.id})


def create_divisions(name, county):
    "Create the towns and villages of demo_county.divisions()"
    db.run_in_session(name, _create_divisions, county)


def _create_divisions(pool, county):
    Division = pool.get('social_assistance.division')
    parent, = Division.search([('level', '=', 'county')])
    towns = Division.create([{'name': town, 'code': code, 'level': 'town',
                'parent': parent.id} for town, code, _v in county])
    Division.create([{'name': village, 'code': code, 'level': 'village',
                'parent': town.id}
            for town, (_t, _c, villages) in zip(towns, county)
            for village, code in villages])


def _life_events(pool, rng, today):
    """What happens to a roster over the years: full assessments, reported
    changes (some overdue), suspensions, resumptions and deaths."""
    Person = pool.get('social_assistance.person')
    Assessment = pool.get('social_assistance.assessment')
    from trytond.modules.social_assistance.assessment import INDICATORS
    Holiday = pool.get('social_assistance.holiday')
    words = demo_county.words()
    active = Person.search([('state', '=', 'active')], order=[('id', 'ASC')])
    rng.shuffle(active)
    # Shares of the active persons each event happens to, at least one each
    shares = [0.04, 0.008, 0.006, 0.005, 0.002]
    groups, start = [], 0
    for share in shares:
        size = max(1, round(share * len(active)))
        groups.append(active[start:start + size])
        start += size
    assessed, changed, suspended, dead, moved = groups

    assessments = Assessment.create([{
                'person': p.id, 'date': today - dt.timedelta(
                    days=rng.randint(30, 700)),
                'assessor': rng.choice(words['surnames']) + rng.choice(
                    words['given_male']),
                **{i: rng.random() < 0.6 for i in INDICATORS},
                } for p in assessed])
    Assessment.done(assessments)

    for person in changed:
        reported = today - dt.timedelta(days=rng.randint(1, 40))
        Assessment.create([{'person': person.id, 'kind': 'reassessment',
                    'date': None, 'reported_date': reported,
                    'change': rng.choice(words['report_changes']),
                    'due_date': Holiday.add_working_days(reported, 10)}])

    for person in suspended:
        Person.start_suspension([person],
            today - dt.timedelta(days=rng.randint(20, 200)),
            rng.choice(words['suspension_reasons']))
    for person in suspended[:len(suspended) // 4]:
        from_date = person.suspensions[0].from_date
        Person.end_suspension([person],
            from_date + dt.timedelta(days=rng.randint(10, 19)))
    def after_start(person, days_back):
        # never before the person was recognised (recent rosters)
        return max(today - dt.timedelta(days=days_back),
            person.start_date + dt.timedelta(days=1))
    for person in dead:
        Person.end_eligibility([person], 'death',
            after_start(person, rng.randint(1, 150)))
    for person in moved:
        Person.end_eligibility([person], 'transferred',
            after_start(person, rng.randint(1, 150)))
    # Of the minors turning 18 within 90 days, one in two is still in school
    # and stays eligible; the others are the officer's to act on
    turning = Person.search([('turning_adult', '=', True)],
        order=[('id', 'ASC')])
    if turning[::2]:
        Person.write(turning[::2], {'in_school': True})


def _create_users(pool, contracts):
    """The demo's users, one a group, and one for each contractor with a
    contract; all with one printed password"""
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    password = os.environ.get('CARE_DEMO_PASSWORD') or secrets.token_urlsafe(9)
    admin, = User.search([('login', '=', 'admin')])
    company = admin.company
    users = [(login, _(name), [ModelData.get_id(*g) for g in groups], None)
        for login, name, groups in DEMO_USERS]
    contractor_group = ModelData.get_id('care_procurement',
        'group_contractor')
    for number, contractor in enumerate(
            sorted({c.contractor for c in contracts}), start=1):
        users.append((f'contractor{number:02d}', contractor.name,
                [contractor_group], contractor.id))
    for login, name, groups, contractor in users:
        values = {'name': name, 'password': password,
            'language': admin.language.id, 'care_contractor': contractor,
            'companies': [('add', [company.id])], 'company': company.id,
            'groups': [('add', groups)]}
        existing = User.search([('login', '=', login)])
        if existing:
            User.write(existing, values)
        else:
            User.create([{'login': login, **values}])
    return password, [login for login, *_ in users]


def _procurement_summary(pool):
    Procurement = pool.get('care.procurement')
    Lot = pool.get('care.procurement.lot')
    Bid = pool.get('care.procurement.bid')
    Contract = pool.get('care.contract')
    Assignment = pool.get('care.contract.assignment')
    Person = pool.get('social_assistance.person')
    today = pool.get('ir.date').today()
    current = [('start_date', '<=', today), ['OR',
            ('end_date', '=', None), ('end_date', '>=', today)]]
    assigned = Assignment.search(current)
    return [
        (_('Procurements'), Procurement.search_count([])),
        (_('  lots awarded'), Lot.search_count([('state', '=', 'awarded')])),
        (_('  lots failed'), Lot.search_count([('state', '=', 'failed')])),
        (_('  in preparation'), Procurement.search_count(
                [('state', '=', 'draft')])),
        (_('  bids (invalid)'), '%s (%s)' % (Bid.search_count([]),
                Bid.search_count([('valid', '=', False)]))),
        (_('Running contracts'), Contract.search_count(
                [('state', '=', 'running')])),
        (_('  home care'), Contract.search_count(
                [('state', '=', 'running'), ('kind', '=', 'home_care')])),
        (_('  placement'), Contract.search_count(
                [('state', '=', 'running'), ('kind', '=', 'placement')])),
        (_('Persons assigned today'), len({a.person for a in assigned})),
        (_('Active persons not assigned'), Person.search_count([
                    ('state', '=', 'active'),
                    ('care_assignments', 'not where', current)])),
        ]


def _not_served(pool):
    "Counted on the day of the last accepted visit"
    from trytond.transaction import Transaction
    Visit = pool.get('care.visit')
    NotServed = pool.get('care.visit.not_served')
    last = Visit.search([('state', '=', 'accepted')],
        order=[('date', 'DESC')], limit=1)
    if not last:
        return 0
    with Transaction().set_context(supervision_date=last[0].date):
        return NotServed.search_count([])


def _supervision_summary(pool):
    Visit = pool.get('care.visit')
    Plan = pool.get('care.check.plan')
    Check = pool.get('care.check')
    Rectification = pool.get('care.rectification')
    reasons = dict(Visit.fields_get(['reason'])['reason']['selection'])
    lines = [
        (_('Visits'), Visit.search_count([])),
        (_('  accepted'), Visit.search_count([('state', '=', 'accepted')])),
        ]
    for code, label in reasons.items():
        if code:
            lines.append(('  ' + label, Visit.search_count(
                        [('reason', '=', code)])))
    lines += [
        (_('  flagged by online supervision'), Visit.search_count(
                [('flagged', '=', True)])),
        (_('Persons not served for 14 days'), _not_served(pool)),
        (_('Spot-check plans'), Plan.search_count([])),
        (_('  inspections pending'), Check.search_count(
                [('result', '=', 'pending')])),
        (_('  passed'), Check.search_count([('result', '=', 'pass')])),
        (_('  failed'), Check.search_count([('result', '=', 'fail')])),
        ]
    states = dict(Rectification.fields_get(['state'])['state']['selection'])
    lines.append((_('Rectifications'), Rectification.search_count([])))
    for code, label in states.items():
        lines.append(('  ' + label, Rectification.search_count(
                    [('state', '=', code)])))
    return lines + _settlement_summary(pool)


def _settlement_summary(pool):
    """Per month the net settled, paid and the reconciliation's statuses;
    then the invoices and payments as the finance bureau sees them"""
    Settlement = pool.get('care.settlement')
    Reconciliation = pool.get('care.settlement.reconciliation')
    Invoice = pool.get('account.invoice')
    Payment = pool.get('account.payment')
    settlements = Settlement.search([])
    statuses = dict(Reconciliation.fields_get(['status'])['status'][
            'selection'])
    lines = [(_('Settlements (net / paid)'), len(settlements))]
    for month in sorted({s.month for s in settlements}):
        rows = Reconciliation.search([('month', '=', month)])
        counts = {}
        for row in rows:
            counts[statuses[row.status]] = counts.get(
                statuses[row.status], 0) + 1
        lines.append(('  ' + month, '%.2f / %.2f  %s' % (
                    sum(s.net for s in settlements if s.month == month),
                    sum(r.paid for r in rows),
                    ' '.join(f'{k} {v}' for k, v in sorted(counts.items())))))
    invoice_states = dict(Invoice.fields_get(['state'])['state']['selection'])
    # Tryton 8.0's own Chinese catalogue of account_payment lacks these
    payment_states = {code: _(label) for code, label in PAYMENT_STATES}
    lines.append((_('Supplier invoices'), Invoice.search_count(
                [('type', '=', 'in')])))
    for code, label in invoice_states.items():
        if count := Invoice.search_count(
                [('type', '=', 'in'), ('state', '=', code)]):
            lines.append(('  ' + label, count))
    lines.append((_('Payments'), Payment.search_count([])))
    for code, label in payment_states.items():
        if count := Payment.search_count([('state', '=', code)]):
            lines.append(('  ' + label, count))
    return lines


def summary(name, out=sys.stdout):
    "Print what the demo county holds"
    with db.session(name, readonly=True) as pool:
        Division = pool.get('social_assistance.division')
        Person = pool.get('social_assistance.person')
        Assessment = pool.get('social_assistance.assessment')
        Guardian = pool.get('social_assistance.guardian')
        count = Person.search_count
        lines = [
            (_('Towns'), Division.search_count([('level', '=', 'town')])),
            (_('Villages'), Division.search_count(
                    [('level', '=', 'village')])),
            (_('Persons'), count([])),
            (_('  active'), count([('state', '=', 'active')])),
            (_('  suspended'), count([('state', '=', 'suspended')])),
            (_('  terminated'), count([('state', '=', 'terminated')])),
            (_('  of whom deceased'), count([('death_date', '!=', None)])),
            (_('  scattered support'), count(
                    [('support_mode', '=', 'scattered')])),
            (_('  centralized support'), count(
                    [('support_mode', '=', 'centralized')])),
            (_('  completely lost self-care'), count(
                    [('self_care', '=', 'none')])),
            (_('Assessments done'), Assessment.search_count(
                    [('state', '=', 'done')])),
            (_('Reassessments due'), Assessment.search_count(
                    [('state', '=', 'draft')])),
            (_('  overdue'), Assessment.search_count(
                    [('overdue', '=', True)])),
            (_('Guardians'), Guardian.search_count(
                    [('role', '=', 'guardian')])),
            (_('Entrusted carers and emergency contacts'),
                Guardian.search_count([('role', '!=', 'guardian')])),
            (_('Persons needing a guardian'), count(
                    [('needs_guardian', '=', True)])),
            (_('Minors turning 18 within 90 days'), count(
                    [('turning_adult', '=', True)])),
            (_('  not in school'), count([('turning_adult', '=', True),
                        ('in_school', '=', False)])),
            ] + _procurement_summary(pool) + _supervision_summary(pool)
    print(_('Demo county (division codes are illustrative):'), file=out)
    width = max(screen_width(label) for label, _v in lines)
    for label, value in lines:
        print(f'  {pad(label, width)}  {value:>6}', file=out)
