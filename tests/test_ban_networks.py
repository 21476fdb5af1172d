from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from comments.models import Ban, Comment


def ban(value):
    """A ban of a client address or network, added as the admin form adds it."""
    made = Ban(kind=Ban.Kind.ADDRESS, value=value)
    made.full_clean()
    made.save()
    return made


@pytest.fixture
def post_from(article, reply_data):
    """Posts a reply from a client address and returns the comment stored."""
    def post(address, body):
        Client().post(reverse("comments:post", kwargs={"slug": article.slug}), reply_data(body=body),
                      REMOTE_ADDR=address)
        return Comment.objects.get(body=body)
    return post


def test_a_ban_of_one_ipv6_address_covers_its_64(post_from):
    ban("2001:db8:1:2::7")

    assert Ban.objects.get().value == "2001:db8:1:2::/64"
    assert post_from("2001:db8:1:2::7", "The banned address.").status == Comment.Status.SPAM
    assert post_from("2001:db8:1:2:ffff::1", "The next address.").status == Comment.Status.SPAM
    assert post_from("2001:db8:1:3::7", "Another network.").status == Comment.Status.PENDING


def test_a_ban_made_from_a_comment_covers_the_commenters_64(client, moderator, make_comment, post_from):
    comment = make_comment("Flooding.", ip_address="2001:db8:9:9::1")
    client.force_login(moderator)
    client.post(f"{reverse('admin:comments_comment_changelist')}?status=all", {
        "action": "ban_commenters", "_selected_action": [comment.pk], "apply": "yes", "kind": "address",
        "duration": "7"})

    assert post_from("2001:db8:9:9:1234::5", "From the same /64.").reason == "spam: blocked client address"


@pytest.mark.parametrize("network, inside, outside", [
    ("198.51.100.0/24", "198.51.100.200", "198.51.101.1"),
    ("203.0.113.64/26", "203.0.113.100", "203.0.113.10"),
    ("2001:db8::/32", "2001:db8:ffff:1::1", "2001:db9::1"),
    ("2001:db8:5:5::9/128", "2001:db8:5:5:1::1", "2001:db8:5:6::1"),  # never narrower than a /64
])
def test_a_ban_can_name_a_network_in_cidr_notation(post_from, network, inside, outside):
    ban(network)

    assert post_from(inside, "From inside.").status == Comment.Status.SPAM
    assert post_from(outside, "From outside.").status == Comment.Status.PENDING


def test_an_ipv4_client_seen_through_ipv6_is_matched_as_ipv4(post_from):
    ban("192.0.2.0/24")
    assert post_from("::ffff:192.0.2.9", "Mapped.").status == Comment.Status.SPAM


def test_matching_is_one_query_whatever_the_number_of_bans(django_assert_num_queries, make_ban):
    for n in range(50):
        make_ban(f"10.{n}.0.0/16", kind=Ban.Kind.ADDRESS)
    with django_assert_num_queries(1):
        assert list(Ban.objects.active().matching("reader@example.org", "10.7.3.3").values_list("value", flat=True)) \
            == ["10.7.0.0/16"]


def test_lifted_network_bans_stop_nothing(moderator, post_from):
    ban("198.51.100.0/24")
    Ban.objects.lift(by=moderator)
    assert post_from("198.51.100.1", "After the lift.").status == Comment.Status.PENDING


@pytest.mark.parametrize("value", ["198.51.100.0/33", "2001:db8::/129", "not-an-address/24", "198.51.100"])
def test_a_malformed_network_is_refused(value):
    with pytest.raises(ValidationError):
        Ban(kind=Ban.Kind.ADDRESS, value=value).full_clean()


def test_the_migration_widens_earlier_bans_of_one_ipv6_address_to_the_64(make_ban):
    migration = import_module("comments.migrations.0010_privacy_ban_networks_and_note_deletion")
    make_ban("2001:db8:1:2::7", kind=Ban.Kind.ADDRESS)  # stored as earlier bans were
    make_ban("192.0.2.7", kind=Ban.Kind.ADDRESS)

    migration.widen_ipv6_bans(apps, None)

    assert sorted(Ban.objects.values_list("value", flat=True)) == ["192.0.2.7", "2001:db8:1:2::/64"]
