"""A contractor's own app logs visits through trytond's REST API and sees
nothing of another contractor's (DESIGN.md, Access and Visit rules).

A throw-away database (`care init`) gets two contractors A and B (parties
with a 统一社会信用代码), a running home-care contract each with an assigned
person, an accepted visit each, and a user `contractor_a` (group 服务机构,
linked to A).  The administrator gives that user a validated
res.user.application for the REST API; its key is the app's bearer token.
`care serve` runs on a free loopback port and the app calls
/<database>/rest/model/care.visit: the visits it logs are judged by the
visit rules and come from the API; it lists and reads its own visits only;
B's visit is not found, nor changed, deleted or logged on, as the
administrator checks afterwards.  The server's log is left as
var/test-artifacts/contractor-rest-server-BACKEND.log.
"""
import base64
import datetime as dt
import json
import secrets
import unittest
import urllib.request

from tests import support
from trytond.modules.social_assistance.tests.tools import make_id_number

LOGIN = 'contractor_a'
# Asia/Shanghai is eight hours ahead of UTC, in which Tryton keeps times
SHANGHAI = dt.timedelta(hours=8)


def whole_years(birth):
    "Whole years since birth, today in Asia/Shanghai"
    today = (dt.datetime.now(dt.timezone.utc) + SHANGHAI).date()
    return today.year - birth.year - (
        (today.month, today.day) < (birth.month, birth.day))


# Run by CareDatabase.python() as admin: the two contractors, their
# contracts, persons, assignments and an accepted visit each; the ids
SETUP = support.TWO_CONTRACTORS + r'''
Visit = pool.get('care.visit')

services = {s.code: s for s in Service.search([
            ('code', 'in', ['HC-MEAL', 'HC-CLEAN'])])}
persons = Person.create([{'name': name, 'id_number': number,
            'division': village.id, 'support_mode': 'scattered',
            'start_date': dt.date(2020, 1, 1),
            'latitude': latitude, 'longitude': 115.67}
        for name, number, latitude in params['persons']])
contracts = Contract.create([
        home_care(c, 50000, [(services[s], 15) for s in codes])
        for c, codes in zip(contractors,
            [['HC-MEAL', 'HC-CLEAN'], ['HC-MEAL']])])
Contract.run(contracts)
Assignment.create([{'contract': c.id, 'person': p.id,
            'start_date': dt.date(2025, 1, 1)}
        for c, p in zip(contracts, persons)])
visits = Visit.create([{
            'contract': c.id, 'person': p.id,
            'service': services['HC-MEAL'].id,
            'caregiver_name': caregiver, 'external_id': external_id,
            'start': dt.datetime(2025, 3, 3, 1, 0),
            'end': dt.datetime(2025, 3, 3, 1, 30),
            'latitude': p.latitude, 'longitude': p.longitude,
            } for c, p, caregiver, external_id in zip(contracts, persons,
            ['刘芳', '孙丽'], ['A-0001', 'B-0001'])])
assert [v.state for v in visits] == ['accepted', 'accepted'], visits
result = {
    side: {
        'contractor': contractor.id,
        'contract': contract.id,
        'person': person.id,
        'visit': visit.id,
        }
    for side, contractor, contract, person, visit in zip(
        'ab', contractors, contracts, persons, visits)}
'''

# The administrator gives the user a key for the REST API
APPLICATION = r'''
User = pool.get('res.user')
Application = pool.get('res.user.application')
user, = User.search([('login', '=', params['login'])])
application, = Application.create([{
            'user': user.id, 'application': 'rest'}])
if application.state != 'validated':
    Application.validate_([application])
assert Application.check(application.key, 'rest') == application
result = application.key
'''

# The visits as the administrator sees them
VISITS = r'''
Visit = pool.get('care.visit')
result = {str(v.id): {
        'contract': v.contract.id, 'contractor': v.contractor.id,
        'external_id': v.external_id, 'caregiver_name': v.caregiver_name,
        'start': v.start.isoformat(), 'end': v.end.isoformat(),
        'note': v.note, 'state': v.state, 'reason': v.reason,
        'source': v.source, 'logged_at': v.logged_at.isoformat(),
        } for v in Visit.search([])}
'''

