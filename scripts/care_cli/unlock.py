"""care unlock LOGIN: forget the failed logins of a user, whom Tryton's
back-off ([session] max_attempt wrong passwords) makes wait before the next
attempt; the administrator does this once the owner of the account is known
to be the one asking."""
from . import database as db
from .i18n import _


def add_parser(subparsers):
    parser = subparsers.add_parser('unlock',
        help=_("clear a user's failed logins"),
        description=_('Delete the failed login attempts recorded for LOGIN '
            '(res.user.login.attempt), from every device and address, so '
            'that the user can log in again at once. Tryton forgets them by '
            'itself after the session timeout.'))
    parser.add_argument('login', metavar='LOGIN')
    parser.set_defaults(func=run)


def run(args):
    cleared = unlock(args.database, args.login)
    print(_('unlock: %(count)s failed logins of %(login)s cleared')
        % {'count': cleared, 'login': args.login})
    return 0


def unlock(database, login):
    "Delete the login attempts of LOGIN; return how many there were"
    return db.retried(_unlock, database, login)


def _unlock(database, login):
    with db.session(database) as pool:
        from trytond.transaction import Transaction
        User = pool.get('res.user')
        Attempt = pool.get('res.user.login.attempt')
        if not User.search([('login', '=', login)]):
            raise db.UnknownUser(login)
        # the attempts are kept by login and device, without access rights
        # of their own: as trytond itself removes them, in SQL
        table = Attempt.__table__()
        cursor = Transaction().connection.cursor()
        where = table.login == login[:Attempt.login.size]
        cursor.execute(*table.select(table.id, where=where))
        count = len(cursor.fetchall())
        cursor.execute(*table.delete(where=where))
        return count
