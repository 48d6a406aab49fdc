"""A province's month spread over workers: `care settle --queue` puts one
task per contract in Tryton's queue and trytond-worker computes them, to
the same settlements as computing in place (PostgreSQL, where the worker
runs)."""
import os
import re
import signal
import subprocess
import time
import unittest

from tests.support import (
    BIN, CONFIG, ROOT, CareDatabase, artifact_path, backend, environment)

# The queue is worked by trytond-worker, not by the requests' processes
WORKER_ENV = {'TRYTOND_QUEUE__WORKER': 'True'}
QUEUED = re.compile(r'^settlements: (\d+) queued, (\d+) unchanged$', re.M)
UNSETTLED_MONTH = '''
Settlement = pool.get('care.settlement')
Visit = pool.get('care.visit')
settled = {s.month for s in Settlement.search([])}
result = sorted({v.month for v in Visit.search([])} - settled)[0]
'''
PROGRESS = '''
Settlement = pool.get('care.settlement')
Queue = pool.get('ir.queue')
tasks = Queue.search([('name', '=', 'care_settlement')])
result = {
    'states': sorted(s.state for s in Settlement.search(
                [('month', '=', params['month'])])),
    'tasks': len(tasks),
    'done': len([t for t in tasks if t.finished_at]),
    }
'''


@unittest.skipUnless(backend() == 'postgresql',
    'trytond-worker needs PostgreSQL')
class SettleQueueTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db = CareDatabase()
        cls.db.create()
        cls.db.demo(300, 'demo-password')

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    def start_worker(self):
        log = open(artifact_path(f'worker-{self.db.name}.log'), 'w')
        # In a session of its own: its pool of processes is stopped with it
        worker = subprocess.Popen([os.path.join(BIN, 'trytond-worker'),
                '-c', CONFIG, '-d', self.db.name, '-n', '2'], cwd=ROOT,
            env=environment(**WORKER_ENV), stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self.addCleanup(log.close)
        self.addCleanup(worker.wait, 30)
        self.addCleanup(os.killpg, worker.pid, signal.SIGTERM)
        return worker

    def test_workers_settle_the_month(self):
        "Queued, then computed by the workers as in place"
        month = self.db.python(UNSETTLED_MONTH)
        process = self.db.care('settle', '--month', month, '--queue',
            env=WORKER_ENV)
        self.assertEqual(process.returncode, 0, process.stderr)
        queued, unchanged = map(int, QUEUED.search(process.stdout).groups())
        self.assertGreater(queued, 0)
        # Nothing computed by the command: the tasks wait for a worker
        progress = self.db.python(PROGRESS, month=month)
        self.assertEqual(progress['states'], ['draft'] * queued)
        self.assertEqual((progress['tasks'], progress['done']), (queued, 0))

        worker = self.start_worker()
        deadline = time.monotonic() + 180
        while progress['done'] < queued and time.monotonic() < deadline:
            self.assertIsNone(worker.poll(), 'trytond-worker stopped')
            time.sleep(1)
            progress = self.db.python(PROGRESS, month=month)
        self.assertEqual(progress['done'], queued)
        self.assertEqual(progress['states'], ['computed'] * queued)

        # Computing in place finds each settlement as the worker left it
        process = self.db.care('settle', '--month', month)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertIn(f'settlements: 0 computed, {queued + unchanged} '
            'unchanged', process.stdout)


if __name__ == '__main__':
    unittest.main()