# The month's settlements (no visits: nothing to pay), settled as admin;
# {side: settlement id}.  Settling again changes nothing
SETTLED = r'''
Settlement = pool.get('care.settlement')
Settlement.settle('2025-03')
result = {side: Settlement.search([('contract', '=', contract)])[0].id
    for side, contract in params['contracts'].items()}
'''

# A settlement's figures and state as admin reads them
SETTLEMENT = r'''
Settlement = pool.get('care.settlement')
settlement = Settlement(params['id'])
result = [str(settlement.net), settlement.state, settlement.month,
    settlement.approved_by and settlement.approved_by.id]
'''


def at(text):
    """The Tryton JSON of Asia/Shanghai wall time 'YYYY-MM-DD HH:MM', in
    UTC as Tryton keeps datetimes"""
    utc = dt.datetime.fromisoformat(text) - SHANGHAI
    return {'__class__': 'datetime', 'year': utc.year, 'month': utc.month,
        'day': utc.day, 'hour': utc.hour, 'minute': utc.minute,
        'second': 0, 'microsecond': 0}


class RESTAnswer(support.HTTPAnswer):
    "The HTTP status and the decoded JSON body of a REST call"

    @property
    def message(self):
        "The message of an error answer (a UserError)"
        return self.data.get('message') if isinstance(self.data, dict) \
            else None


