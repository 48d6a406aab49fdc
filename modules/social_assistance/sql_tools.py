# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for set-based work on the modules' tables with python-sql"
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


def insert_many(model, columns, rows):
    """Insert rows (lists of values for columns) into the model's table with
    create_uid and create_date set; return the new ids in row order."""
    transaction = Transaction()
    database = transaction.database
    connection = transaction.connection
    cursor = connection.cursor()
    table = model.__table__()
    columns = [getattr(table, c) for c in columns] + [
        table.create_uid, table.create_date]
    stamp = [transaction.user, CurrentTimestamp()]
    size = max(1, backend.MAX_QUERY_PARAMS // (len(columns) + 1))
    ids = []
    for chunk in grouped_slice(rows, size):
        chunk = [list(r) + stamp for r in chunk]
        new_ids = database.nextid(connection, model._table, count=len(chunk))
        if new_ids is not None and database.has_multirow_insert():
            cursor.execute(*table.insert(
                    columns + [table.id],
                    [r + [i] for r, i in zip(chunk, new_ids)]))
            ids.extend(new_ids)
        else:
            # SQLite has no sequences: one statement a row, still in-process
            for row in chunk:
                cursor.execute(*table.insert(columns, [row]))
                ids.append(database.lastid(cursor))
    return ids


def update_row(model, id_, values):
    "Update the columns of values (a dict) of one row, with write stamps"
    transaction = Transaction()
    table = model.__table__()
    columns = [getattr(table, c) for c in values] + [
        table.write_uid, table.write_date]
    cursor = transaction.connection.cursor()
    cursor.execute(*table.update(
            columns, list(values.values()) + [
                transaction.user, CurrentTimestamp()],
            where=table.id == id_))

