import json

from django.contrib.auth.models import User
from django.core.management import call_command

from articles.models import Article, Author, Tag
from comments.models import Comment


def test_demo_loads_a_real_looking_site_once(client, db):
    for _ in range(2):
        call_command("load_demo", verbosity=0)
        call_command("load_demo_comments", verbosity=0)
    assert Article.objects.published().count() >= 20
    assert Author.objects.count() >= 5
    assert Tag.objects.count() >= 10
    assert all(article.image for article in Article.objects.all())
    approved = Comment.objects.approved().count()
    assert approved > 10 and Comment.objects.count() == approved
    assert Comment.objects.exclude(parent=None).exists()

    home = client.get("/")
    assert home.status_code == 200
    article = Article.objects.published().first()
    page = client.get(article.get_absolute_url()).text
    assert "Recommended For You" in page and "About the Author" in page


def test_demo_staff_get_random_passwords_kept_in_a_local_file(db, settings, tmp_path, capsys):
    settings.BASE_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    call_command("ensure_demo_staff")
    first_run = capsys.readouterr().out
    passwords = json.loads((tmp_path / ".demo-passwords").read_text())
    assert set(passwords) == {"editor", "journalist", "moderator"}
    assert len(set(passwords.values())) == 3
    for username, password in passwords.items():
        user = User.objects.get(username=username)
        assert user.is_staff and user.check_password(password)
        assert password in first_run
    assert User.objects.get(username="journalist").author.slug == "amira-haddad"

    call_command("ensure_demo_staff")
    assert json.loads((tmp_path / ".demo-passwords").read_text()) == passwords
    assert User.objects.filter(username__in=passwords).count() == 3
