import json
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.models import Author

DEMO_STAFF = {
    "editor": {"group": "Editor", "email": "editor@newsroom.invalid"},
    "journalist": {"group": "Journalist", "email": "journalist@newsroom.invalid", "author": "amira-haddad"},
    "moderator": {"group": "Moderator", "email": "moderator@newsroom.invalid"},
}


class Command(BaseCommand):
    help = (
        "Make sure the demo staff accounts exist, with random passwords made on the first run and kept in "
        "the git-ignored file .demo-passwords; print them."
    )

    def handle(self, *args, **options):
        password_file = settings.BASE_DIR / ".demo-passwords"
        passwords = json.loads(password_file.read_text()) if password_file.exists() else {}
        for username in DEMO_STAFF:
            passwords.setdefault(username, secrets.token_urlsafe(12))
        password_file.write_text(json.dumps(passwords, indent=2) + "\n")
        password_file.chmod(0o600)

        User = get_user_model()
        self.stdout.write("Demo staff accounts (log in at /admin/):")
        for username, account in DEMO_STAFF.items():
            user, _ = User.objects.get_or_create(username=username, defaults={"email": account["email"]})
            user.is_staff = True
            if not user.check_password(passwords[username]):
                user.set_password(passwords[username])
            user.save()
            user.groups.add(Group.objects.get(name=account["group"]))
            if "author" in account:
                Author.objects.filter(slug=account["author"], user=None).update(user=user)
            self.stdout.write(f"  {account['group']:<10} username: {username:<11} password: {passwords[username]}")
