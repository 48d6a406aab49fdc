"A progress bar on a terminal, plain lines in a pipe"
import sys
import time

WIDTH = 30


class Progress:

    def __init__(self, label, total, stream=None):
        self.label, self.total = label, max(total, 1)
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last_tenth = -1

    def __call__(self, done):
        fraction = min(done / self.total, 1)
        if self.tty:
            filled = int(WIDTH * fraction)
            bar = '#' * filled + '-' * (WIDTH - filled)
            self.stream.write(
                f'\r{self.label} [{bar}] {done}/{self.total}')
            self.stream.flush()
        else:
            # One line a tenth, so that logs stay short
            tenth = int(fraction * 10)
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(f'{self.label}: {done}/{self.total}\n')

    def close(self):
        if self.tty:
            self.stream.write('\n')
        self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
