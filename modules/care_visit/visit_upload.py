# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"A contractor uploads its visit logs (CSV or XLSX) in the client"
import os

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.social_assistance import tabular
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard


class UploadStart(ModelView):
    __name__ = 'care.visit.upload.start'
    __string__ = "Upload Visit Logs"
    file = fields.Binary("File", required=True, filename='filename',
        help="CSV (UTF-8 or GB18030) or XLSX with the columns of the "
        "visits format.")
    filename = fields.Char("File Name")


class UploadResult(ModelView):
    __name__ = 'care.visit.upload.result'
    __string__ = "Visit Logs Uploaded"
    summary = fields.Text("Summary", readonly=True)
    rejected = fields.Binary("Rejected Rows", readonly=True,
        filename='rejected_name',
        help="The rows not stored, with their line number and reason.")
    rejected_name = fields.Char("Rejected File Name", readonly=True)


class Upload(Wizard):
    __name__ = 'care.visit.upload'
    start = StateView('care.visit.upload.start',
        'care_visit.visit_upload_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView('care.visit.upload.result',
        'care_visit.visit_upload_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        "Store the file whole (one transaction), as `care import visits`"
        Log = Pool().get('care.visit.log')
        name = self.start.filename or ''
        try:
            headers, lines = tabular.read_table(self.start.file,
                xlsx=name.lower().endswith('.xlsx'))
            rows = tabular.field_rows(headers, lines, Log)
        except tabular.TableError as error:
            raise UserError(gettext('care_visit.msg_upload_' + error.code,
                    file=name, detail=error.detail))
        result = Log.import_rows(rows)
        self.result.summary = gettext('care_visit.msg_upload_summary',
            created=result.created, accepted=result.accepted,
            rejected=result.rejected_by_rules, unchanged=result.unchanged,
            rows=len(result.rejected))
        self.result.rejected = None
        self.result.rejected_name = None
        if result.rejected:
            cells = dict(lines)
            text = tabular.rejected_csv(headers,
                [(line, cells[line], reason)
                    for line, reason in result.rejected],
                *Log.rejected_headers())
            # With a BOM, so that a spreadsheet opens it as UTF-8
            self.result.rejected = ('\ufeff' + text).encode('utf-8')
            self.result.rejected_name = (
                os.path.splitext(name or 'visits')[0] + '.rejected.csv')
        return 'result'

    def default_result(self, fields):
        return {
            'summary': self.result.summary,
            'rejected': self.result.rejected,
            'rejected_name': self.result.rejected_name,
            }
