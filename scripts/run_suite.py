"""Run unittest suites given by module name and write their counts as JSON.

Used by scripts/test, one process per suite and backend, so that trytond's
pool and database settings start clean for each.
Usage: run_suite.py RESULT_FILE MODULE [MODULE ...]
"""
import json
import sys
import unittest


def main(result_file, names):
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    errors = 0
    for name in names:
        try:
            suite.addTests(loader.loadTestsFromName(name))
        except Exception as exception:
            print(f'cannot load {name}: {exception}', file=sys.stderr)
            errors += 1
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + errors + len(
        result.unexpectedSuccesses)
    skipped = len(result.skipped)
    # An error of setUpClass (or of a module fixture) counts as a failure
    # but is not one of the tests run
    test_errors = [e for e, _ in result.errors
        if not isinstance(e, unittest.suite._ErrorHolder)]
    passed = max(0, result.testsRun - len(result.failures) - len(test_errors)
        - len(result.unexpectedSuccesses) - skipped)
    with open(result_file, 'w') as file:
        json.dump({'passed': passed, 'failed': failed, 'skipped': skipped},
            file)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2:]))
