"""A contractor's user over JSON-RPC sees its own contract and nothing of
another contractor's (DESIGN.md, Access).

A throw-away database gets two contractors A and B (parties with a
统一社会信用代码), a running contract each with an assigned person, and a
user `contractor_a` (group 服务机构, linked to A).  `care serve` runs on a
free loopback port; the user logs in with `common.db.login` at
/<database>/rpc/ and calls model.care.contract search_read / search_count /
read / write / delete (and the same on B's contract line, assignment and
person) with the context of `model.res.user.get_preferences`: every call
on B's records finds nothing or answers an error, A's own are read, and the
database is unchanged afterwards.  The server's log is left as
var/test-artifacts/contractor-rpc-server-BACKEND.log.
"""
import base64
import json
import secrets
import unittest
import urllib.request

from tests import support
from trytond.modules.social_assistance.tests.tools import make_id_number

LOGIN = 'contractor_a'

# Run by CareDatabase.python() as admin: the two contractors, their
# contracts, persons, guardians and assignments; the ids as the result
SETUP = support.TWO_CONTRACTORS + r'''
Guardian = pool.get('social_assistance.guardian')

services = Service.search([('code', 'in', ['HC-MEAL', 'HC-CLEAN'])])
persons = Person.create([{'name': name, 'id_number': number,
            'division': village.id, 'support_mode': 'scattered',
            'start_date': dt.date(2020, 1, 1)}
        for name, number in params['persons']])
guardians = Guardian.create([{'person': p.id, 'name': '监护人',
            'start_date': dt.date(2020, 1, 1)} for p in persons])
contracts = Contract.create([home_care(c, amount, [(s, 45) for s in services])
        for c, amount in zip(contractors, ['50000', '43210.98'])])
Contract.run(contracts)
assignments = Assignment.create([{'contract': c.id, 'person': p.id,
            'start_date': dt.date(2025, 1, 1),
            'end_date': dt.date(2025, 12, 31)}
        for c, p in zip(contracts, persons)])
result = {
    side: {
        'contractor': contractor.id,
        'care.contract': contract.id,
        'number': contract.number,
        'care.contract.line': [l.id for l in contract.lines],
        'care.contract.assignment': assignment.id,
        'social_assistance.person': person.id,
        'social_assistance.guardian': guardian.id,
        }
    for side, contractor, contract, assignment, person, guardian in zip(
        'ab', contractors, contracts, assignments, persons, guardians)}
'''

# What B's records are after the attempts, read as admin
STATE = r'''
Contract = pool.get('care.contract')
Person = pool.get('social_assistance.person')
User = pool.get('res.user')
contract = Contract(params['contract'])
user, = User.search([('login', '=', params['login'])])
result = {
    'contracts': [c.id for c in Contract.search([])],
    'penalty': str(contract.penalty_per_failed_check),
    'phone': Person(params['person']).phone,
    'link': user.care_contractor.id,
    }
'''

# The month's settlements (no visits: nothing to pay), settled as admin;
# {side: settlement id}.  Settling again changes nothing
SETTLED = r'''
Settlement = pool.get('care.settlement')
Settlement.settle('2025-03')
result = {side: Settlement.search([('contract', '=', contract)])[0].id
    for side, contract in params['contracts'].items()}
'''

# A settlement as admin reads it
SETTLEMENT = r'''
Settlement = pool.get('care.settlement')
settlement = Settlement(params['id'])
result = {
    'net': str(settlement.net), 'gross': str(settlement.gross),
    'state': settlement.state, 'month': settlement.month,
    'approved_by': settlement.approved_by and settlement.approved_by.id,
    'confirmed_by': settlement.confirmed_by and settlement.confirmed_by.id,
    'lines': len(settlement.lines),
    }
'''


def decimal(value):
    "A Decimal as trytond's JSON-RPC encodes it"
    return {'__class__': 'Decimal', 'decimal': str(value)}


class RPCAnswer(support.HTTPAnswer):
    "The HTTP status and the JSON-RPC answer (result or error) of a call"

    @property
    def error(self):
        if self.status != 200:
            return f'HTTP {self.status}'
        if not isinstance(self.data, dict):
            return 'not JSON-RPC'
        return self.data.get('error')

    @property
    def result(self):
        return self.data.get('result') if isinstance(self.data, dict) else None


