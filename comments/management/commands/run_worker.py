import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from comments import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the task queue's worker (mail, bulk decisions) and queue the periodic jobs when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30, help="Seconds between looks for due jobs.")

    def handle(self, *args, interval, **options):
        stopped = threading.Event()
        scheduler = threading.Thread(target=self.schedule, args=(stopped, interval), daemon=True)
        scheduler.start()
        try:
            call_command("db_worker", reload=False)
        finally:
            stopped.set()

    def schedule(self, stopped, interval):
        while not stopped.is_set():
            try:
                queued = schedule.queue_due_jobs()
                if queued:
                    logger.info("Queued periodic jobs: %s", ", ".join(queued))
            except Exception:  # noqa: BLE001 - a database blip must not stop the schedule for good
                logger.exception("Periodic jobs not queued; trying again later")
            finally:
                close_old_connections()
            stopped.wait(interval)
