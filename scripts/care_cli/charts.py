"""care charts --month YYYY-MM --out DIR: the month at a glance, one PNG a
chart (DESIGN.md "Command line"): settlements against the contract amounts,
visits per town, visit reasons per contractor, spot-check failures, the
persons served less than their care plan says, and complaints and
satisfaction per contractor.

Each chart function reads the figures of the month from the modules'
reporting models (the client's graphs), draws them and returns what it
drew, so that a test can compare it with the database."""
import os
import re
import sys
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from . import database as db
from .i18n import _
from .tabular import UnusableInput

# Fonts with Chinese characters, the one scripts/install-fonts installs first
CJK_FAMILIES = ['Noto Sans CJK SC', 'Source Han Sans SC', 'Noto Sans SC',
    'WenQuanYi Zen Hei', 'WenQuanYi Micro Hei']
CJK_FILE = re.compile(r'NotoSansCJK|SourceHanSans|wqy', re.IGNORECASE)
ACCEPTED, REJECTED, LIGHT = '#4c9a5b', '#c44e52', '#d9d9d9'
# One colour a rejection reason, none of them the green of accepted visits
REASON_COLORS = ['#8c564b', '#ff7f0e', '#9467bd', '#e377c2', '#bcbd22',
    '#17becf', '#d62728', '#7f7f7f']

def add_parser(subparsers):
    parser = subparsers.add_parser('charts',
        help=_("draw a month's charts as PNG files"),
        description=_('Draw the charts of the month as PNG files: net '
            'settled per contract against the contract amount, visits per '
            'town, visit reasons and spot-check failures per contractor, '
            'persons served less than their care plan.'))
    parser.add_argument('--month', required=True, metavar='YYYY-MM')
    parser.add_argument('--out', required=True, metavar='DIR',
        help=_('the folder of the PNG files (made if missing)'))
    parser.set_defaults(func=run)


def run(args):
    from trytond.modules.care_procurement.tools import MONTH
    if not MONTH.match(args.month):
        raise UnusableInput(_('Not a month written YYYY-MM: %s') % args.month)
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise UnusableInput(_('Not a folder: %s') % args.out)
    family = cjk_font()
    if not family:
        print(_('care: no font with Chinese characters: install Noto Sans '
                'CJK with scripts/install-fonts'), file=sys.stderr)
        return 1
    setup(family)
    os.makedirs(args.out, exist_ok=True)
    with db.session(args.database, readonly=True):
        for name, chart in CHARTS:
            path = os.path.join(args.out, name)
            chart(args.month, path)
            print(path)
    return 0


def cjk_font():
    "The family of an installed font with Chinese characters, or None"
    from matplotlib import font_manager
    manager = font_manager.fontManager
    family = _cjk_family(manager)
    if not family:
        # matplotlib keeps the fonts it found on its first run in a cache: a
        # font installed since is only in the system's folders
        for path in font_manager.findSystemFonts():
            if CJK_FILE.search(os.path.basename(path)):
                manager.addfont(path)
        family = _cjk_family(manager)
    return family


