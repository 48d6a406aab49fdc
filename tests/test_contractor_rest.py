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


if __name__ == '__main__':
    unittest.main()
