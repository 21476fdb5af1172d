import json

from django.core.management.base import BaseCommand

from comments import personal_data


class Command(BaseCommand):
    help = "Print, as JSON, everything stored about the commenter with this email address (a data request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(personal_data.export(email), indent=2, ensure_ascii=False))
