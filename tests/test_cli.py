"""The `care` command's own promises: --help, exit codes, init and demo
run unattended and twice."""
import re
import subprocess
import unittest

import os
import sys

from tests.support import CARE, CONFIG, CareDatabase, environment

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__))), 'scripts'))
from care_cli.i18n import _  # noqa: E402


def care(*args):
    return subprocess.run([CARE, '-c', CONFIG, *args], env=environment(),
        capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL)


class CommandLineTestCase(unittest.TestCase):

    def test_help(self):
        "Every command answers --help"
        for args in [[], ['init'], ['demo'], ['import'],
                ['import', 'persons'], ['serve']]:
            with self.subTest(args=args):
                process = care(*args, '--help')
                self.assertEqual(process.returncode, 0, process.stderr)
                self.assertIn(_('usage: ').strip(), process.stdout)
                self.assertIn(' '.join(['care', *args]), process.stdout)

    def test_bad_arguments(self):
        "Unknown commands and missing arguments exit with 2"
        for args in [['nothing'], ['import'], ['import', 'persons'],
                ['demo', '--persons', 'many']]:
            with self.subTest(args=args):
                self.assertEqual(care(*args).returncode, 2)
        missing_config = subprocess.run(
            [CARE, '-c', '/nonexistent.conf', 'init'], env=environment(),
            capture_output=True, text=True, timeout=60)
        self.assertEqual(missing_config.returncode, 2)


class InitAndDemoTestCase(unittest.TestCase):

    def test_init_twice_then_demo_twice(self):
        "care init is unattended and repeatable; care demo says it exists"
        with CareDatabase() as db:
            again = db.care('init')
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn(db.name, again.stdout)
            company = db.python(
                "company, = pool.get('company.company').search([])\n"
                "result = [company.currency.code, "
                "pool.get('res.user').search([('login', '=', 'admin')])[0]"
                ".language.code]")
            self.assertEqual(company, ['CNY', 'zh_CN'])

            demo = db.care('demo', '--persons', '120', '--settle-months', '1',
                timeout=600)
            self.assertEqual(demo.returncode, 0, demo.stderr)
            self.assertRegex(demo.stdout,
                r'persons: 120 created, 0 updated, 0 unchanged, 0 rejected')
            counts = db.python(
                "Person = pool.get('social_assistance.person')\n"
                "result = [Person.search_count([]), Person.search_count("
                "[('state', '=', 'terminated')]), Person.search_count("
                "[('state', '=', 'suspended')])]")
            self.assertEqual(counts[0], 120)
            self.assertGreater(counts[1], 0)
            self.assertGreater(counts[2], 0)

            # Change reports from the contractors' users: a death among
            # them, some confirmed, one death still pending
            reports = db.python(
                "Report = pool.get('social_assistance.change_report')\n"
                "result = sorted({(r.kind, r.state, bool(r.contractor))\n"
                "    for r in Report.search([])})")
            self.assertIn(['death', 'confirmed', True], reports)
            self.assertIn(['death', 'reported', True], reports)
            self.assertIn(['hospital', 'confirmed', True], reports)
            self.assertIn(['self_care', 'confirmed', True], reports)

            # Every eligible person is on exactly one running contract's
            # service list this month
            lists = db.python(
                "from collections import Counter\n"
                "from trytond.transaction import Transaction\n"
                "Person = pool.get('social_assistance.person')\n"
                "ServiceList = pool.get('care.service_list')\n"
                "with Transaction().set_context(service_month="
                "pool.get('ir.date').today().strftime('%Y-%m')):\n"
                "    rows = ServiceList.search([('contract.state', '=', "
                "'running')])\n"
                "contracts = Counter()\n"
                "for person, contract in {(r.person.id, r.contract.id) "
                "for r in rows}:\n"
                "    contracts[person] += 1\n"
                "active = {p.id for p in Person.search("
                "[('state', '=', 'active')])}\n"
                "result = [sorted(active - set(contracts)), "
                "sorted(p for p, n in contracts.items() if n > 1)]")
            self.assertEqual(lists, [[], []])

            # The year's procurement as an auditor reads it: a failed lot
            # re-run and awarded, every date of the legal calendar filled,
            # a challenge answered, an acceptance of the first half year;
            # next year's procurement is being prepared under its own year
            story = db.python(
                "Procurement = pool.get('care.procurement')\n"
                "Contract = pool.get('care.contract')\n"
                "Challenge = pool.get('care.procurement.challenge')\n"
                "Acceptance = pool.get('care.contract.acceptance')\n"
                "awarded = Procurement.search([('state', '=', 'awarded')])\n"
                "running = Contract.search([('state', '=', 'running')])\n"
                "drafts = Procurement.search([('state', '=', 'draft')])\n"
                "result = {\n"
                "    'failed_lots': pool.get('care.procurement.lot')"
                ".search_count([('state', '=', 'failed')]),\n"
                "    'methods': sorted({p.method for p in awarded}),\n"
                "    'undated_procurements': [p.number for p in awarded\n"
                "        if not (p.evaluation_date and p.award_date\n"
                "            and p.notice_date and p.award_letter_date)],\n"
                "    'undated_contracts': [c.number for c in running\n"
                "        if not (c.signed_date and c.published_date\n"
                "            and c.filed_date)],\n"
                "    'challenges': [(c.state, c.outcome)\n"
                "        for c in Challenge.search([])],\n"
                "    'unaccepted': [c.number for c in running\n"
                "        if not Acceptance.search([('contract', '=', c.id),\n"
                "                ('state', '=', 'done')])],\n"
                "    'drafts': [(p.year, p.number[:6]) for p in drafts],\n"
                "    'year': awarded[0].year,\n"
                "    }")
            self.assertGreaterEqual(story['failed_lots'], 1)
            self.assertEqual(story['methods'],
                ['competitive_consultation', 'open_tender'])
            self.assertEqual(story['undated_procurements'], [])
            self.assertEqual(story['undated_contracts'], [])
            # (JSON gives lists for tuples)
            self.assertEqual(story['challenges'], [['answered', 'rejected']])
            self.assertEqual(story['unaccepted'], [])
            next_year = story['year'] + 1
            self.assertEqual(story['drafts'],
                [[next_year, f'CG{next_year}']])

            twice = db.care('demo', '--persons', '120', timeout=600)
            self.assertEqual(twice.returncode, 0, twice.stderr)
            self.assertNotRegex(twice.stdout, r'persons: \d+ created')
            self.assertEqual(db.python(
                    "result = pool.get('social_assistance.person')"
                    ".search_count([])"), 120)
            self.assertTrue(re.search(r'120', twice.stdout))
