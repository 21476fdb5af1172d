from django.core.management.base import BaseCommand

from comments import personal_data


class Command(BaseCommand):
    help = ("Erase the commenter with this email address: their comments are kept as “Anonymous” without email, "
            "client address, browser or website (or deleted with --delete-comments); notes on them, bans of the "
            "address and mail queued for it are deleted.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--delete-comments", action="store_true",
                            help="Delete the comments, and the replies under them, instead of keeping them.")

    def handle(self, *args, email, delete_comments, **options):
        done = personal_data.erase(email, delete_comments=delete_comments)
        self.stdout.write("; ".join(f"{what.replace('_', ' ')}: {count}" for what, count in done.items()))
