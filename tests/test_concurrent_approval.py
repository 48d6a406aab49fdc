"""Two approvers, two payers at the same moment (PostgreSQL, where several
trytond processes share the database): the settlement is invoiced once and
paid once.  Each racer is an OS process that reads the settlement inside
its transaction, waits at a barrier until the other has done the same, and
only then approves (or pays) and commits: the loser must either do nothing
or fail on the database's serialization or lock error — never post a second
invoice or a second payment."""
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from decimal import Decimal

from tests import support
from tests.support import (
    CONFIG, COMMAND_TIMEOUT, PYTHON, ROOT, CareDatabase, CareError,
    artifact_path, backend, describe, environment)
from trytond.modules.social_assistance.tests.tools import make_id_number

SETTLE = re.compile(r'^settlements: (\d+) computed, (\d+) unchanged, '
    r'net (\d+\.\d\d)$', re.M)
# How long a racer waits for the other at the barrier, in seconds
BARRIER_TIMEOUT = 120
# What PostgreSQL answers the loser: could not serialize access (40001),
# deadlock detected (40P01), lock not available (55P03, a NOWAIT lock)
RACE_ERRORS = {'40001', '40P01', '55P03'}

MONTH = '2025-03'
MEALS = 10
PRICE = Decimal('45.00')

# Run as admin: contractor A (support.TWO_CONTRACTORS) with the address its
# supplier invoices are made out to, a running home-care contract of 2025
# (助餐 at 45.00) and one person assigned to it
SETUP = support.TWO_CONTRACTORS + r'''
Party.write([contractors[0]], {'addresses': [('create', [{
                    'street': '燕店镇燕店村1号'}])]})
meal, = Service.search([('code', '=', 'HC-MEAL')])
person, = Person.create([{'name': '张桂英', 'id_number': params['id_number'],
            'division': village.id, 'support_mode': 'scattered',
            'start_date': dt.date(2020, 1, 1)}])
contract, = Contract.create([home_care(contractors[0], '50000',
            [(meal, params['price'])])])
Contract.run([contract])
Assignment.create([{'contract': contract.id, 'person': person.id,
            'start_date': dt.date(2025, 1, 1),
            'end_date': dt.date(2025, 12, 31)}])
result = {'contractor': contractors[0].id, 'contract': contract.number}
'''

# The month's settlement of the contract, computed
TARGET = '''
Settlement = pool.get('care.settlement')
settlement, = Settlement.search([('month', '=', params['month']),
        ('contract.number', '=', params['contract'])])
result = {'id': settlement.id, 'net': str(settlement.net),
    'state': settlement.state}
'''

CONFIRM = '''
Settlement = pool.get('care.settlement')
settlement = Settlement(params['id'])
Settlement.confirm([settlement])
result = Settlement(params['id']).state
'''

# The contractor's own invoice (数电票) for the net, recorded by its user:
# no settlement is paid without it
RECORD_INVOICE = '''
Settlement = pool.get('care.settlement')
settlement = Settlement(params['id'])
Settlement.record_contractor_invoice([settlement], params['number'],
    settlement.approval_date, settlement.net)
result = Settlement(params['id']).contractor_invoice_number
'''

# The settlement, its supplier invoices (by their lines' origin) and its
# payments, read through the ORM
OUTCOME = '''
Settlement = pool.get('care.settlement')
Payment = pool.get('account.payment')
InvoiceLine = pool.get('account.invoice.line')
settlement = Settlement(params['id'])
invoices = {l.invoice for l in InvoiceLine.search([
            ('origin', '=', f'care.settlement,{settlement.id}')])}
result = {
    'state': settlement.state,
    'net': str(settlement.net),
    'invoice': settlement.invoice.id if settlement.invoice else None,
    'invoices': sorted([i.id, i.type, i.state, str(i.total_amount)]
        for i in invoices),
    'payments': sorted([p.id, p.state, str(p.amount)]
        for p in Payment.search([('care_settlement', '=', settlement.id)])),
    }
'''

