# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Logging a visit from a line of the service list (服务清单)"
from trytond.pyson import PYSONEncoder
from trytond.wizard import StateAction, Wizard


class LogVisit(Wizard):
    __name__ = 'care.visit.log_from_service_list'
    start = StateAction('care_visit.act_visit_new')

    def do_start(self, action):
        "A new visit of the line's contract, person and service"
        line = self.record
        defaults = {
            'default_contract': line.contract.id,
            'default_person': line.person.id,
            }
        if line.service:
            defaults['default_service'] = line.service.id
        action['pyson_context'] = PYSONEncoder().encode(defaults)
        action['name'] += f' {line.person.rec_name}'
        return action, {}
