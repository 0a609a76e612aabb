from celery import shared_task

from barnehager import outbox


@shared_task(name="barnehager.tasks.dispatch_outbox", ignore_result=True)
def dispatch_outbox() -> int:
    """Beat, every minute: the outbox messages whose own send failed."""
    return outbox.send_waiting()