# One racer: argv config, database, settlement id, action (approve / pay),
# barrier folder, racer number.  Prints @@RESULT@@ and the JSON of what it
# saw and did, whatever happened.
RACER = '''
import json, os, sys, time, traceback
from care_cli import database as db
config, name, settlement_id, action, barrier, number, timeout = sys.argv[1:]
settlement_id, timeout = int(settlement_id), float(timeout)
db.load_config(config)
result = {'number': number, 'barrier': False, 'outcome': None}
# One attempt, as the race is about: started again only with the locks it
# asks for (as an RPC call is), a lost race is not retried
from trytond.config import config as trytond_config
trytond_config.set('database', 'retry', '0')

def race():
    with db.session(name) as pool:
        Settlement = pool.get('care.settlement')
        settlement = Settlement(settlement_id)
        # read inside the transaction: its snapshot is taken (the first
        # attempt's, before either acted)
        result.setdefault('state_seen', settlement.state)
        with open(os.path.join(barrier, f'ready-{number}'), 'w'):
            pass
        deadline = time.monotonic() + timeout
        while len([f for f in os.listdir(barrier)
                    if f.startswith('ready-')]) < 2:
            if time.monotonic() > deadline:
                raise TimeoutError('the other racer did not come')
            time.sleep(0.005)
        result['barrier'] = True
        if action == 'approve':
            Settlement.approve([settlement])
        else:
            # as the Pay button does: past access checks, once its group
            # (finance, which admin is in) allows it
            from trytond.transaction import without_check_access
            with without_check_access():
                result['payments'] = [
                    p.id for p in Settlement.create_payments([settlement])]

try:
    db.retried(race)
    result['outcome'] = 'committed'
except Exception as exception:
    result['outcome'] = 'failed'
    # db.Busy carries the database's error
    error = exception.__cause__ or exception
    result['error'] = f'{type(error).__module__}.{type(error).__name__}'
    result['sqlstate'] = getattr(error, 'sqlstate', None)
    result['message'] = str(exception)
    result['traceback'] = traceback.format_exc()
print('\\n@@RESULT@@' + json.dumps(result))
'''


@unittest.skipUnless(backend() == 'postgresql',
    'the race is between PostgreSQL transactions of several processes')
class ConcurrentApprovalTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db = CareDatabase()
        cls.addClassCleanup(cls.db.drop)
        cls.tmp = tempfile.mkdtemp(prefix='care-race-')
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.db.create()
        world = cls.db.python(SETUP, id_number=make_id_number(),
            price=str(PRICE))
        cls.db.create_contractor_user('contractor_a', 'contractor-password',
            world['contractor'], '甲居家养老服务中心')
        # Ten meals in March, as the contractor's app exports them
        path = os.path.join(cls.tmp, 'visits.csv')
        with open(path, 'w', encoding='utf-8-sig', newline='') as file:
            writer = csv.writer(file)
            writer.writerow(['外部编号', '合同编号', '身份证号', '服务项目',
                    '服务人员', '开始时间', '结束时间'])
            for day in range(3, 3 + MEALS):
                writer.writerow([f'meal-{day}', world['contract'],
                        make_id_number(), 'HC-MEAL', '王芳',
                        f'{MONTH}-{day:02d} 11:00', f'{MONTH}-{day:02d} 11:40'])
        cls.db.care('import', 'visits', path, check=True)
        process = cls.db.care('settle', '--month', MONTH, check=True)
        if not SETTLE.search(process.stdout):
            raise CareError(describe(process))
        cls.target = cls.db.python(TARGET, month=MONTH,
            contract=world['contract'])
        # Confirmed by the contractor's own user
        state = cls.db.python(CONFIRM, as_user='contractor_a',
            id=cls.target['id'])
        if state != 'confirmed':
            raise CareError(f'settlement {cls.target} not confirmed: {state}')
        cls.raced = set()

    def outcome(self):
        return self.db.python(OUTCOME, id=self.target['id'])

    def race(self, action):
        """Run two racers doing ACTION to the target settlement at once;
        return their results"""
        barrier = os.path.join(self.tmp, action)
        os.mkdir(barrier)
        racers = [subprocess.Popen([PYTHON, '-c', RACER, CONFIG,
                    self.db.name, str(self.target['id']), action, barrier,
                    str(number), str(BARRIER_TIMEOUT)],
                cwd=ROOT, env=environment(), stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
            for number in (1, 2)]
        results = []
        for racer in racers:
            try:
                stdout, stderr = racer.communicate(
                    timeout=BARRIER_TIMEOUT + COMMAND_TIMEOUT)
            except subprocess.TimeoutExpired:
                for other in racers:
                    other.kill()
                    other.communicate()
                raise
            if '@@RESULT@@' not in stdout:
                self.fail(f'racer exited {racer.returncode}:\n{stdout}\n'
                    f'{stderr}')
            results.append(json.loads(stdout.rsplit('@@RESULT@@', 1)[1]))
        with open(artifact_path(f'concurrent-{action}-{backend()}.json'),
                'w') as file:
            json.dump(results, file, indent=1, ensure_ascii=False)
        # Both were inside their transactions, having read the settlement
        # as it was before either acted
        for result in results:
            self.assertTrue(result['barrier'], result)
        self.raced.add(action)
        return results

    def check_losers(self, results):
        "One racer committed; the other did the same or lost on a DB error"
        committed = [r for r in results if r['outcome'] == 'committed']
        self.assertTrue(committed, results)
        for result in results:
            if result['outcome'] == 'failed':
                self.assertIn(result['sqlstate'], RACE_ERRORS,
                    result['traceback'])
        return committed

    def test_1_approve_at_once(self):
        "Two approvals at once: one supplier invoice, invoiced once"
        before = self.outcome()
        self.assertEqual((before['state'], before['invoices']),
            ('confirmed', []))
        net = Decimal(self.target['net'])
        self.assertEqual(net, MEALS * PRICE)
        results = self.race('approve')
        self.assertEqual([r['state_seen'] for r in results],
            ['confirmed', 'confirmed'])
        self.check_losers(results)

        after = self.outcome()
        self.assertEqual(after['state'], 'invoiced', after)
        self.assertEqual(len(after['invoices']), 1, after)
        invoice_id, kind, state, total = after['invoices'][0]
        self.assertEqual((kind, state, Decimal(total)), ('in', 'posted', net))
        self.assertEqual(after['invoice'], invoice_id)
        self.assertEqual(after['payments'], [])

    def test_2_pay_at_once(self):
        "Two payments at once of the invoiced settlement: one, for the net"
        self.assertIn('approve', self.raced, 'test_1 did not approve')
        number = '25370000000000000001'
        self.assertEqual(self.db.python(RECORD_INVOICE,
                as_user='contractor_a', id=self.target['id'],
                number=number), number)
        before = self.outcome()
        self.assertEqual((before['state'], before['payments']),
            ('invoiced', []))
        results = self.race('pay')
        self.assertEqual([r['state_seen'] for r in results],
            ['invoiced', 'invoiced'])
        committed = self.check_losers(results)

        after = self.outcome()
        counted = [p for p in after['payments'] if p[1] != 'failed']
        self.assertEqual(len(counted), 1, results)
        payment_id, state, amount = counted[0]
        self.assertEqual((state, Decimal(amount)),
            ('processing', Decimal(after['net'])))
        # the committed racers' payments are that one
        self.assertEqual(sorted(p for r in committed
                for p in r['payments']), [payment_id])
        self.assertEqual(after['state'], 'invoiced')
        self.assertEqual(len(after['invoices']), 1)

    def test_3_care_pay_at_once(self):
        """Two `care pay` of the month at once (the settlement's row is
        written by both): neither ends with a traceback; each pays nothing
        more or, having kept losing, says in Chinese that another run holds
        the records and exits 1"""
        self.assertIn('pay', self.raced, 'test_2 did not pay')
        before = self.outcome()
        racers = [subprocess.Popen(self.db.command('pay', '--month', MONTH),
                cwd=ROOT, env=environment(), stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
            for _ in range(2)]
        for racer in racers:
            stdout, stderr = racer.communicate(timeout=COMMAND_TIMEOUT)
            self.assertNotIn('Traceback', stderr)
            if racer.returncode:
                self.assertEqual(racer.returncode, 1, stderr)
                self.assertRegex(stderr, '[\u4e00-\u9fff]')
            else:
                self.assertIn('payments: 0 processing', stdout)
        self.assertEqual(self.outcome(), before)


if __name__ == '__main__':
    unittest.main()
