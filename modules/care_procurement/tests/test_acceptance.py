# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""履约验收 (政府采购法实施条例 art. 45): each contract is accepted at least
once a year and at its end, with service users' representatives and their
opinions counted; the result is published.  The contract shows when an
acceptance is due or the latest one failed; the acceptance report prints;
a contractor reads the published acceptances of its own contracts only."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import (
    ActivatedTestCase, content, create_bureau, create_contractors)

# The refusals name the article (in Chinese once translated)
ARTICLE = 'Implementing Regulations of the Government Procurement Law, art. 45'
REPORT = 'care.contract.acceptance.report'


class AcceptanceTestCase(ActivatedTestCase):
    "Contract acceptances"

    def build(self):
        """Two contractors, each with a contract that started 400 days ago
        and runs for another year; a contractor user each; return them"""
        pool = Pool()
        Service = pool.get('care.service')
        Contract = pool.get('care.contract')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Date = pool.get('ir.date')
        today = Date.today()

        company = create_bureau('莘县民政局')
        meal, = Service.search([('code', '=', 'HC-MEAL')])
        contractor_a, contractor_b = create_contractors(
            '甲居家养老服务中心', '乙养老服务有限公司')
        start = today - dt.timedelta(days=400)
        contract_a, contract_b = Contract.create([{
                    'company': company.id,
                    'contractor': contractor.id,
                    'kind': 'home_care',
                    'start_date': start,
                    'end_date': today + dt.timedelta(days=365),
                    'amount': Decimal(50000),
                    'lines': [('create', [{
                                    'service': meal.id,
                                    'unit_price': Decimal(15),
                                    }])],
                    } for contractor in [contractor_a, contractor_b]])
        Contract.run([contract_a, contract_b])

        def group(module, name):
            return ModelData.get_id(module, name)
        users = User.create([{
                    'login': login, 'name': login,
                    'groups': [('add', [group('care_procurement', name)])],
                    'care_contractor': contractor,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    } for login, name, contractor in [
                    ('contractor_a', 'group_contractor', contractor_a.id),
                    ('contractor_b', 'group_contractor', contractor_b.id),
                    ('officer', 'group_procurement', None),
                    ]])
        return SimpleNamespace(today=today, start=start, company=company,
            contracts=[contract_a, contract_b],
            contractors=[contractor_a, contractor_b],
            users={u.login: u.id for u in users})

    def acceptance(self, contract, **values):
        """A draft acceptance of the contract's first half year, ready to be
        done: two service users' representatives, 30 of 32 satisfied,
        passed, published"""
        Acceptance = Pool().get('care.contract.acceptance')
        start = contract.start_date
        period_to = start + dt.timedelta(days=180)
        values = {
            'contract': contract.id,
            'kind': 'interim',
            'period_from': start,
            'period_to': period_to,
            'date': period_to + dt.timedelta(days=10),
            'members': [('create', [
                        {'name': '刘建国', 'role': 'purchaser',
                            'organisation': '莘县民政局'},
                        {'name': '孙玉兰', 'role': 'user_representative',
                            'organisation': '燕店村'},
                        {'name': '赵长海', 'role': 'user_representative',
                            'organisation': '王奉村'},
                        ])],
            'surveyed': 32,
            'satisfied': 30,
            'opinions': '送餐准时，饭菜可口。',
            'result': 'pass',
            'published_date': period_to + dt.timedelta(days=12),
            **values}
        acceptance, = Acceptance.create([values])
        return acceptance

    def assert_refused(self, acceptance, text, article=True):
        "Done is refused naming art. 45 and the matter"
        Acceptance = Pool().get('care.contract.acceptance')
        with self.assertRaises(ValidationError) as cm:
            Acceptance.done([acceptance])
        if article:
            self.assertIn(ARTICLE, cm.exception.message)
        self.assertIn(text, cm.exception.message)
        self.assertEqual(Acceptance(acceptance.id).state, 'draft')

    # -- done ---------------------------------------------------------------

    @with_transaction()
    def test_done(self):
        "A complete acceptance is done: 30 of 32 satisfied, 93.75 %"
        Acceptance = Pool().get('care.contract.acceptance')
        data = self.build()
        acceptance = self.acceptance(data.contracts[0])
        self.assertEqual(acceptance.user_representatives, 2)
        self.assertAlmostEqual(acceptance.satisfaction_rate, 0.9375)
        self.assertEqual(acceptance.company, data.company)
        self.assertEqual(acceptance.contractor, data.contractors[0])
        Acceptance.done([acceptance])
        self.assertEqual(Acceptance(acceptance.id).state, 'done')

    @with_transaction()
    def test_done_refused_without_user_representative(self):
        "Without a service users' representative among the members: refused"
        Member = Pool().get('care.contract.acceptance.member')
        data = self.build()
        acceptance = self.acceptance(data.contracts[0])
        Member.write([m for m in acceptance.members
                if m.role == 'user_representative'], {'role': 'expert'})
        acceptance = type(acceptance)(acceptance.id)
        self.assertEqual(acceptance.user_representatives, 0)
        self.assert_refused(acceptance, "representative")

    @with_transaction()
    def test_done_refused_without_members(self):
        "No members at all: refused as having no representative"
        data = self.build()
        acceptance = self.acceptance(data.contracts[0], members=[])
        self.assert_refused(acceptance, "representative")

    @with_transaction()
    def test_done_refused_satisfied_over_surveyed(self):
        "More satisfied than surveyed: refused"
        data = self.build()
        acceptance = self.acceptance(data.contracts[0],
            surveyed=10, satisfied=11)
        self.assert_refused(acceptance, "11 satisfied")

    @with_transaction()
    def test_done_refused_nobody_surveyed(self):
        "No service user's opinion gathered: refused"
        data = self.build()
        acceptance = self.acceptance(data.contracts[0],
            surveyed=0, satisfied=0)
        self.assertIsNone(acceptance.satisfaction_rate)
        self.assert_refused(acceptance, "surveyed")

    @with_transaction()
    def test_done_refused_without_result(self):
        "No result: refused"
        data = self.build()
        acceptance = self.acceptance(data.contracts[0], result=None)
        self.assert_refused(acceptance, "passed or failed")

    @with_transaction()
    def test_done_refused_failed_without_findings(self):
        "A failure without findings: refused"
        data = self.build()
        acceptance = self.acceptance(data.contracts[0], result='fail')
        self.assert_refused(acceptance, "findings")

    @with_transaction()
    def test_done_refused_unpublished(self):
        "A result not published: refused"
        data = self.build()
        acceptance = self.acceptance(data.contracts[0], published_date=None)
        self.assert_refused(acceptance, "publish")

    @with_transaction()
    def test_done_refused_in_future(self):
        "An acceptance dated, or published, after today is not done yet"
        data = self.build()
        contract = data.contracts[0]
        tomorrow = data.today + dt.timedelta(days=1)
        for values in [{'date': tomorrow, 'published_date': tomorrow},
                {'date': data.today, 'published_date': tomorrow}]:
            with self.subTest(**values):
                acceptance = self.acceptance(contract,
                    period_to=data.today - dt.timedelta(days=1), **values)
                self.assert_refused(acceptance, str(tomorrow), article=False)

    @with_transaction()
    def test_done_is_final(self):
        "A done acceptance, published, changes no more, nor its members"
        pool = Pool()
        Acceptance = pool.get('care.contract.acceptance')
        Member = pool.get('care.contract.acceptance.member')
        data = self.build()
        acceptance = self.acceptance(data.contracts[0])
        Acceptance.done([acceptance])
        with self.assertRaises(AccessError):
            Acceptance.write([acceptance], {'result': 'fail'})
        with self.assertRaises(AccessError):
            Member.write(list(acceptance.members), {'name': 'X'})
        with self.assertRaises(AccessError):
            Acceptance.delete([acceptance])

    @with_transaction()
    def test_period(self):
        """The period lies in the contract's and ends before the acceptance;
        publication comes after it"""
        data = self.build()
        contract = data.contracts[0]
        for values in [
                {'period_from': contract.start_date - dt.timedelta(days=1)},
                {'period_to': contract.end_date + dt.timedelta(days=1),
                    'date': contract.end_date + dt.timedelta(days=2)},
                {'date': contract.start_date + dt.timedelta(days=100)},
                {'published_date': contract.start_date},
                ]:
            with self.subTest(**values):
                with self.assertRaises(ValidationError):
                    self.acceptance(contract, **values)

    @with_transaction()
    def test_draft_contract(self):
        "A draft contract is not accepted"
        Contract = Pool().get('care.contract')
        data = self.build()
        draft, = Contract.create([{
                    'company': data.company.id,
                    'contractor': data.contractors[0].id,
                    'kind': 'home_care',
                    'start_date': data.start,
                    'end_date': data.today,
                    'amount': Decimal(1000),
                    }])
        self.assertEqual(draft.state, 'draft')
        self.assertIsNone(draft.acceptance_state)
        with self.assertRaises(ValidationError):
            self.acceptance(draft)

    # -- the contract's acceptance state ------------------------------------

    @with_transaction()
    def test_acceptance_state(self):
        """Due a year after the start or the last acceptance, failed when
        the latest failed, due at the end until a final one is done"""
        pool = Pool()
        Acceptance = pool.get('care.contract.acceptance')
        Contract = pool.get('care.contract')
        data = self.build()
        contract = data.contracts[0]

        def state():
            return Contract(contract.id).acceptance_state

        # Started 400 days ago, never accepted
        self.assertEqual(state(), 'due')
        self.assertEqual(sorted(Contract.search([
                        ('acceptance_state', '=', 'due')])),
            sorted(data.contracts))
        # A draft acceptance does not count
        first = self.acceptance(contract)
        self.assertEqual(state(), 'due')
        # Done 220 days after the start: within the last year
        Acceptance.done([first])
        self.assertEqual(state(), 'ok')
        self.assertEqual(Contract.search([
                    ('acceptance_state', '=', 'ok')]), [contract])
        self.assertEqual(Contract.search([
                    ('acceptance_state', '!=', 'ok')]), [data.contracts[1]])

        # A failed acceptance of the next period
        second = self.acceptance(contract, kind='interim',
            period_from=first.period_to + dt.timedelta(days=1),
            period_to=data.today - dt.timedelta(days=5),
            date=data.today - dt.timedelta(days=2),
            published_date=data.today - dt.timedelta(days=1),
            satisfied=12, result='fail',
            findings='助餐服务多次未按计划送达。')
        Acceptance.done([second])
        self.assertEqual(state(), 'failed')
        self.assertEqual(sorted(Contract.search([
                        ('acceptance_state', 'in', ['failed', 'due'])])),
            sorted(data.contracts))
        self.assertEqual(Acceptance.latest_failed([contract.id]),
            {contract.id: second})

        # Re-accepted after the rectification: passed
        third = self.acceptance(contract,
            period_from=second.period_from, period_to=second.period_to,
            date=data.today, published_date=data.today)
        Acceptance.done([third])
        self.assertEqual(state(), 'ok')
        self.assertEqual(Acceptance.latest_failed([contract.id]), {})

        # Terminated yesterday without a final acceptance: due
        Contract.end_early([contract], data.today - dt.timedelta(days=1),
            'Moved out of the county.')
        self.assertEqual(state(), 'due')
        final = self.acceptance(contract, kind='final',
            period_from=contract.start_date,
            period_to=data.today - dt.timedelta(days=1),
            date=data.today, published_date=data.today)
        Acceptance.done([final])
        self.assertEqual(state(), 'ok')

    @with_transaction()
    def test_acceptance_state_new_contract(self):
        "A contract that started less than a year ago is not due yet"
        Contract = Pool().get('care.contract')
        data = self.build()
        contract = data.contracts[0]
        Contract.write([contract], {
                'start_date': data.today - dt.timedelta(days=200)})
        self.assertEqual(Contract(contract.id).acceptance_state, 'ok')

    @with_transaction()
    def test_acceptance_state_ended(self):
        """A contract closed, or past its end date, needs its final
        acceptance"""
        Contract = Pool().get('care.contract')
        data = self.build()
        closed, ended = data.contracts
        Contract.close([closed])
        self.assertEqual(Contract(closed.id).acceptance_state, 'due')
        Contract.write([ended], {
                'start_date': data.today - dt.timedelta(days=200),
                'end_date': data.today - dt.timedelta(days=1)})
        self.assertEqual(Contract(ended.id).state, 'running')
        self.assertEqual(Contract(ended.id).acceptance_state, 'due')

    # -- the report ---------------------------------------------------------

    @with_transaction()
    def test_report(self):
        "The acceptance report names the contract, team, opinions, result"
        pool = Pool()
        Acceptance = pool.get('care.contract.acceptance')
        Member = pool.get('care.contract.acceptance.member')
        data = self.build()
        acceptance = self.acceptance(data.contracts[1], result='fail',
            findings='助餐服务多次未按计划送达。')
        Acceptance.done([acceptance])
        with Transaction().set_context(language='zh_CN'):
            roles = dict(Member.fields_get(['role'])['role']['selection'])
            results = dict(
                Acceptance.fields_get(['result'])['result']['selection'])
            Report = pool.get(REPORT, type='report')
            xml = content(Report.execute([acceptance.id], {}))
        self.assertIn('政府购买服务履约验收书', xml)
        self.assertIn(data.contracts[1].number, xml)
        self.assertIn('乙养老服务有限公司', xml)
        self.assertIn('莘县民政局', xml)
        for name in ['刘建国', '孙玉兰', '赵长海', '燕店村']:
            self.assertIn(name, xml)
        self.assertIn(roles['user_representative'], xml)
        self.assertIn(roles['purchaser'], xml)
        self.assertIn('其中服务对象代表 2 人', xml)
        self.assertIn('征求服务对象意见 32 人，满意 30 人，满意率 93.8%', xml)
        self.assertIn('送餐准时，饭菜可口。', xml)
        self.assertIn(f'验收结果：{results["fail"]}', xml)
        self.assertIn('助餐服务多次未按计划送达。', xml)
        self.assertIn(str(acceptance.period_from), xml)
        self.assertIn(str(acceptance.published_date), xml)
        self.assertIn('《中华人民共和国政府采购法实施条例》第四十五条', xml)

    # -- who sees what ------------------------------------------------------

    @with_transaction()
    def test_contractor_reads_own_done_acceptances(self):
        """A contractor reads the done acceptances of its own contracts and
        their members; neither drafts nor another contractor's; it closes
        none"""
        pool = Pool()
        Acceptance = pool.get('care.contract.acceptance')
        Member = pool.get('care.contract.acceptance.member')
        Contract = pool.get('care.contract')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        data = self.build()
        action_id = ModelData.get_id('care_procurement', 'report_acceptance')
        contract_a, contract_b = data.contracts
        done_a = self.acceptance(contract_a)
        done_b = self.acceptance(contract_b)
        Acceptance.done([done_a, done_b])
        draft_a = self.acceptance(contract_a, kind='annual')

        transaction = Transaction()
        with transaction.set_user(data.users['contractor_a']):
            preferences = User.get_preferences(context_only=True)
            with transaction.set_context(preferences, _check_access=True):
                self.assertEqual(Acceptance.search([]), [done_a])
                with self.assertRaises(AccessError):
                    Acceptance.read([done_b.id], ['result'])
                with self.assertRaises(AccessError):
                    Acceptance.read([draft_a.id], ['result'])
                self.assertEqual(
                    sorted(Member.search([])), sorted(done_a.members))
                with self.assertRaises(AccessError):
                    Member.read([m.id for m in done_b.members], ['name'])
                contract, = Contract.read([contract_a.id],
                    ['acceptances', 'acceptance_state'])
                self.assertEqual(list(contract['acceptances']), [done_a.id])
                self.assertEqual(contract['acceptance_state'], 'ok')
                with self.assertRaises(AccessError):
                    Acceptance.write([done_a], {'opinions': 'X'})
                with self.assertRaises(AccessError):
                    Acceptance.create([{'contract': contract_a.id}])
                with self.assertRaises(AccessError):
                    Acceptance.done([Acceptance(draft_a.id)])
                # The print action is for the bureau (as the client calls it)
                Report = pool.get(REPORT, type='report')
                with self.assertRaises(AccessError):
                    Report.execute([done_a.id], {'action_id': action_id})

    @with_transaction()
    def test_officer_records_acceptance(self):
        "A procurement officer records, closes and prints an acceptance"
        pool = Pool()
        Acceptance = pool.get('care.contract.acceptance')
        User = pool.get('res.user')
        data = self.build()
        transaction = Transaction()
        with transaction.set_user(data.users['officer']):
            preferences = User.get_preferences(context_only=True)
            with transaction.set_context(preferences, _check_access=True):
                acceptance = self.acceptance(data.contracts[0])
                Acceptance.done([acceptance])
                self.assertEqual(acceptance.state, 'done')
                Report = pool.get(REPORT, type='report')
                self.assertIn('政府购买服务履约验收书',
                    content(Report.execute([acceptance.id], {})))
