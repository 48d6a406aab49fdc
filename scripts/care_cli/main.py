"""The `care` command (DESIGN.md "Command line").

Exit codes: 0 all good; 3 done, but some input rows were not stored; 2
unusable input or arguments; 1 anything else.
"""
import argparse
import os
import sys

from . import database as db
from .i18n import N_, _
from .tabular import UnusableInput

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3

# argparse's own words, so that the catalogue holds their translations
ARGPARSE_WORDS = [
    N_('usage: '), N_('options'), N_('positional arguments'),
    N_('show this help message and exit'),
    N_('the following arguments are required: %s'),
    N_('unrecognized arguments: %s'),
    N_('invalid choice: %(value)r (choose from %(choices)s)'),
    N_('argument %(argument_name)s: %(message)s'),
    N_('invalid %(type)s value: %(value)r'),
    N_('expected one argument'),
    ]
# argparse looks its words up through these module globals
argparse._ = _
argparse.ngettext = lambda singular, plural, n: _(
    singular if n == 1 else plural)


class Parser(argparse.ArgumentParser):
    "argparse with exit code 2 and Chinese words for its own messages"

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, _('care: error: %s') % message + '\n')


def parser():
    from . import (
        charts, checks, demo, import_persons, import_statement,
        import_visits, init, pay, reconcile, serve, service_list, settle,
        unlock)
    main = Parser(prog='care',
        description=_('Shenqing Care: care services bought for extreme-poverty '
            'persons.'))
    main.add_argument('-c', '--config', default=os.environ.get(
            'CARE_CONFIG', 'tryton.conf'),
        help=_('trytond configuration file (default: tryton.conf)'))
    main.add_argument('-d', '--database', default='care',
        help=_('database name (default: care)'))
    commands = main.add_subparsers(title=_('commands'), metavar='COMMAND',
        parser_class=Parser)
    commands.required = True
    init.add_parser(commands)
    demo.add_parser(commands)
    imports = commands.add_parser('import',
        help=_('import a file'), description=_('Import a file.'))
    kinds = imports.add_subparsers(title=_('kinds'), metavar='KIND',
        parser_class=Parser)
    kinds.required = True
    import_persons.add_parser(kinds)
    import_visits.add_parser(kinds)
    import_statement.add_parser(kinds)
    checks.add_parser(commands)
    settle.add_parser(commands)
    pay.add_parser(commands)
    reconcile.add_parser(commands)
    service_list.add_parser(commands)
    charts.add_parser(commands)
    serve.add_parser(commands)
    unlock.add_parser(commands)
    return main


def main(argv=None):
    args = parser().parse_args(argv)
    if not os.path.isfile(args.config):
        print(_('care: configuration file not found: %s') % args.config,
            file=sys.stderr)
        return EXIT_USAGE
    db.load_config(args.config)
    from trytond.backend import DatabaseOperationalError
    from trytond.exceptions import UserError, UserWarning
    try:
        return args.func(args)
    except db.UnknownUser as error:
        print(_('care: no user has the login "%s"') % error, file=sys.stderr)
        return EXIT_USAGE
    except (db.Busy, DatabaseOperationalError):
        # a concurrent run holds the records (retried already where the
        # command can start again): no traceback, the operator runs it later
        print(_('care: another run is working on the same records (the '
                'same month or statement); nothing was changed by this one: '
                'run it again when the other has finished'), file=sys.stderr)
        return EXIT_ERROR
    except db.MissingDatabase as error:
        print(_('care: the database "%s" does not exist: create it with '
                '"care init" (or "care demo")') % error, file=sys.stderr)
        return EXIT_ERROR
    except UnusableInput as error:
        print(_('care: %s') % error, file=sys.stderr)
        return EXIT_USAGE
    except (UserError, UserWarning) as error:
        print(_('care: %s') % error.message, file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR


if __name__ == '__main__':
    sys.exit(main())
