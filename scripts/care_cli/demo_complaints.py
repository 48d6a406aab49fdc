"""The demo county's complaints (投诉, DESIGN.md "Complaints"): a few a month
from the 12345 hotline and by phone about persons inspected that month,
answered a few days later; one of the last inspected month substantiated
(it opens a rectification and is deducted from the settlement), and one of
the last month still open.  Phone follow-ups with their satisfaction
answers are the inspections of method `phone` (demo_checks)."""
import datetime as dt
import json
import os
import random

from .demo_county import DATA

CHANNELS = ['hotline', 'phone']


def words():
    with open(os.path.join(DATA, 'complaints.json'), encoding='utf-8') as file:
        return json.load(file)


def record(pool, plans, today):
    "Two complaints a month of the plans; return the complaints"
    Complaint = pool.get('care.complaint')
    texts = words()
    created = []
    for index, plan in enumerate(plans):
        checks = [c for c in plan.checks if c.person]
        if not checks:
            continue
        # Its own generator: the demo's stream stays as it was
        rng = random.Random(f'complaints:{plan.month}')
        year, month = map(int, plan.month.split('-'))
        for n, check in enumerate(rng.sample(checks, min(2, len(checks)))):
            received = min(today, dt.date(year, month, rng.randint(5, 25)))
            complaint, = Complaint.create([{
                        'received_date': received,
                        'channel': CHANNELS[n % len(CHANNELS)],
                        'complainant': rng.choice(texts['complainants']),
                        'complainant_phone': '1' + ''.join(
                            str(rng.randint(0, 9)) for _ in range(10)),
                        'person': check.person.id,
                        'contract': check.contract.id,
                        'matter': rng.choice(texts['matters']),
                        }])
            created.append(complaint)
            answered = received + dt.timedelta(days=rng.randint(3, 12))
            if index == len(plans) - 1 and n == 0 or answered >= today:
                continue  # the last month's first one is still open
            # The last inspected month's first complaint holds
            held = index == len(plans) - 2 and n == 0
            Complaint.write([complaint], {
                    'findings': (texts['findings_held'] if held
                        else rng.choice(texts['findings_dismissed'])),
                    'substantiated': 'yes' if held else 'no',
                    'answer_date': answered,
                    })
            Complaint.answer([complaint])
    return created
