# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A contractor logs a visit from a line of its service list: the new visit
comes with the line's contract, person and service."""

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_world, local


class LogFromServiceListTestCase(ActivatedTestCase):
    "Log a visit from the service list"

    @with_transaction()
    def test_log_visit_from_line(self):
        "The wizard opens a new visit with the line's facts as defaults"
        pool = Pool()
        ServiceList = pool.get('care.service_list')
        Visit = pool.get('care.visit')
        Plan = pool.get('care.contract.assignment.plan')
        LogVisit = pool.get('care.visit.log_from_service_list',
            type='wizard')
        world = create_world()
        assignment = world.persons[0].care_assignments[0]
        Plan.create([{'assignment': assignment.id,
                    'service': world.services['HC-MEAL'].id, 'quantity': 8}])
        with Transaction().set_context(service_month='2025-03'):
            line, = ServiceList.search([
                    ('person', '=', world.persons[0].id)])
            session_id, _, _ = LogVisit.create()
            with Transaction().set_context(
                    active_model='care.service_list', active_id=line.id,
                    active_ids=[line.id]):
                result = LogVisit.execute(session_id, {}, 'start')
        action, = result['actions']
        context = PYSONDecoder().decode(action[0]['pyson_context'])
        self.assertEqual(context, {
                'default_contract': world.contracts[0].id,
                'default_person': world.persons[0].id,
                'default_service': world.services['HC-MEAL'].id,
                })
        self.assertEqual(action[0]['res_model'], 'care.visit')

        with Transaction().set_context(**context):
            visit = Visit(caregiver_name='刘芳',
                start=local('2025-03-03 09:00'),
                end=local('2025-03-03 09:40'),
                latitude=world.persons[0].latitude,
                longitude=world.persons[0].longitude,
                logged_at=local('2025-03-03 10:00'))
            visit.save()
        visit = Visit(visit.id)
        self.assertEqual((visit.contract, visit.person, visit.service),
            (world.contracts[0], world.persons[0],
                world.services['HC-MEAL']))
        self.assertEqual(visit.state, 'accepted')
        self.assertTrue(visit.external_id.startswith('FW'))
