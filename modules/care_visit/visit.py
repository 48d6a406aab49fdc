# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.care_procurement.contract import ContractCompanyMixin
from trytond.modules.care_procurement.search_guard import (
    ProcurementSearchMixin)
from trytond.modules.social_assistance.person import MaskedIdNumberMixin
from trytond.modules.social_assistance.sql_tools import update_many
from trytond.modules.social_assistance.tabular import YEARS
from trytond.modules.social_assistance.text_check import TextCheckMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from . import local_time
from .visit_rules import CHUNK, REASONS, VisitRulesMixin

SOURCES = [
    ('client', "Tryton Client"),
    ('import', "File Import"),
    ('api', "REST API"),
    ]
STATES = [
    ('accepted', "Accepted"),
    ('rejected', "Rejected"),
    ]
FLAGS = [
    ('far', "Far from Home"),
    ('travel', "Impossible Travel"),
    ('late', "Late Entry"),
    ('hours', "Odd Hours"),
    ('reported_dead', "Person Reported Dead"),
    ]
# The fields the rules read: writing one of them re-evaluates the visit
RULE_FIELDS = {'contract', 'person', 'service', 'caregiver_name',
    'caregiver_id_number', 'start', 'end', 'latitude', 'longitude',
    'external_id'}
# The fields the stored facts of a visit alone derive from (local_time.py)
DERIVED_FROM = {'start', 'end', 'logged_at'}
COORDINATES = (9, 6)
# Relations from a contractor's own records to records its rules hide: a
# visit's inspections (pending ones are not shown to it) and a person's
# assignments (to other contractors' contracts too)
CONTRACTOR_PROTECTED_RELATIONS = {'checks', 'care_assignments'}


class VisitSearchMixin(ProcurementSearchMixin):
    """Refuse the searches of a contractor's user through relations that
    reach records its rules hide: Tryton applies no record rule inside a
    relational search path"""
    __slots__ = ()

    @classmethod
    def _search_forbidden(cls, path):
        User = Pool().get('res.user')
        return super()._search_forbidden(path) or bool(
            CONTRACTOR_PROTECTED_RELATIONS.intersection(path.split('.'))
            and User.contractor_id() is not None)