class ContractorRESTTestCase(support.CareServerMixin, unittest.TestCase):
    "Contractor A's app over the REST API, against B's visit"

    artifacts = 'contractor-rest'

    @classmethod
    def setUpClass(cls):
        cls.create_database(prefix='carerest')
        cls.ids = cls.database.python(SETUP, persons=[
                ['张桂兰', make_id_number('19400312', '102'), 36.24],
                ['李德福', make_id_number('19380521', '215'), 36.25]])
        cls.user_id = cls.database.create_contractor_user(LOGIN,
            'Contractor-' + secrets.token_hex(8), cls.ids['a']['contractor'],
            name='甲服务机构接口')
        cls.key = cls.database.python(APPLICATION, login=LOGIN)

        cls.start_server()
        cls.url = f'{cls.server.url}{cls.database.name}/rest/model/'

    # -- REST -----------------------------------------------------------------

    @classmethod
    def request(cls, method, path, body=None, key=True, query=None):
        """Call the REST API with A's key (or the key given, or none);
        return the RESTAnswer"""
        url = cls.url + path
        if query:
            url += '?' + query
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method,
            headers={'Accept-Language': 'en'})
        if data is not None:
            request.add_header('Content-Type', 'application/json')
        if key:
            token = cls.key if key is True else key
            request.add_header('Authorization', f'Bearer {token}')
        return support.send(request, RESTAnswer)

    def visit(self, external_id, start, end, **values):
        "The JSON body of A's app logging a meal for 张桂兰"
        return dict({
                'contract': self.ids['a']['contract'],
                'person': self.ids['a']['person'],
                'service': self.service('HC-MEAL'),
                'caregiver_name': '刘芳',
                'start': at(start),
                'end': at(end),
                'latitude': 36.24,
                'longitude': 115.67,
                'external_id': external_id,
                }, **values)

    @classmethod
    def service(cls, code):
        if not hasattr(cls, '_services'):
            cls._services = cls.database.python(
                "result = {s.code: s.id for s in "
                "pool.get('care.service').search([])}")
        return cls._services[code]

    def log(self, body):
        "POST the visit; fail unless it is stored; return the answer's data"
        answer = self.request('POST', 'care.visit', body)
        self.assertEqual(answer.status, 200, msg=repr(answer))
        return answer.data

    def visits(self):
        "{id: values} of every visit, as the administrator sees them"
        return {int(k): v for k, v in self.database.python(VISITS).items()}

    def assertRefused(self, answer, *statuses):
        "An error answer among the statuses, with nothing of B's in it"
        self.assertIn(answer.status, statuses, msg=repr(answer))
        self.assertNotIn('孙丽', answer.body)
        self.assertNotIn('B-0001', answer.body)

    # -- tests ----------------------------------------------------------------

    def test_key_required(self):
        "Without A's key, or with a made-up one, nothing is answered"
        for key in [None, secrets.token_hex(64)]:
            with self.subTest(key=key):
                answer = self.request('GET', 'care.visit', key=key)
                self.assertEqual(answer.status, 401, msg=repr(answer))
                answer = self.request('POST', 'care.visit',
                    self.visit('APP-KEY', '2025-03-20 11:30',
                        '2025-03-20 12:00'), key=key)
                self.assertEqual(answer.status, 401, msg=repr(answer))
        self.assertNotIn('APP-KEY',
            [v['external_id'] for v in self.visits().values()])

    def test_log_visit(self):
        """A valid visit is stored, accepted by the rules, from the API and
        logged by the server's clock"""
        before = dt.datetime.now()
        data = self.log(self.visit('APP-0001', '2025-03-10 11:30',
                '2025-03-10 12:00'))
        self.assertEqual(data['state'], 'accepted')
        self.assertIsNone(data['reason'])
        self.assertEqual(data['source'], 'api')
        self.assertEqual(data['external_id'], 'APP-0001')
        self.assertEqual(data['contract'], self.ids['a']['contract'])
        self.assertEqual(data['start'], at('2025-03-10 11:30'))
        # Logged now, long after the visit: flagged late, not rejected
        self.assertEqual(data['flags'], ['late'])
        stored = self.visits()[data['id']]
        self.assertEqual(stored['contractor'], self.ids['a']['contractor'])
        self.assertEqual(stored['source'], 'api')
        self.assertGreaterEqual(dt.datetime.fromisoformat(
                stored['logged_at']), before - dt.timedelta(minutes=1))

    def test_log_short_visit(self):
        "A meal of five minutes is stored rejected, with the reason"
        data = self.log(self.visit('APP-0002', '2025-03-11 11:30',
                '2025-03-11 11:35'))
        self.assertEqual((data['state'], data['reason']),
            ('rejected', 'too_short'))
        self.assertEqual(data['source'], 'api')

    def test_outcome_not_forged(self):
        "The app cannot send the state, source or logging time itself"
        for name, value in [('state', 'accepted'), ('source', 'import'),
                ('logged_at', at('2025-03-12 11:40')), ('flagged', False)]:
            with self.subTest(field=name):
                answer = self.request('POST', 'care.visit',
                    self.visit(f'APP-FORGED-{name}', '2025-03-12 11:30',
                        '2025-03-12 11:35', **{name: value}))
                self.assertRefused(answer, 400, 403)
        self.assertFalse([v for v in self.visits().values()
                if v['external_id'].startswith('APP-FORGED')])

    def test_lists_own_visits_only(self):
        "GET lists A's visits, all of them and none of B's"
        self.log(self.visit('APP-0003', '2025-03-13 11:30',
                '2025-03-13 12:00'))
        answer = self.request('GET', 'care.visit')
        self.assertEqual(answer.status, 200, msg=repr(answer))
        listed = sorted(row['id'] for row in answer.data)
        visits = self.visits()
        own = sorted(i for i, v in visits.items()
            if v['contractor'] == self.ids['a']['contractor'])
        self.assertEqual(listed, own)
        self.assertIn(self.ids['a']['visit'], listed)
        self.assertNotIn(self.ids['b']['visit'], listed)
        self.assertNotIn('孙丽', answer.body)
        answer = self.request('GET', f'care.visit/{self.ids["a"]["visit"]}')
        self.assertEqual(answer.status, 200, msg=repr(answer))
        self.assertEqual(answer.data['external_id'], 'A-0001')

    def test_other_visit_refused(self):
        """With A's key, B's visit is not found, changed nor deleted, and
        no visit is logged on B's contract"""
        b = self.ids['b']
        before = self.visits()[b['visit']]
        path = f'care.visit/{b["visit"]}'
        self.assertRefused(self.request('GET', path), 404, 403)
        self.assertRefused(self.request('GET', path,
                query='f=caregiver_name&f=external_id'), 404, 403)
        self.assertRefused(self.request('PUT', path,
                {'caregiver_name': '冒名', 'note': 'A was here'}), 404, 403)
        self.assertRefused(self.request('DELETE', path), 404, 403)
        self.assertRefused(self.request('POST', 'care.visit',
                self.visit('APP-ON-B', '2025-03-14 11:30', '2025-03-14 12:00',
                    contract=b['contract'], person=b['person'])),
            400, 403, 404)
        after = self.visits()
        self.assertEqual(after[b['visit']], before)
        self.assertFalse([v for v in after.values()
                if v['contract'] == b['contract']
                and v['external_id'] != 'B-0001'])

    def test_own_visit_locked_once_accepted(self):
        """A's app corrects and deletes its rejected visits; its accepted
        ones it can no longer change"""
        a = self.ids['a']
        answer = self.request('PUT', f'care.visit/{a["visit"]}',
            {'note': '补记'})
        self.assertEqual(answer.status, 400, msg=repr(answer))
        self.assertIn('"A-0001"', answer.message)
        self.assertIn('accepted', answer.message)
        self.assertIsNone(self.visits()[a['visit']]['note'])

        short = self.log(self.visit('APP-0004', '2025-03-15 11:30',
                '2025-03-15 11:35'))
        self.assertEqual(short['state'], 'rejected')
        answer = self.request('PUT', f'care.visit/{short["id"]}',
            {'end': at('2025-03-15 12:00')})
        self.assertEqual(answer.status, 200, msg=repr(answer))
        self.assertEqual((answer.data['state'], answer.data['reason']),
            ('accepted', None))

        wrong = self.log(self.visit('APP-0005', '2025-03-16 11:30',
                '2025-03-16 11:31'))
        answer = self.request('DELETE', f'care.visit/{wrong["id"]}')
        self.assertEqual(answer.status, 204, msg=repr(answer))
        self.assertNotIn(wrong['id'], self.visits())

    def test_own_settlement_not_rewritten(self):
        """A's app reads its settlement and cannot PUT its net, state,
        month or approver (issue 10: PUT care.settlement/18 was accepted)"""
        settled = self.database.python(SETTLED, contracts={
                side: self.ids[side]['contract'] for side in 'ab'})
        own = settled['a']
        before = self.database.python(SETTLEMENT, id=own)
        # the bureau's employee (admin's) as the approver
        approver = self.database.employee('admin')
        self.assertTrue(approver)
        answer = self.request('GET', f'care.settlement/{own}')
        self.assertEqual(answer.status, 200, msg=repr(answer))
        for values in [
                {'net': {'__class__': 'Decimal', 'decimal': '222164.15'}},
                {'state': 'approved'}, {'month': '2026-12'},
                {'approved_by': approver}]:
            with self.subTest(values=values):
                self.assertRefused(self.request('PUT',
                        f'care.settlement/{own}', values), 400, 403)
        self.assertRefused(self.request('DELETE', f'care.settlement/{own}'),
            400, 403)
        self.assertEqual(self.database.python(SETTLEMENT, id=own), before)

    def test_no_search_through_hidden_relations(self):
        """A search domain through a person's assignments (to B's contract
        too) or a visit's inspections is refused"""
        for domain in [
                [['person.care_assignments.contract', '=',
                        self.ids['b']['contract']]],
                [['checks.result', '=', 'pending']]]:
            with self.subTest(domain=domain):
                query = 'd=' + base64.urlsafe_b64encode(
                    json.dumps(domain).encode()).decode()
                answer = self.request('GET', 'care.visit', query=query)
                self.assertRefused(answer, 400, 403)
        # A plain domain works
        query = 'd=' + base64.urlsafe_b64encode(json.dumps(
                [['external_id', '=', 'A-0001']]).encode()).decode()
        answer = self.request('GET', 'care.visit', query=query)
        self.assertEqual(answer.status, 200, msg=repr(answer))
        self.assertEqual([r['id'] for r in answer.data],
            [self.ids['a']['visit']])

    def test_birth_date_not_read(self):
        """A's app reads its person's age, never the birth date (the 8
        masked digits of the number), nor searches visits by it"""
        path = f'social_assistance.person/{self.ids["a"]["person"]}'
        answer = self.request('GET', path, query='f=age&f=id_number')
        self.assertEqual(answer.status, 200, msg=repr(answer))
        self.assertEqual(answer.data['age'], whole_years(
                dt.date(1940, 3, 12)))
        self.assertNotIn('19400312', answer.body)
        # Trytond's REST leaves out the fields the user may not read
        answer = self.request('GET', path, query='f=birth_date')
        self.assertTrue(answer.status == 200 or 400 <= answer.status < 500,
            msg=repr(answer))
        self.assertNotIn('birth_date', answer.body)
        self.assertNotIn('1940', answer.body)
        query = 'd=' + base64.urlsafe_b64encode(json.dumps(
                [['person.birth_date', '=', {'__class__': 'date',
                            'year': 1940, 'month': 3, 'day': 12}]]
                ).encode()).decode()
        answer = self.request('GET', 'care.visit', query=query)
        self.assertRefused(answer, 400, 403)

    def test_bad_text_refused_cleanly(self):
        """An external id of 10,000 characters, a NUL in a name, a note over
        its size: a 400 naming the field and the limit, never a 5xx (on
        PostgreSQL the index or the driver would refuse them), nothing
        stored"""
        for name, values, words in [
                ('long-id', {'external_id': 'Y' * 10000},
                    ['External ID', '100']),
                ('nul', {'caregiver_name': '刘\x00芳'}, ['Caregiver', 'NUL']),
                ('long-note', {'note': '记' * 2001}, ['Note', '2000']),
                ]:
            with self.subTest(case=name):
                values.setdefault('external_id', f'APP-BAD-{name}')
                answer = self.request('POST', 'care.visit', self.visit(
                        start='2025-03-17 11:30', end='2025-03-17 12:00',
                        **values))
                self.assertEqual(answer.status, 400, msg=repr(answer))
                for word in words:
                    self.assertIn(word, answer.message)
                self.assertLess(len(answer.body), 2000)
        # Times that overflow the local calendar are refused, not a 5xx
        for start, end in [('0001-01-01 08:00', '0001-01-01 09:00'),
                ('9999-12-31 08:00', '9999-12-31 09:00')]:
            with self.subTest(start=start):
                answer = self.request('POST', 'care.visit', self.visit(
                        start=start, end=end,
                        external_id=f'APP-BAD-{start[:4]}'))
                self.assertEqual(answer.status, 400, msg=repr(answer))
                self.assertIn(start[:4].lstrip('0'), answer.message)
        self.assertFalse([v for v in self.visits().values()
                if v['external_id'].startswith(('APP-BAD', 'YYY'))])



