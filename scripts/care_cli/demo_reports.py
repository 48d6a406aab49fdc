"""care demo: change reports from the contractors' carers (issue 14): a
death among them, a hospital stay, a change in self-care; the registry has
confirmed some, dismissed one, and one death waits for confirmation."""
import datetime as dt
import json
import os
import random

from trytond.transaction import Transaction

DATA = os.path.join(os.path.dirname(__file__), 'data')
# Its own random stream: the reports leave the rest of the demo as it was
SEED = 14
# (kind, days before today, decision): cycled over the contractors' users
REPORTS = [
    ('death', 40, 'confirm'),
    ('hospital', 25, 'confirm'),
    ('self_care', 12, 'confirm'),
    ('death', 20, None),
    ('death', 30, 'dismiss'),
    ('hospital', 3, None),
    ('self_care', 4, None),
    ('moved', 15, 'confirm'),
    ('other', 8, 'confirm'),
    ]


def texts():
    path = os.path.join(DATA, 'change_reports.json')
    with open(path, encoding='utf-8') as file:
        return json.load(file)


def record(pool, today):
    """Report on persons assigned to each contractor's running contracts, as
    the contractor's user; then decide as the registry"""
    User = pool.get('res.user')
    Assignment = pool.get('care.contract.assignment')
    Report = pool.get('social_assistance.change_report')
    rng = random.Random(SEED)
    words = texts()
    users = User.search([('care_contractor', '!=', None)],
        order=[('login', 'ASC')])
    if not users:
        return []
    used, decisions = set(), {'confirm': [], 'dismiss': []}
    for index, (kind, days, decision) in enumerate(REPORTS):
        user = users[index % len(users)]
        assignments = Assignment.search([
                ('contract.contractor', '=', user.care_contractor.id),
                ('contract.state', '=', 'running'),
                ('person.state', '=', 'active'),
                ('start_date', '<=', today),
                ['OR', ('end_date', '=', None), ('end_date', '>=', today)],
                ], order=[('id', 'ASC')])
        candidates = [a.person for a in assignments
            if a.person.id not in used
            and a.person.start_date < today - dt.timedelta(days=days)]
        if not candidates:
            continue
        person = rng.choice(candidates)
        used.add(person.id)
        with Transaction().set_user(user.id):
            report, = Report.create([{'person': person.id, 'kind': kind,
                        'date': today - dt.timedelta(days=days),
                        'text': rng.choice(words[kind])}])
        if decision:
            decisions[decision].append(report.id)
    # Browsed again: a record keeps the user it was read as
    decisions = {k: Report.browse(v) for k, v in decisions.items()}
    for report in decisions['dismiss']:
        report.dismissal_reason = words['dismissal']
    Report.save(decisions['dismiss'])
    Report.dismiss(decisions['dismiss'])
    Report.confirm(decisions['confirm'])
    return Report.search([])