class ContractorRPCTestCase(support.CareServerMixin, unittest.TestCase):
    "Contractor A over JSON-RPC against B's records"

    artifacts = 'contractor-rpc'

    @classmethod
    def setUpClass(cls):
        cls.create_database(prefix='carerpc')
        cls.numbers = {
            'a': make_id_number('19400312', '102'),
            'b': make_id_number('19380521', '215'),
            }
        cls.ids = cls.database.python(SETUP, persons=[
                ['张桂兰', cls.numbers['a']], ['李德福', cls.numbers['b']]])
        cls.password = 'Contractor-' + secrets.token_hex(8)
        cls.user_id = cls.database.create_contractor_user(LOGIN,
            cls.password, cls.ids['a']['contractor'], name='甲服务机构操作员')

        cls.start_server()
        cls.url = f'{cls.server.url}{cls.database.name}/rpc/'
        cls.session = cls.login(LOGIN, cls.password)
        cls.context = cls.call_ok('model.res.user.get_preferences', True, {})

    # -- JSON-RPC -------------------------------------------------------------

    @classmethod
    def post(cls, method, params, session=None, url=None):
        "POST a JSON-RPC request on the loopback; return the RPCAnswer"
        payload = json.dumps({'id': secrets.randbelow(1 << 30),
                'method': method, 'params': params}).encode()
        request = urllib.request.Request(url or cls.url, data=payload,
            method='POST', headers={'Content-Type': 'application/json'})
        if session:
            user_id, token = session
            credentials = f'{LOGIN}:{user_id}:{token}'.encode()
            request.add_header('Authorization',
                'Session ' + base64.b64encode(credentials).decode())
        return support.send(request, RPCAnswer)

    @classmethod
    def login(cls, login, password):
        answer = cls.post('common.db.login', [login, {'password': password}])
        if answer.error or not answer.result:
            raise support.CareError(f'login of {login} failed: {answer!r}'
                f'\n{cls.server.log()}')
        user_id, token, *_ = answer.result
        return user_id, token

    @classmethod
    def call(cls, method, *args):
        "Call METHOD as contractor A's session"
        return cls.post(method, list(args), session=cls.session)

    @classmethod
    def call_ok(cls, method, *args):
        answer = cls.call(method, *args)
        if answer.error:
            raise AssertionError(f'{method} failed: {answer!r}')
        return answer.result

    def assertRefused(self, answer, secret=None):
        "An error answer, not showing SECRET"
        self.assertTrue(answer.error, msg=f'not refused: {answer!r}')
        if answer.status == 200:
            # UserError (AccessError) with its message, not a crash
            self.assertEqual(answer.error[0], 'UserError', msg=repr(answer))
        if secret:
            self.assertNotIn(secret, answer.body)

    # -- tests ----------------------------------------------------------------

    def test_login_as_contractor(self):
        "The session is contractor A's: its context names A"
        user_id, _ = self.session
        self.assertEqual(user_id, self.user_id)
        self.assertEqual(self.context.get('care_contractor'),
            self.ids['a']['contractor'])
        # Without the session nothing is answered
        answer = self.post('model.care.contract.search_read',
            [[], 0, None, None, ['number'], self.context])
        self.assertEqual(answer.status, 401, msg=repr(answer))
        answer = self.post('model.care.contract.search_read',
            [[], 0, None, None, ['number'], self.context],
            session=(self.user_id, 'not-the-session'))
        self.assertEqual(answer.status, 401, msg=repr(answer))

    def test_own_contract_read(self):
        "A's contract is found and read, and only it"
        a = self.ids['a']
        rows = self.call_ok('model.care.contract.search_read',
            [], 0, None, None, ['number', 'contractor'], self.context)
        self.assertEqual([(r['id'], r['number'], r['contractor'])
                for r in rows],
            [(a['care.contract'], a['number'], a['contractor'])])
        row, = self.call_ok('model.care.contract.read',
            [a['care.contract']], ['number', 'amount', 'lines'],
            self.context)
        self.assertEqual(row['number'], a['number'])
        self.assertEqual(sorted(row['lines']), sorted(a['care.contract.line']))
        self.assertEqual(self.call_ok('model.care.contract.search_count',
                [], 0, None, self.context), 1)

    def test_other_contract_refused(self):
        "B's contract: not found, and read, write, delete answer errors"
        b = self.ids['b']
        contract = b['care.contract']
        rows = self.call_ok('model.care.contract.search_read',
            [['id', '=', contract]], 0, None, None, ['number'], self.context)
        self.assertEqual(rows, [])
        rows = self.call_ok('model.care.contract.search_read',
            [['number', '=', b['number']]], 0, None, None, ['number'],
            self.context)
        self.assertEqual(rows, [])
        self.assertEqual(self.call_ok('model.care.contract.search_count',
                [['contractor', '=', b['contractor']]], 0, None,
                self.context), 0)
        self.assertEqual(self.call_ok('model.care.contract.search',
                [], 0, None, None, self.context),
            [self.ids['a']['care.contract']])
        self.assertRefused(self.call('model.care.contract.read',
                [contract], ['number', 'amount'], self.context),
            secret=b['number'])
        self.assertRefused(self.call('model.care.contract.read',
                [self.ids['a']['care.contract'], contract], ['number'],
                self.context),
            secret=b['number'])
        self.assertRefused(self.call('model.care.contract.write',
                [contract], {'penalty_per_failed_check': decimal(99)},
                self.context))
        self.assertRefused(self.call('model.care.contract.delete',
                [contract], self.context))
        state = self.state()
        self.assertIn(contract, state['contracts'])
        self.assertEqual(state['penalty'], '0')

    def test_other_records_refused(self):
        "B's contract lines, assignment, person and guardian are refused"
        b = self.ids['b']
        writes = {
            'care.contract.line': {'unit_price': decimal(1)},
            'care.contract.assignment': {'start_date': {
                    '__class__': 'date', 'year': 2025, 'month': 2,
                    'day': 1}},
            'social_assistance.person': {'phone': '13800000000'},
            'social_assistance.guardian': {'phone': '13800000000'},
            }
        for model, values in writes.items():
            records = b[model] if isinstance(b[model], list) else [b[model]]
            with self.subTest(model=model):
                self.assertEqual(self.call_ok(f'model.{model}.search_read',
                        [['id', 'in', records]], 0, None, None, ['id'],
                        self.context), [])
                self.assertRefused(self.call(f'model.{model}.read',
                        records, ['rec_name'], self.context),
                    secret=self.numbers['b'])
                self.assertRefused(self.call(f'model.{model}.write',
                        records, values, self.context))
                self.assertRefused(self.call(f'model.{model}.delete',
                        records, self.context))
        self.assertIsNone(self.state()['phone'])

    def test_own_person_masked(self):
        "A's person is the only one found, the identity number masked"
        a = self.ids['a']
        rows = self.call_ok('model.social_assistance.person.search_read',
            [], 0, None, None, ['id_number', 'rec_name'], self.context)
        number = self.numbers['a']
        self.assertEqual([r['id'] for r in rows],
            [a['social_assistance.person']])
        self.assertEqual(rows[0]['id_number'],
            number[:6] + '*' * 8 + number[-4:])
        self.assertNotIn(number, json.dumps(rows, ensure_ascii=False))

    def test_context_cannot_widen(self):
        "A context naming B, or set_preferences, does not make A see B's"
        b = self.ids['b']
        context = dict(self.context, care_contractor=b['contractor'],
            _groups=[], _check_access=False)
        rows = self.call_ok('model.care.contract.search_read',
            [], 0, None, None, ['number'], context)
        self.assertEqual([r['id'] for r in rows],
            [self.ids['a']['care.contract']])
        # set_preferences writes context fields without access checks
        self.addCleanup(self.database.link_contractor, LOGIN,
            self.ids['a']['contractor'])
        self.call('model.res.user.set_preferences',
            {'care_contractor': b['contractor']}, self.context)
        context = self.call_ok('model.res.user.get_preferences', True, {})
        self.assertEqual(context.get('care_contractor'),
            self.ids['a']['contractor'])
        rows = self.call_ok('model.care.contract.search_read',
            [], 0, None, None, ['number'], context)
        self.assertEqual([r['id'] for r in rows],
            [self.ids['a']['care.contract']])
        self.assertEqual(self.state()['link'], self.ids['a']['contractor'])

    def test_own_settlement_not_rewritten(self):
        """A's own settlement: writing its figures, state, month or approver
        is refused (issue 10, as contractor03 wrote net); confirming with the
        button is A's"""
        settled = self.database.python(SETTLED, contracts={
                side: self.ids[side]['care.contract'] for side in 'ab'})
        own = settled['a']
        before = self.database.python(SETTLEMENT, id=own)
        self.assertEqual(before['state'], 'computed')
        # the bureau's employee (admin's) as the approver
        approver = self.database.employee('admin')
        self.assertTrue(approver)
        for values in [{'net': decimal('222164.15')},
                {'state': 'approved', 'month': '2026-12',
                    'approved_by': approver, 'net': decimal('9999999.00')},
                {'state': 'invoiced'}, {'gross': decimal(1)},
                {'confirmed_by': self.user_id}]:
            with self.subTest(values=values):
                self.assertRefused(self.call('model.care.settlement.write',
                        [own], values, self.context))
        self.assertRefused(self.call('model.care.settlement.create',
                [{'contract': self.ids['a']['care.contract'],
                        'month': '2025-04', 'net': decimal(1)}],
                self.context))
        self.assertRefused(self.call('model.care.settlement.delete',
                [own], self.context))
        # nor B's, nor the wizard that cancels, nor its lines
        self.assertRefused(self.call('model.care.settlement.write',
                [settled['b']], {'net': decimal(1)}, self.context))
        context = dict(self.context, active_model='care.settlement',
            active_id=own, active_ids=[own])
        self.assertRefused(self.call('wizard.care.settlement.cancel.create',
                context))
        self.assertEqual(self.database.python(SETTLEMENT, id=own), before)
        self.call_ok('model.care.settlement.confirm', [own], self.context)
        after = self.database.python(SETTLEMENT, id=own)
        self.assertEqual((after['state'], after['confirmed_by']),
            ('confirmed', self.user_id))
        self.assertEqual({k: v for k, v in after.items()
                if k not in {'state', 'confirmed_by'}},
            {k: v for k, v in before.items()
                if k not in {'state', 'confirmed_by'}})

    def state(self):
        b = self.ids['b']
        return self.database.python(STATE, contract=b['care.contract'],
            person=b['social_assistance.person'], login=LOGIN)


if __name__ == '__main__':
    unittest.main()