def _cjk_family(manager):
    names = {f.name for f in manager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    return next((f.name for f in manager.ttflist
            if CJK_FILE.search(os.path.basename(f.fname))), None)


def setup(family):
    "Draw with Agg (no display) and the Chinese font"
    import matplotlib
    matplotlib.use('Agg')
    matplotlib.rcParams.update({
            'font.family': 'sans-serif',
            'font.sans-serif': [family],
            # CJK fonts may lack the Unicode minus sign
            'axes.unicode_minus': False,
            })


def settled_vs_budget(month, path):
    """Per contract of the month: the net of its approved (and later)
    settlements cumulated month by month up to the month and the net not
    yet approved, against the contract amount.  Return {contract number:
    {'contractor', 'amount', 'settled': {month: cumulative net}, 'pending'}}"""
    from trytond.pool import Pool
    pool = Pool()
    Statistics = pool.get('care.settlement.statistics')
    MonthStatistics = pool.get('care.settlement.statistics.month')
    with _month(month):
        contracts = Statistics.search_read([],
            order=[('contract.number', 'ASC')], fields_names=[
                'contract', 'contract.number', 'contractor.name', 'amount',
                'pending'])
        nets = {(r['contract'], r['month']): r['settled']
            for r in MonthStatistics.search_read([], fields_names=[
                    'contract', 'month', 'settled'])}
    months = sorted({m for _, m in nets})
    data = {}
    for contract in contracts:
        total, settled = Decimal(0), {}
        for settled_month in months:
            total += nets.get((contract['contract'], settled_month),
                Decimal(0))
            settled[settled_month] = total
        data[contract['contract.']['number']] = {
            'contractor': contract['contractor.']['name'],
            'amount': contract['amount'], 'settled': settled,
            'pending': contract['pending']}

    figure, (axes,) = _figure(len(data),
        _('Net settled per contract against the contract amount, up to %s')
        % month)
    if not data:
        _no_data(axes, _('No contract runs in %s') % month)
        return _save(figure, path, data)
    import matplotlib
    colors = matplotlib.colormaps['Blues']
    labels = [f'{n}\n{d["contractor"]}' for n, d in data.items()]
    amounts = [_wan(d['amount']) for d in data.values()]
    axes.barh(labels, amounts, color='#f2f2f2', edgecolor='0.55',
        label=_('contract amount'))
    # One segment a month: its right end is the cumulative net at the month
    left = [0.0] * len(data)
    for index, settled_month in enumerate(months):
        widths = [_wan(d['settled'][settled_month]) - l
            for d, l in zip(data.values(), left)]
        axes.barh(labels, widths, left=left,
            label=_('%s settled') % settled_month,
            color=colors(0.45 + 0.5 * (index + 1) / len(months)))
        left = [l + w for l, w in zip(left, widths)]
    widths = [_wan(d['pending']) for d in data.values()]
    if any(widths):
        axes.barh(labels, widths, left=left, color='#fdd49e',
            label=_('not yet approved'))
    for y, (settled, amount) in enumerate(zip(left, amounts)):
        share = settled / amount * 100 if amount else 0
        axes.annotate(_('%(settled).1f (%(share).1f%%)') % {
                'settled': settled, 'share': share},
            (max(settled, amount), y), xytext=(4, 0),
            textcoords='offset points', va='center', fontsize=9)
    axes.invert_yaxis()
    axes.set_xlabel(_('net (10,000 yuan)'))
    axes.set_xlim(0, max(amounts + [1]) * 1.22)
    figure.legend(loc='outside lower center', ncols=min(6, len(months) + 2))
    return _save(figure, path, data)


def visits_per_town(month, path):
    """Accepted and rejected visits of the month per town (街道/镇) of the
    person, most visits first.  Return [(town, accepted, rejected)]"""
    from trytond.pool import Pool
    pool = Pool()
    Visit = pool.get('care.visit')
    Statistics = pool.get('care.visit.statistics')
    towns = defaultdict(lambda: [0, 0])
    with _month(month):
        for row in Statistics.search_read([('month', '=', month)],
                fields_names=['town.code', 'town.name', 'accepted',
                    'rejected']):
            town = row['town.'] or {}
            counts = towns[town.get('code'), town.get('name')]
            counts[0] += row['accepted']
            counts[1] += row['rejected']
    rows = sorted((-(a + r), code or '', name or _('(no town)'), a, r)
        for (code, name), (a, r) in towns.items())
    data = [(name, accepted, rejected)
        for _total, _code, name, accepted, rejected in rows]

    states = _labels(Visit, 'state')
    figure, panels = _figure(len(data),
        _('Visits per town in %s') % month, panels=2 if data else 1)
    if not data:
        _no_data(panels[0], _('No visit in %s') % month)
        return _save(figure, path, data)
    left, right = panels
    towns = [d[0] for d in data]
    left.barh(towns, [d[1] for d in data], color=ACCEPTED)
    left.set_title(states['accepted'])
    right.barh(towns, [d[2] for d in data], color=REJECTED)
    right.set_title(states['rejected'])
    for y, (_town, accepted, rejected) in enumerate(data):
        left.annotate(f'{accepted}', (accepted, y), xytext=(3, 0),
            textcoords='offset points', va='center', fontsize=8)
        share = rejected / (accepted + rejected) * 100
        right.annotate(f'{rejected} ({share:.1f}%)', (rejected, y),
            xytext=(3, 0), textcoords='offset points', va='center',
            fontsize=8)
    # Room for the annotations right of the longest bars
    left.set_xlim(0, max(d[1] for d in data) * 1.15 or 1)
    right.set_xlim(0, max(d[2] for d in data) * 1.35 or 1)
    left.invert_yaxis()
    for axes in (left, right):
        axes.set_xlabel(_('visits'))
    return _save(figure, path, data)


def visit_reasons(month, path):
    """The month's visits per contractor: accepted and each rejection
    reason, most rejections first.  Return {contractor: {'accepted' or
    reason code: visits}}"""
    from trytond.pool import Pool
    pool = Pool()
    Visit = pool.get('care.visit')
    Statistics = pool.get('care.visit.statistics')
    data = defaultdict(dict)
    with _month(month):
        rows = Statistics.search_read([('month', '=', month)],
            fields_names=['contractor.name', 'state', 'reason', 'visits'])
    for row in rows:
        contractor = row['contractor.']['name']
        key = 'accepted' if row['state'] == 'accepted' else row['reason']
        data[contractor][key] = data[contractor].get(key, 0) + row['visits']
    data = dict(sorted(data.items(),
            key=lambda i: (-_rejected(i[1]), i[0])))

    reasons = _labels(Visit, 'reason')
    # The reasons in the order of the rules, those of the month only
    codes = [c for c in reasons if any(c in d for d in data.values())]
    figure, panels = _figure(len(data),
        _('Visits per contractor by acceptance and rejection reason in %s')
        % month, panels=2 if data else 1)
    if not data:
        _no_data(panels[0], _('No visit in %s') % month)
        return _save(figure, path, data)
    left, right = panels
    contractors = list(data)
    left.barh(contractors, [d.get('accepted', 0) for d in data.values()],
        color=ACCEPTED, label=_labels(Visit, 'state')['accepted'])
    # Rejections are a few in a hundred: the right panel shows them alone
    for panel, start in ((left, 'accepted'), (right, None)):
        base = [d.get(start, 0) for d in data.values()]
        for code, color in zip(codes, REASON_COLORS):
            counts = [d.get(code, 0) for d in data.values()]
            panel.barh(contractors, counts, left=base, color=color,
                label=reasons[code] if panel is left else None)
            base = [b + c for b, c in zip(base, counts)]
    totals = [sum(d.values()) for d in data.values()]
    for y, (values, total) in enumerate(zip(data.values(), totals)):
        left.annotate(f'{total}', (total, y), xytext=(3, 0),
            textcoords='offset points', va='center', fontsize=9)
        right.annotate(f'{_rejected(values)}', (_rejected(values), y),
            xytext=(3, 0), textcoords='offset points', va='center',
            fontsize=9)
    left.set_title(_('all visits'))
    right.set_title(_('rejected visits by reason'))
    left.set_xlim(0, max(totals) * 1.12 or 1)
    right.set_xlim(0, max(_rejected(d) for d in data.values()) * 1.15 or 1)
    left.invert_yaxis()
    for axes in (left, right):
        axes.set_xlabel(_('visits'))
    figure.legend(loc='outside lower center', ncols=3)
    return _save(figure, path, data)


def check_failures(month, path):
    """The failure rate of the month's inspections with a result per
    contractor, highest first.  Return {contractor: {'fail', 'pass',
    'pending': inspections}}"""
    from trytond.pool import Pool
    pool = Pool()
    Check = pool.get('care.check')
    Statistics = pool.get('care.check.statistics')
    data = defaultdict(lambda: {'fail': 0, 'pass': 0, 'pending': 0})
    with _month(month):
        rows = Statistics.search_read([('month', '=', month)],
            fields_names=['contractor.name', 'failed', 'passed', 'pending'])
    for row in rows:
        counts = data[row['contractor.']['name']]
        counts['fail'] += row['failed']
        counts['pass'] += row['passed']
        counts['pending'] += row['pending']
    data = dict(sorted(data.items(), key=lambda i: (-_rate(i[1]), i[0])))

    results = _labels(Check, 'result')
    figure, (axes,) = _figure(len(data),
        _('Spot-check failure rate per contractor in %s') % month)
    pending = sum(d['pending'] for d in data.values())
    if not any(d['fail'] + d['pass'] for d in data.values()):
        note = _('No inspection with a result in %s') % month
        if pending:
            note += '\n' + _('%(count)d inspections %(pending)s') % {
                'count': pending, 'pending': results['pending']}
        _no_data(axes, note)
        return _save(figure, path, data)
    contractors = list(data)
    rates = [_rate(d) * 100 for d in data.values()]
    axes.barh(contractors, rates, color=REJECTED)
    for y, (rate, counts) in enumerate(zip(rates, data.values())):
        text = _('%(rate).1f%%: %(fail)d %(failed)s / %(inspected)d '
            'inspected') % {
            'rate': rate, 'fail': counts['fail'], 'failed': results['fail'],
            'inspected': counts['fail'] + counts['pass']}
        if counts['pending']:
            text += _(', %(count)d %(pending)s') % {
                'count': counts['pending'], 'pending': results['pending']}
        axes.annotate(text, (rate, y), xytext=(4, 0),
            textcoords='offset points', va='center', fontsize=9)
    axes.invert_yaxis()
    axes.set_xlabel(_('failed / inspected (%)'))
    axes.set_xlim(0, max(rates) * 1.6 or 1)
    return _save(figure, path, data)


def under_served(month, path):
    """Per contractor, the persons with a care plan on its contracts of the
    month and those whose accepted visits fall short of it (the settlement
    report's rule), largest share first.  Return {contractor: {'planned',
    'under_served': persons}}"""
    from trytond.pool import Pool
    pool = Pool()
    Settlement = pool.get('care.settlement')
    Line = pool.get('care.contract.line')
    contracts = _contractors(month)
    services = {line['id']: line['service'] for line in Line.search_read(
            [('contract', 'in', list(contracts))], fields_names=['service'])}
    # The quantities the settlement rules count, one query for all
    delivered = defaultdict(Decimal)
    for contract, quantities in Settlement.visit_quantities(
            list(contracts), month).items():
        for (person, line_id), (quantity, _visits) in quantities.items():
            delivered[contract, person, services[line_id]] += quantity
    planned, short = defaultdict(set), defaultdict(set)
    # With nothing delivered every plan falls short: the persons planned
    for contract, person, *_rest in Settlement.shortfalls(
            contracts, month, {}):
        planned[contracts[contract]].add(person)
    for contract, person, *_rest in Settlement.shortfalls(
            contracts, month, delivered):
        short[contracts[contract]].add(person)
    data = {c: {'planned': len(p), 'under_served': len(short[c])}
        for c, p in planned.items()}
    data = dict(sorted(data.items(), key=lambda i: (
                -i[1]['under_served'] / i[1]['planned'], i[0])))

    figure, (axes,) = _figure(len(data),
        _('Persons served less than their care plan in %s') % month)
    if not data:
        _no_data(axes, _('No care plan in %s') % month)
        return _save(figure, path, data)
    contractors = list(data)
    axes.barh(contractors, [d['planned'] for d in data.values()],
        color=LIGHT, label=_('persons with a care plan'))
    axes.barh(contractors, [d['under_served'] for d in data.values()],
        color=REJECTED, label=_('persons served less than planned'))
    for y, counts in enumerate(data.values()):
        axes.annotate(_('%(short)d of %(planned)d (%(share).1f%%)') % {
                'short': counts['under_served'],
                'planned': counts['planned'],
                'share': counts['under_served'] / counts['planned'] * 100},
            (counts['planned'], y), xytext=(4, 0),
            textcoords='offset points', va='center', fontsize=9)
    axes.invert_yaxis()
    axes.set_xlabel(_('persons'))
    axes.set_xlim(0, max(d['planned'] for d in data.values()) * 1.3)
    figure.legend(loc='outside lower center', ncols=2)
    return _save(figure, path, data)


def complaints_satisfaction(month, path):
    """Per contractor, the complaints received in the month and those
    substantiated, beside the satisfaction rate of the inspections and
    phone follow-ups that asked it (4 or 5 of 5).  Return {contractor:
    {'received', 'substantiated', 'asked', 'satisfied'}}"""
    from trytond.pool import Pool
    pool = Pool()
    Complaints = pool.get('care.complaint.statistics')
    Checks = pool.get('care.check.statistics')
    data = defaultdict(lambda: {'received': 0, 'substantiated': 0,
            'asked': 0, 'satisfied': 0})
    with _month(month):
        for row in Complaints.search_read([('month', '=', month)],
                fields_names=['contractor.name', 'received',
                    'substantiated']):
            counts = data[row['contractor.']['name']]
            counts['received'] += row['received']
            counts['substantiated'] += row['substantiated']
        for row in Checks.search_read([('month', '=', month)],
                fields_names=['contractor.name', 'asked', 'satisfied']):
            if row['asked']:
                counts = data[row['contractor.']['name']]
                counts['asked'] += row['asked']
                counts['satisfied'] += row['satisfied']
    data = dict(sorted(data.items(), key=lambda i: (
                -i[1]['received'], i[0])))

    figure, (complaints, satisfaction) = _figure(len(data),
        _('Complaints and satisfaction per contractor in %s') % month,
        panels=2)
    if not data:
        _no_data(complaints, _('No complaint in %s') % month)
        _no_data(satisfaction, _('No satisfaction asked in %s') % month)
        return _save(figure, path, data)
    contractors = list(data)
    complaints.barh(contractors, [d['received'] for d in data.values()],
        color=LIGHT, label=_('complaints received'))
    complaints.barh(contractors,
        [d['substantiated'] for d in data.values()], color=REJECTED,
        label=_('complaints substantiated'))
    complaints.invert_yaxis()
    complaints.set_xlabel(_('complaints'))
    complaints.set_xlim(0, max(
            [d['received'] for d in data.values()] + [1]) * 1.3)
    rates = [d['satisfied'] / d['asked'] * 100 if d['asked'] else 0
        for d in data.values()]
    satisfaction.barh(contractors, rates, color=ACCEPTED)
    for y, (rate, counts) in enumerate(zip(rates, data.values())):
        text = (_('%(rate).1f%%: %(satisfied)d of %(asked)d satisfied') % {
                'rate': rate, 'satisfied': counts['satisfied'],
                'asked': counts['asked']}
            if counts['asked'] else _('not asked'))
        satisfaction.annotate(text, (rate, y), xytext=(4, 0),
            textcoords='offset points', va='center', fontsize=9)
    satisfaction.set_xlabel(_('satisfaction rate (%)'))
    satisfaction.set_xlim(0, 160)
    figure.legend(loc='outside lower center', ncols=2)
    return _save(figure, path, data)


CHARTS = [
    ('settled-vs-budget.png', settled_vs_budget),
    ('visits-per-town.png', visits_per_town),
    ('visit-reasons.png', visit_reasons),
    ('check-failures.png', check_failures),
    ('under-served.png', under_served),
    ('complaints-satisfaction.png', complaints_satisfaction),
    ]


def _contractors(month):
    """{contract: contractor's name} of the contracts (not draft) whose
    period meets the month, as `care settle` settles them"""
    from trytond.pool import Pool
    Statistics = Pool().get('care.settlement.statistics')
    with _month(month):
        return {c['contract']: c['contractor.']['name']
            for c in Statistics.search_read([],
                fields_names=['contract', 'contractor.name'])}


@contextmanager
def _month(month):
    "The month of the reporting models, set in the context as the client does"
    from trytond.transaction import Transaction
    with Transaction().set_context(month=month):
        yield


def _wan(amount):
    "Yuan in 万元 (10,000 yuan), as amounts are read in China"
    return float(amount) / 10000


def _rejected(counts):
    return sum(v for k, v in counts.items() if k != 'accepted')


def _rate(counts):
    inspected = counts['fail'] + counts['pass']
    return counts['fail'] / inspected if inspected else 0


def _labels(Model, field):
    "{value: label} of a selection field, in the session's language (zh_CN)"
    selection = Model.fields_get([field])[field]['selection']
    return {value: label for value, label in selection if value}


def _figure(bars, title, panels=1):
    "A figure for horizontal bars: its height grows with their number"
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, panels, squeeze=False, sharey=True,
        figsize=(12, max(4, 1.8 + 0.42 * bars)), layout='constrained')
    figure.suptitle(title, fontsize=15)
    return figure, axes[0]


def _no_data(axes, text):
    "Say so in the chart rather than leave it blank"
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha='center',
        va='center', fontsize=16, color='0.35',
        bbox={'boxstyle': 'round', 'facecolor': '0.95', 'edgecolor': '0.7'})
    axes.set_xticks([])
    axes.set_yticks([])


def _save(figure, path, data):
    import matplotlib.pyplot as plt
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return data
