"""Functions the worker-backend tests run inside worker processes."""
import ctypes
import os
import signal
import time

import __main__


def pid():
    return os.getpid()


def segfault():
    ctypes.string_at(0)


def exit_now(code):
    os._exit(code)


def sleep(seconds):
    time.sleep(seconds)
    return "slept"


def stuck(seconds):
    # Stands for C code that never returns to the interpreter: the interrupt cannot reach it.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    time.sleep(seconds)
    return "stuck"


def garbage():
    os.write(__main__.FRAME_FD, b"\x10\x00\x00\x00this is not json")
    time.sleep(5)


def oversized():
    os.write(__main__.FRAME_FD, b"\xff\xff\xff\x7f")
    time.sleep(5)


def _reply(body):
    data = body.replace(b"SEQ", str(__main__.CURRENT_SEQ).encode())
    os.write(__main__.FRAME_FD, len(data).to_bytes(4, "little") + data)
    time.sleep(5)


def undecodable():
    _reply(b'{"seq":SEQ,"ok":{"__type__":"bytes","__schema__":1,"data":"***"}}')


def wrong_seq():
    _reply(b'{"seq":999999,"ok":1}')


def print_to_stdout():
    print("user output goes to stderr, not into the frame stream")
    return 7


def count_primes(n):
    count = 0
    for k in range(2, n):
        for d in range(2, int(k ** 0.5) + 1):
            if k % d == 0:
                break
        else:
            count += 1
    return count


class Counter:
    def __init__(self, start=0):
        self.value = start

    def add(self, n=1):
        self.value += n
        return self.value
