from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from comments.retention import purge_client_data


class Command(BaseCommand):
    help = ("Clear client addresses and browsers of comments older than COMMENTS_KEEP_CLIENT_DAYS and delete "
            "expired sessions. Run it daily (see README “Privacy”).")

    def add_arguments(self, parser):
        parser.add_argument("--no-sessions", action="store_true", help="Leave expired sessions (clearsessions).")

    def handle(self, *args, **options):
        count = purge_client_data()
        if options["verbosity"]:
            self.stdout.write(f"Cleared the client address and browser of {count} comment(s) older than "
                              f"{settings.COMMENTS_KEEP_CLIENT_DAYS} days.")
        if not options["no_sessions"]:
            call_command("clearsessions")
            if options["verbosity"]:
                self.stdout.write("Deleted expired sessions.")
