# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Attachments and notes of a visit are locked with the visit"
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class VisitResourceMixin:
    """Refuse changing the attachments or notes of a frozen visit, and of an
    accepted one to a contractor (as Visit.check_modification does for the
    visit itself): Tryton only checks the write access to the visit"""
    __slots__ = ()

    @classmethod
    def check_visit_locked(cls, records):
        pool = Pool()
        Visit = pool.get('care.visit')
        User = pool.get('res.user')
        transaction = Transaction()
        if not transaction.user or not transaction.check_access:
            return
        visit_ids = {r.resource.id for r in cls.browse(records)
            if r.resource and r.resource.__name__ == Visit.__name__}
        if not visit_ids:
            return
        contractor = User.contractor_id() is not None
        for visit in Visit.browse(list(visit_ids)):
            if visit.frozen or (contractor and visit.state == 'accepted'):
                raise AccessError(gettext('care_visit.msg_visit_locked',
                        visit=visit.rec_name))

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls.check_visit_locked(records)
        return records

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        checked = []
        for records, values in zip(actions, actions):
            # Marking a note read is no change of the visit's record
            if values.keys() - {'unread'}:
                checked.extend(records)
        # Before (moving away from a locked visit) and after (onto one)
        cls.check_visit_locked(checked)
        super().write(*args)
        cls.check_visit_locked(checked)

    @classmethod
    def delete(cls, records):
        cls.check_visit_locked(records)
        super().delete(records)


class Attachment(VisitResourceMixin, metaclass=PoolMeta):
    __name__ = 'ir.attachment'


class Note(VisitResourceMixin, metaclass=PoolMeta):
    __name__ = 'ir.note'
