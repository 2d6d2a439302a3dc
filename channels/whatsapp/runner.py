"""Who runs the replies: worker threads inside the bridge (default), or an RQ queue.

Either way the database decides who answers: a job is only a hint "message N is waiting";
the worker that claims the row does the work, any other finds nothing to do. So a job
delivered twice, two runners, or a restart with work left over all still answer once.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from . import ledger

log = logging.getLogger(__name__)

# The responder of this process, for RQ jobs (set by the worker command and by the app).
CURRENT = {}


def worker_name(kind: str) -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{kind}:{uuid.uuid4().hex[:8]}"


class ThreadRunner:
    """A pool of threads started with the app: each waits for a wake-up (a stored
    message) or its poll interval, then claims and answers messages until none is left.
    The poll also takes over messages whose worker died (its lease ran out)."""

    def __init__(self, responder, workers: int, poll: float):
        self.responder = responder
        self.sessions = responder.sessions
        self.count = workers
        self.poll = poll
        self.wakeup = threading.Condition()
        self.pending_wakeups = 0
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> "ThreadRunner":
        for n in range(self.count):
            thread = threading.Thread(target=self._loop, name=f"whatsapp-worker-{n}",
                                      args=(worker_name(f"t{n}"),), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def submit(self, inbound_id: int) -> None:
        with self.wakeup:
            self.pending_wakeups += 1
            self.wakeup.notify()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        with self.wakeup:
            self.wakeup.notify_all()
        for thread in self.threads:
            thread.join(timeout)

    def _loop(self, name: str) -> None:
        while not self.stopping.is_set():
            try:
                self.drain(name)
            except Exception:  # the database went away for a moment: keep the thread
                log.exception("WhatsApp worker error")
            with self.wakeup:
                if not self.pending_wakeups and not self.stopping.is_set():
                    self.wakeup.wait(self.poll)
                self.pending_wakeups = 0

    def drain(self, name: str) -> int:
        """Answer waiting messages until there are none this worker can take."""
        done = 0
        while not self.stopping.is_set():
            worked = False
            for inbound_id in ledger.waiting(self.sessions):
                if self.responder.process(inbound_id, name):
                    worked = True
                    done += 1
                    break
            if not worked:
                return done
        return done


class RQRunner:
    """Jobs on a Redis queue; `fahad-bridge whatsapp worker` runs them."""

    QUEUE = "fahad-whatsapp"

    def __init__(self, responder, redis_url: str):
        from redis import Redis
        from rq import Queue

        self.responder = responder
        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(self.QUEUE, connection=self.connection)

    # A message still waiting this long after it arrived lost its job (Redis was down when
    # the webhook queued it, or a worker died): the sweep queues it again.
    SWEEP_AFTER = 60.0

    def start(self) -> "RQRunner":
        self.stopping = threading.Event()
        self.sweeper = threading.Thread(target=self._sweep, name="whatsapp-rq-sweep",
                                        daemon=True)
        self.sweeper.start()
        return self

    def submit(self, inbound_id: int) -> None:
        self.queue.enqueue(answer, inbound_id, result_ttl=0, failure_ttl=86400)

    def recover(self, older_than: float = 0) -> int:
        """Queue every message stored but not answered (after a restart or lost jobs)."""
        waiting = ledger.waiting(self.responder.sessions, limit=10_000, older_than=older_than)
        for inbound_id in waiting:
            self.submit(inbound_id)
        return len(waiting)

    def _sweep(self) -> None:
        older_than = 0.0  # the first pass, at startup, takes everything waiting
        while not self.stopping.is_set():
            try:
                self.recover(older_than)
            except Exception as exc:  # Redis or the database away for a moment
                log.error("could not queue waiting WhatsApp messages: %s", type(exc).__name__)
            older_than = self.SWEEP_AFTER
            self.stopping.wait(self.SWEEP_AFTER)

    def stop(self, timeout: float = 5.0) -> None:
        stopping = getattr(self, "stopping", None)
        if stopping is not None:
            stopping.set()
            self.sweeper.join(timeout)
        self.connection.close()


def answer(inbound_id: int) -> bool:
    """The RQ job: answer one message with this process's responder. A customer's later
    message can't be claimed while this one is open, so its job may have come and gone:
    queue it again now that its turn has come."""
    responder = CURRENT["responder"]
    worked = responder.process(inbound_id, CURRENT.get("name") or worker_name("rq"))
    following = ledger.next_of_customer(responder.sessions, inbound_id)
    if worked and following is not None and CURRENT.get("runner") is not None:
        CURRENT["runner"].submit(following)
    return worked
