# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for set-based work on the modules' tables with python-sql"
from sql import Select
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.transaction import Transaction

# Above this many rows PostgreSQL gets them by COPY, several times faster
# than even a prepared INSERT executed for each
COPY_FROM = 50


def insert_many(model, columns, rows):
    """Insert rows (lists of values for columns) into the model's table with
    create_uid and create_date set; return the new ids in row order."""
    transaction = Transaction()
    database = transaction.database
    connection = transaction.connection
    cursor = connection.cursor()
    table = model.__table__()
    rows = list(rows)
    if not rows:
        return []
    targets = [getattr(table, c) for c in columns] + [
        table.create_uid, table.create_date]
    ids = database.nextid(connection, model._table, count=len(rows))
    if ids is None:
        # SQLite has no sequences: once inserted, the rows are the table's
        # last ones, as the transaction holds the database's write lock.
        # The time is asked once: SQLite's CURRENT_TIMESTAMP is a Python
        # function called for each row.
        cursor.execute(*Select([CurrentTimestamp()]))
        now, = cursor.fetchone()
        query, _ = tuple(table.insert(targets,
                [[None] * (len(columns) + 2)]))
        cursor.executemany(query, [list(row) + [transaction.user, now]
                for row in rows])
        cursor.execute(*table.select(table.id, order_by=[table.id.desc],
                limit=len(rows)))
        return sorted(i for i, in cursor)
    if len(rows) == 1:
        ids = [ids]
    if backend.name == 'postgresql' and len(rows) > COPY_FROM:
        _copy(cursor, model, columns, rows, ids)
        return ids
    # One statement executed for many parameter rows: a multi-row VALUES
    # would make the driver parse thousands of placeholders each time
    query, _ = tuple(table.insert(targets + [table.id],
            [[None] * len(columns) + [None, CurrentTimestamp(), None]]))
    cursor.executemany(query, [list(row) + [transaction.user, id_]
            for row, id_ in zip(rows, ids)])
    return ids


def _copy(cursor, model, columns, rows, ids):
    "Insert the rows with their ids through PostgreSQL's COPY"
    transaction = Transaction()
    cursor.execute(*Select([CurrentTimestamp()]))
    now, = cursor.fetchone()
    names = ', '.join(f'"{c}"' for c in list(columns) + [
            'create_uid', 'create_date', 'id'])
    with cursor.copy(
            f'COPY "{model._table}" ({names}) FROM STDIN') as copy:
        for row, id_ in zip(rows, ids):
            copy.write_row(list(row) + [transaction.user, now, id_])


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



def update_many(model, columns, rows):
    """Update columns of many rows in one statement executed for each: a row
    lists the values of columns (in SQL format) followed by the id"""
    if not rows:
        return
    transaction = Transaction()
    table = model.__table__()
    targets = [getattr(table, c) for c in columns] + [
        table.write_uid, table.write_date]
    # Placeholders only: the parameters come with each row
    query, _ = tuple(table.update(targets,
            [0] * len(columns) + [0, CurrentTimestamp()],
            where=table.id == 0))
    cursor = transaction.connection.cursor()
    cursor.executemany(query, [list(row[:-1]) + [transaction.user, row[-1]]
            for row in rows])
