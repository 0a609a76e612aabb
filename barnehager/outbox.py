"""The transactional outbox: work that must follow a change (an e-mail, a report) is
written to the database with the change and handed to Celery after the commit.

`enqueue` stores the message in the caller's transaction and, once that commits, tries to
send it at once with the broker's short timeouts; a broker that is down costs the request
at most a second and loses nothing. The beat task `barnehager.dispatch_outbox` sends what is
still waiting, every minute. A message carries its uuid as the Celery task id, and
`OutboxTask` runs a message's task once however often it is delivered.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from barnehager.models import OutboxMessage

log = logging.getLogger(__name__)

# Messages younger than this are left to their request's own attempt.
SWEEP_AFTER = timedelta(seconds=30)
SWEEP_BATCH = 200


def enqueue(task_name: str, *args: Any, message_id: str | None = None,
            **kwargs: Any) -> OutboxMessage:
    """Records that `task_name` must run with these (JSON) arguments once the current
    transaction commits. `message_id` (a uuid) becomes the Celery task id."""
    message = OutboxMessage.objects.create(task=task_name, args=list(args), kwargs=kwargs,
                                           **({"uuid": message_id} if message_id else {}))
    transaction.on_commit(lambda: send(message.pk))
    return message


def send(pk: int) -> bool:
    """Hands one message to Celery; True when the broker took it. Never raises."""
    message = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).first()
    if message is None:
        return True
    OutboxMessage.objects.filter(pk=pk).update(attempts=F("attempts") + 1)
    task = _task(message.task)
    options = {"args": message.args, "kwargs": message.kwargs, "task_id": str(message.uuid)}
    if current_app.conf.task_always_eager:
        # No broker (the embedded default, the tests): the task runs here and now, and its
        # own errors reach the caller as they would without the outbox.
        task.apply_async(**options)
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now())
        return True
    try:
        task.apply_async(**options, retry=False)
    except Exception as error:  # noqa: BLE001 - the broker is unreachable: the sweep tries again
        log.warning("Outbox message %s not sent: %r", message.uuid, error)
        OutboxMessage.objects.filter(pk=pk).update(last_error=repr(error)[:500])
        return False
    OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


def _task(name: str) -> Task:
    """The registered task; a web process imports the apps' task modules on first use
    (Celery discovers them only when a worker or beat starts)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def send_waiting() -> int:
    """Sends the messages still waiting; returns how many the broker took."""
    cutoff = timezone.now() - SWEEP_AFTER
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
    return sum(send(pk) for pk in waiting.order_by("pk").values_list("pk", flat=True)[
        :SWEEP_BATCH])


class OutboxTask(Task):
    """A task run from the outbox runs once per message: a second delivery of a message
    whose task has already finished (a sweep racing the request's own send, a worker
    killed after the work but before its acknowledgement) does nothing."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        task_id = self.request.id
        if task_id and OutboxMessage.objects.filter(uuid=task_id, done_at__isnull=False).exists():
            log.info("Outbox message %s already done; delivery ignored", task_id)
            return None
        result = super().__call__(*args, **kwargs)
        if task_id:
            OutboxMessage.objects.filter(uuid=task_id).update(done_at=timezone.now())
        return result
