"""Reading and reducing overlap: a reader thread fetches the next blocks while the core reduces the
current one (file reads and the core both release the GIL). The queue holds READ_AHEAD_BLOCKS;
with the readers' BUFFERS_IN_FLIGHT = that + 2 rotating buffers (one being filled, one being
reduced), no buffer is refilled while still in use."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from .readers import Block
from .readers.base import READ_AHEAD_BLOCKS

_END = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def prefetched(blocks: Iterator[Block]) -> Iterator[Block]:
    q: queue.Queue = queue.Queue(maxsize=READ_AHEAD_BLOCKS)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for block in blocks:
                if not put(block):
                    return
            put(_END)
        except BaseException as e:  # handed to the consumer, which raises it as its own
            put(_Failed(e))

    # A daemon thread: after Ctrl-C the process exits without waiting for a read to finish.
    thread = threading.Thread(target=read, name="argreduce-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
