"""care serve: trytond with the sao web client."""
import os
import subprocess
import sys

from .i18n import _


def add_parser(subparsers):
    parser = subparsers.add_parser('serve',
        help=_('run trytond with the web client'),
        description=_('Run trytond with the sao web client, by default on '
            'http://localhost:8000/. The web client is installed on first '
            'use by scripts/install-sao.'))
    parser.add_argument('--listen', metavar='HOST:PORT',
        help=_('address to listen on (default: localhost:8000)'))
    parser.set_defaults(func=run)


def run(args):
    from trytond.config import config
    root = config.get('web', 'root')
    if not os.path.isfile(os.path.join(root, 'index.html')):
        installer = os.path.join(
            os.path.dirname(os.path.abspath(args.config)),
            'scripts', 'install-sao')
        print(_('Installing the web client into %s') % root, file=sys.stderr)
        subprocess.run([installer], check=True)
    env = dict(os.environ)
    if args.listen:
        env['TRYTOND_WEB__LISTEN'] = args.listen
    listen = env.get('TRYTOND_WEB__LISTEN') or config.get('web', 'listen')
    print(_('Web client on http://%s/ (database "%s")') % (
            listen, args.database), flush=True)
    trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
    # -d loads the database's pool at start: trytond 8.0.12 fails the first
    # login to a database it has not loaded yet
    os.execve(trytond, [trytond, '-c', os.path.abspath(args.config),
            '-d', args.database], env)
