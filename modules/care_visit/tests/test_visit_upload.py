# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A contractor uploads its visit logs in the client: stored as by
`care import visits`, whole or not at all, and it learns nothing of other
contractors' contracts or persons."""
import csv
import io
import unittest

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .tools import create_world

HEADER = ['外部编号', '合同编号', '身份证号', '服务项目', '服务人员', '开始时间',
    '结束时间', '经度', '纬度']


def csv_bytes(rows):
    output = io.StringIO(newline='')
    csv.writer(output).writerows([HEADER] + rows)
    return output.getvalue().encode('utf-8')


class VisitUploadTestCase(unittest.TestCase):
    "Upload visit logs"

    @classmethod
    def setUpClass(cls):
        activate_module('care_visit')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def contractor_user(self, world):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{'login': 'contractor_a', 'name': 'A',
                    'groups': [('add', [ModelData.get_id(
                                    'care_procurement', 'group_contractor')])],
                    'care_contractor': world.contractors[0].id,
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id}])
        return user

    def upload(self, user, data, filename='visits.csv'):
        "Run the wizard as the user, with access checks; return the result"
        pool = Pool()
        User = pool.get('res.user')
        Upload = pool.get('care.visit.upload', type='wizard')
        transaction = Transaction()
        with transaction.set_user(user.id):
            with transaction.set_context(
                    User.get_preferences(context_only=True),
                    _check_access=True):
                session_id, _, _ = Upload.create()
                Upload.execute(session_id, {'start': {
                            'file': data, 'filename': filename}}, 'import_')
                result = Upload.execute(session_id, {}, 'result')
        return result['view']['defaults']

    @with_transaction()
    def test_upload_own_visits(self):
        "Own rows are stored; rows naming others' records are rejected"
        Visit = Pool().get('care.visit')
        world = create_world()
        user = self.contractor_user(world)
        mine, other = world.persons[0], world.persons[3]
        data = csv_bytes([
                ['A-1', 'HT-A', mine.id_number, 'HC-MEAL', '刘芳',
                    '2025-03-03 09:00', '2025-03-03 09:40',
                    mine.longitude, mine.latitude],
                ['A-2', 'HT-A', mine.id_number, '助餐', '刘芳',
                    '2025-03-04 09:00', '2025-03-04 09:05', '', ''],
                # B's contract and B's person do not exist for A
                ['A-3', 'HT-B', other.id_number, 'HC-MEAL', '刘芳',
                    '2025-03-05 09:00', '2025-03-05 09:40', '', ''],
                ['A-4', 'HT-A', other.id_number, 'HC-MEAL', '刘芳',
                    '2025-03-06 09:00', '2025-03-06 09:40', '', ''],
                ])
        result = self.upload(user, data)
        self.assertEqual(result['summary'], gettext(
                'care_visit.msg_upload_summary', created=2, accepted=1,
                rejected=1, unchanged=0, rows=2))
        rejected = result['rejected'].decode('utf-8-sig').splitlines()
        self.assertEqual(rejected[0].split(','), HEADER + ['行号', '原因'])
        self.assertEqual([r.split(',')[0] for r in rejected[1:]],
            ['A-3', 'A-4'])
        self.assertEqual(result['rejected_name'], 'visits.rejected.csv')

        visits = {v.external_id: v for v in Visit.search([])}
        self.assertEqual(set(visits), {'A-1', 'A-2'})
        self.assertEqual(visits['A-1'].state, 'accepted')
        self.assertEqual((visits['A-2'].state, visits['A-2'].reason),
            ('rejected', 'too_short'))
        self.assertEqual(visits['A-1'].source, 'import')

        # Uploaded again: nothing changes
        again = self.upload(user, data)
        self.assertEqual(Visit.search_count([]), 2)
        self.assertEqual(again['rejected'], result['rejected'])

    @with_transaction()
    def test_unusable_file(self):
        "A file without the required columns is refused as a whole"
        world = create_world()
        user = self.contractor_user(world)
        data = '外部编号,合同编号\nA-1,HT-A\n'.encode('utf-8')
        with self.assertRaises(UserError) as cm:
            self.upload(user, data, 'bad.csv')
        self.assertIn('bad.csv', cm.exception.message)
        self.assertIn('身份证号', cm.exception.message)