# Age the JSON-RPC session of TOKEN by SECONDS, as if its user had left the
# client idle that long
AGE_SESSION = r'''
import datetime as dt
from trytond.transaction import Transaction
Session = pool.get('ir.session')
table = Session.__table__()
old = dt.datetime.now() - dt.timedelta(seconds=params['seconds'])
cursor = Transaction().connection.cursor()
cursor.execute(*table.update([table.create_date, table.write_date],
        [old, old], where=table.key == params['token']))
result = cursor.rowcount
'''


class MoneyOverRESTTestCase(support.CareServerMixin, unittest.TestCase):
    """Approval, payment and cancellation need a fresh login: a REST key
    (never a login) cannot press them, and a JSON-RPC session idle longer
    than Tryton's session timeout (300 s) cannot approve"""

    artifacts = 'money-rest'

    @classmethod
    def setUpClass(cls):
        from tests import test_concurrent_approval as race
        cls.create_database(prefix='caremoney')
        number = make_id_number()
        world = cls.database.python(race.SETUP, id_number=number,
            price=str(race.PRICE))
        cls.database.create_contractor_user('contractor_a',
            'Contractor-' + secrets.token_hex(8), world['contractor'],
            '甲居家养老服务中心')
        path = support.artifact_path('money-rest-visits.csv')
        with open(path, 'w', encoding='utf-8-sig', newline='') as file:
            file.write('外部编号,合同编号,身份证号,服务项目,服务人员,'
                '开始时间,结束时间\n')
            for day in range(3, 3 + race.MEALS):
                file.write(f'meal-{day},{world["contract"]},{number},'
                    'HC-MEAL,王芳,'
                    f'{race.MONTH}-{day:02d} 11:00,'
                    f'{race.MONTH}-{day:02d} 11:40\n')
        cls.database.care('import', 'visits', path, check=True)
        cls.database.care('settle', '--month', race.MONTH, check=True)
        cls.target = cls.database.python(race.TARGET, month=race.MONTH,
            contract=world['contract'])
        state = cls.database.python(race.CONFIRM, as_user='contractor_a',
            id=cls.target['id'])
        assert state == 'confirmed', state
        cls.outcome_code = race.OUTCOME
        cls.password = 'Officer-' + secrets.token_hex(8)
        cls.keys = {}
        # the officer approves: an employee of the bureau
        for login, group, employee in [
                ('officer', 'care_procurement.group_procurement', True),
                ('clerk', 'care_settlement.group_finance', False)]:
            cls.database.create_user(login, cls.password, [group],
                employee=employee)
            cls.keys[login] = cls.database.python(APPLICATION, login=login)
        cls.start_server()
        cls.rest = f'{cls.server.url}{cls.database.name}/rest/model/'
        cls.rpc = f'{cls.server.url}{cls.database.name}/rpc/'

    def outcome(self):
        return self.database.python(self.outcome_code, id=self.target['id'])

    def press(self, login, button):
        "POST the settlement's BUTTON with LOGIN's key; the RESTAnswer"
        request = urllib.request.Request(
            f'{self.rest}care.settlement/{self.target["id"]}/{button}',
            data=b'{}', method='POST', headers={
                'Content-Type': 'application/json',
                'Authorization': f'Bearer {self.keys[login]}'})
        return support.send(request, RESTAnswer)

    def jsonrpc(self, method, params, session=None):
        payload = json.dumps({'id': 1, 'method': method,
                'params': params}).encode()
        request = urllib.request.Request(self.rpc, data=payload,
            method='POST', headers={'Content-Type': 'application/json'})
        if session:
            login, user_id, token = session
            request.add_header('Authorization', 'Session ' + base64.b64encode(
                    f'{login}:{user_id}:{token}'.encode()).decode())
        return support.send(request, RESTAnswer)

    def login(self, login):
        answer = self.jsonrpc('common.db.login',
            [login, {'password': self.password}])
        self.assertEqual(answer.status, 200, msg=repr(answer))
        user_id, token, *_ = answer.data['result']
        return login, user_id, token

    def test_money_buttons_over_rest_and_stale_session(self):
        """The officer's key cannot approve nor cancel, the clerk's cannot
        pay; a session idle 10 minutes cannot approve; a fresh one can"""
        before = self.outcome()
        self.assertEqual(before['state'], 'confirmed')
        for login, button in [('officer', 'approve'), ('officer', 'cancel'),
                ('clerk', 'approve')]:
            with self.subTest(login=login, button=button):
                answer = self.press(login, button)
                self.assertTrue(400 <= answer.status < 500, repr(answer))
        self.assertEqual(self.outcome(), before)

        session = self.login('officer')
        context = self.jsonrpc('model.res.user.get_preferences',
            [True, {}], session).data['result']
        aged = self.database.python(AGE_SESSION, token=session[2],
            seconds=600)
        self.assertEqual(aged, 1)
        answer = self.jsonrpc('model.care.settlement.approve',
            [[self.target['id']], context], session)
        self.assertEqual(answer.status, 401, msg=repr(answer))
        self.assertEqual(self.outcome(), before)

        session = self.login('officer')
        answer = self.jsonrpc('model.care.settlement.approve',
            [[self.target['id']], context], session)
        self.assertEqual(answer.status, 200, msg=repr(answer))
        self.assertNotIn('error', answer.data or {}, msg=repr(answer))
        approved = self.outcome()
        self.assertEqual(approved['state'], 'invoiced')

        # Invoiced: the clerk's key can neither pay it nor the officer's
        # cancel it
        for login, button in [('clerk', 'pay'),
                ('officer', 'cancel'), ('clerk', 'draft')]:
            with self.subTest(login=login, button=button):
                answer = self.press(login, button)
                self.assertTrue(400 <= answer.status < 500, repr(answer))
        self.assertEqual(self.outcome(), approved)
        self.assertEqual(approved['payments'], [])

    def test_database_list_off(self):
        """Nobody learns the server's databases without logging in
        (tryton.conf [database] list = False); logging in still works"""
        # asked at the server's root, as sao's login dialog asks
        request = urllib.request.Request(self.server.url,
            data=json.dumps({'id': 1, 'method': 'common.db.list',
                    'params': []}).encode(),
            method='POST', headers={'Content-Type': 'application/json'})
        answer = support.send(request, RESTAnswer)
        self.assertTrue(400 <= answer.status < 500
            or 'error' in (answer.data or {}), msg=repr(answer))
        self.assertNotIn(self.database.name, answer.body)
        self.assertTrue(self.login('officer')[2])

    def test_bad_requests_are_user_errors(self):
        """An order clause with SQL in it, an order by a computed field, a
        20,000-term OR and a read of the past (_datetime) are answered with
        a user error or a 4xx, never a server error"""
        session = self.login('officer')
        context = self.jsonrpc('model.res.user.get_preferences',
            [True, {}], session).data['result']
        huge = ['OR'] + [['id', '=', i] for i in range(1, 20001)]
        for method, params in [
                ('model.care.settlement.search',
                    [[], 0, 10, [['month; SELECT 1', 'ASC']], context]),
                ('model.care.settlement.search',
                    [[], 0, 10, [['month', 'ASC; DROP TABLE x']], context]),
                ('model.care.settlement.search',
                    [[], 0, 10, [['contract.contractor.rec_name', 'ASC']],
                        context]),
                ('model.care.visit.search_read',
                    [[], 0, 10, [['flags', 'ASC']], ['id'], context]),
                ('model.care.visit.search', [huge, 0, 10, None, context]),
                ('model.care.visit.search_count', [huge, context]),
                ] + [('model.care.settlement.read', [[self.target['id']],
                        ['net', 'state', 'contract', 'lines'],
                        dict(context, _datetime={
                                '__class__': 'datetime', 'year': year,
                                'month': 1, 'day': 1, 'hour': 0,
                                'minute': 0, 'second': 0,
                                'microsecond': 0})])
                    for year in [2025, 2100]]:
            with self.subTest(method=method, params=str(params)[:120]):
                answer = self.jsonrpc(method, params, session)
                self.assertLess(answer.status, 500, msg=repr(answer))
                if answer.status == 200 and 'error' in answer.data:
                    self.assertEqual(answer.data['error'][0], 'UserError',
                        msg=repr(answer))
        # a good order still sorts
        answer = self.jsonrpc('model.care.settlement.search', [[], 0, 10,
                [['month', 'DESC'], ['contract.number', 'ASC']], context],
            session)
        self.assertEqual(answer.data.get('result'), [self.target['id']],
            msg=repr(answer))


if __name__ == '__main__':
    unittest.main()