class Visit(
        ContractCompanyMixin, TextCheckMixin, MaskedIdNumberMixin,
        VisitRulesMixin, ModelSQL, ModelView):
    # A caregiver's number holds the birth date like any other
    # (DESIGN.md "Identity numbers"): masked outside the registry
    _masked_id_fields = {'caregiver_id_number'}
    __name__ = 'care.visit'
    _history = True
    _rec_name = 'external_id'

    _locked = {'readonly': Eval('state') == 'accepted'}

    contract = fields.Many2One('care.contract', "Contract", required=True,
        ondelete='RESTRICT', states=_locked,
        # Offered when logging; the rules judge what is stored
        domain=[If(Eval('id', -1) < 0, [('state', '=', 'running')], [])])
    contractor = fields.Many2One('party.party', "Contractor", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The contract's contractor, kept on the visit for the rules.")
    person = fields.Many2One('social_assistance.person', "Person",
        required=True, ondelete='RESTRICT', states=_locked,
        domain=[If(Eval('id', -1) < 0,
                [('care_assignments.contract', '=', Eval('contract', -1))],
                [])])
    town = fields.Function(fields.Many2One(
            'social_assistance.division', "Town"),
        'get_town', searcher='search_town')
    service = fields.Many2One('care.service', "Service", required=True,
        ondelete='RESTRICT', states=_locked,
        domain=[If(Eval('id', -1) < 0,
                [('id', 'in', Eval('contract_services', []))], [])])
    contract_services = fields.Function(fields.Many2Many(
            'care.service', None, None, "Contract Services"),
        'on_change_with_contract_services')
    caregiver_name = fields.Char(
        "Caregiver", required=True, size=100, states=_locked)
    caregiver_id_number = fields.Char("Caregiver Identity Number",
        size=18, states=_locked)
    start = fields.DateTime("Start", required=True, states=_locked)
    end = fields.DateTime("End", required=True, states=_locked)
    date = fields.Date("Date", readonly=True,
        help="The Asia/Shanghai date of the start.")
    month = fields.Char("Month", readonly=True)
    duration = fields.Integer("Minutes", readonly=True)
    latitude = fields.Float("Latitude", digits=COORDINATES, states=_locked,
        help="Where the caregiver checked in.")
    longitude = fields.Float("Longitude", digits=COORDINATES, states=_locked)
    external_id = fields.Char("External ID", size=100, states=_locked,
        help="The contractor's own identifier, unique in the contract; "
        "given from a sequence when left empty.")
    source = fields.Selection(SOURCES, "Source", readonly=True)
    logged_at = fields.DateTime("Logged At", readonly=True)
    note = fields.Text("Note", size=2000)
    state = fields.Selection(STATES, "State", readonly=True)
    reason = fields.Selection([(None, "")] + REASONS, "Reason",
        readonly=True, help="The first visit rule the visit fails.")
    base_reason = fields.Selection([(None, "")] + REASONS,
        "Reason Before Overlaps", readonly=True,
        help="The first of the rules that read the visit alone (1 to 6).")
    flag_far = fields.Boolean("Far from Home", readonly=True)
    flag_travel = fields.Boolean("Impossible Travel", readonly=True)
    flag_late = fields.Boolean("Late Entry", readonly=True)
    flag_hours = fields.Boolean("Odd Hours", readonly=True)
    flag_reported_dead = fields.Boolean("Person Reported Dead", readonly=True,
        help="A change report, pending or confirmed, says the person died "
        "on or before the day of the visit.")
    flagged = fields.Boolean("Flagged", readonly=True)
    flags = fields.Function(fields.MultiSelection(FLAGS, "Flags"),
        'get_flags')
    frozen = fields.Boolean("Frozen", readonly=True,
        help="Settled in an approved settlement: the rules leave it as it is.")
    checks = fields.Many2Many('care.check.visit', 'visit', 'check',
        "Inspections", readonly=True)

    del _locked

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('contract_external_id_unique',
                Unique(t, t.contract, t.external_id),
                'care_visit.msg_visit_external_id_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.contractor, Index.Range()),
                    (t.caregiver_name, Index.Equality()),
                    (t.start, Index.Range())),
                Index(t, (t.contractor, Index.Range()),
                    (t.caregiver_id_number, Index.Equality()),
                    (t.start, Index.Range())),
                Index(t, (t.contract, Index.Range()),
                    (t.month, Index.Equality())),
                Index(t, (t.person, Index.Range()),
                    (t.date, Index.Range())),
                Index(t, (t.month, Index.Equality()),
                    (t.flagged, Index.Equality())),
                })
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        # No __access__ on the contract: Tryton would grant the union of the
        # model's and the contract's access (every user reads contracts) and
        # OR the contract's record rules with the visit's own

    @classmethod
    def default_source(cls):
        # The Tryton clients send their client id in the context; the REST
        # API does not
        return 'client' if Transaction().context.get('client') else 'api'

    @classmethod
    def default_state(cls):
        return 'rejected'

    @classmethod
    def default_frozen(cls):
        return False

    @fields.depends('contract', '_parent_contract.lines')
    def on_change_with_contract_services(self, name=None):
        Contract = Pool().get('care.contract')
        # The client names any contract id: only one the user may read
        # shows its services (a search applies the record rules)
        if self.contract and (self.contract.id is None
                or self.contract.id < 0
                or Contract.search([('id', '=', self.contract.id)])):
            return [l.service.id for l in self.contract.lines]
        return []

    def get_town(self, name):
        return self.person.town.id if self.person.town else None

    @classmethod
    def search_town(cls, name, clause):
        return [('person.town',) + tuple(clause[1:])]

    def get_flags(self, name):
        return [f for f, _ in FLAGS if getattr(self, 'flag_' + f)]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Contract = pool.get('care.contract')
        values = super().preprocess_values(mode, values)
        cls.check_times_in_range(values)
        if mode == 'create':
            values.setdefault('logged_at', dt.datetime.now())
            if not values.get('external_id'):
                values['external_id'] = cls._external_id_sequence().get()
        if values.get('contract'):
            values['contractor'] = Contract(values['contract']).contractor.id
        if values.get('caregiver_id_number'):
            values['caregiver_id_number'] = (
                values['caregiver_id_number'].strip().upper())
        return values

    @classmethod
    def check_times_in_range(cls, values):
        """Times far outside the calendar of care (0001-01-01, 9999-12-31
        from a client or the REST API) are refused before the local date is
        derived from them, which they would overflow"""
        low, high = YEARS
        for name in ['start', 'end', 'logged_at']:
            value = values.get(name)
            if isinstance(value, dt.datetime) and not (
                    low <= value.year <= high):
                raise ValidationError(gettext(
                        'care_visit.msg_visit_time_out_of_range',
                        field=getattr(cls, name).string, value=value,
                        low=low, high=high))

    @classmethod
    def _external_id_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        return Sequence(ModelData.get_id('care_visit', 'sequence_visit'))

    @classmethod
    def validate_fields(cls, visits, field_names):
        Person = Pool().get('social_assistance.person')
        super().validate_fields(visits, field_names)
        if 'caregiver_id_number' in field_names:
            for visit in visits:
                if visit.caregiver_id_number:
                    Person.check_id_number(visit.caregiver_id_number,
                        cls.caregiver_id_number.string, visit.rec_name)
        if field_names & {'contract'}:
            cls.check_contract_running(visits)

    @classmethod
    def check_contract_running(cls, visits):
        "Contractors log visits on running contracts only"
        User = Pool().get('res.user')
        if User.contractor_id() is None:
            return
        for visit in visits:
            if visit.contract.state != 'running':
                raise ValidationError(gettext(
                        'care_visit.msg_visit_contract_not_running',
                        contract=visit.contract.rec_name))

    @classmethod
    def check_modification(cls, mode, visits, values=None, external=False):
        User = Pool().get('res.user')
        super().check_modification(
            mode, visits, values=values, external=external)
        if mode not in {'write', 'delete'}:
            return
        contractor = external and User.contractor_id() is not None
        for visit in visits:
            if visit.frozen or (contractor and visit.state == 'accepted'):
                raise AccessError(gettext('care_visit.msg_visit_locked',
                        visit=visit.rec_name))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or DERIVED_FROM & field_names:
            derived = local_time.derived(self.start, self.end, self.logged_at)
            values.update({name: value for name, value in derived.items()
                    if getattr(self, name) != value})
        return values

    @classmethod
    def on_modification(cls, mode, visits, field_names=None):
        super().on_modification(mode, visits, field_names=field_names)
        # Only party.replace writes the contractor alone: the caregivers of
        # the merged contractors meet in the rules that read their visits
        if mode == 'create' or (
                mode == 'write' and field_names == {'contractor'}):
            cls.evaluate([v.id for v in visits])

    @classmethod
    def on_write(cls, visits, values):
        callback = super().on_write(visits, values)
        if (RULE_FIELDS | DERIVED_FROM) & values.keys():
            ids = [v.id for v in visits]
            # Where the visits were before too: moving one away may clear
            # an overlap of its caregiver's others
            around = cls.neighbourhoods(ids)
            callback.append(lambda: cls.evaluate(ids, around))
        return callback

    @classmethod
    def on_delete(cls, visits):
        callback = super().on_delete(visits)
        # Deleting a visit may clear an overlap of its caregiver's others
        around = cls.neighbourhoods([v.id for v in visits])
        callback.append(lambda: cls.evaluate([], around))
        return callback

    @classmethod
    def derive(cls, ids):
        """Store the facts that depend on each visit alone for visits written
        in SQL (compute_fields does it for the ORM's writes)"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        columns = ['date', 'month', 'duration', 'flag_hours', 'flag_late']
        for sub_ids in grouped_slice(ids, CHUNK):
            cursor.execute(*table.select(table.id, table.start, table.end,
                    table.logged_at, where=table.id.in_(list(sub_ids))))
            rows = []
            for id_, start, end, logged_at in cursor.fetchall():
                values = local_time.derived(start, end, logged_at)
                rows.append([getattr(cls, c).sql_format(values[c])
                        for c in columns] + [id_])
            update_many(cls, columns, rows)

    @classmethod
    def __json__(cls, usages=None):
        return super().__json__(usages) + [
            'contract', 'person', 'service', 'caregiver_name', 'start',
            'end', 'external_id', 'source', 'state', 'reason', 'flags']

