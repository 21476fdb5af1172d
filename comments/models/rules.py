"""What decides a new comment's fate: watchlist and blocklist words, strict tags, bans."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Lower
from django.utils import timezone

from articles.models import Tag
from articles.sanitize import strip_control_characters
from comments.networks import ban_value, enclosing_values


class WordRule(models.Model):
    """A word or phrase that holds a comment for review (watchlist) or sends it to spam (blocklist)."""

    class Action(models.TextChoices):
        HOLD = "hold", "Hold for review (watchlist)"
        SPAM = "spam", "Send to spam (blocklist)"

    phrase = models.CharField(
        max_length=100,
        help_text="Matched as whole words in the comment and the name, whatever the case, also when disguised "
                  "with repeated letters, dots, dashes or spaces (“baaad”, “b.a.d”).",
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.HOLD)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(Lower("phrase"), name="wordrule_phrase_unique",
                                    violation_error_message="This word or phrase is already listed."),
        ]
        verbose_name = "watchlist or blocklist word"
        verbose_name_plural = "watchlist and blocklist"

    def __str__(self):
        return self.phrase

    def clean(self):
        self.phrase = " ".join(strip_control_characters(self.phrase or "").split())
        if not any(character.isalnum() for character in self.phrase):
            raise ValidationError({"phrase": "Enter a word or phrase with at least one letter or digit."})


class StrictTag(models.Model):
    """Stricter moderation for the articles carrying a tag, whatever the site's defaults."""

    tag = models.OneToOneField(Tag, on_delete=models.CASCADE, related_name="+")
    holds_every_comment = models.BooleanField(
        default=True, help_text="Hold every comment on these articles for a moderator, trusted commenters' too.",
    )
    max_links = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Hold a comment with more links than this on these articles. Empty: the site's limit.",
    )

    class Meta:
        ordering = ["tag__name"]
        verbose_name = "strict tag"

    def __str__(self):
        return str(self.tag)


def ban_in_force():
    """Bans in force: not lifted and not expired."""
    return Q(lifted_at=None) & (Q(expires_at=None) | Q(expires_at__gt=timezone.now()))


class BanQuerySet(models.QuerySet):
    def active(self):
        """Bans in force: not lifted and not expired."""
        return self.filter(ban_in_force())

    def with_state(self):
        """Each ban with `is_in_force`, by the same rule as active()."""
        return self.annotate(is_in_force=ExpressionWrapper(ban_in_force(), output_field=BooleanField()))

    def matching(self, email, client_ip=None):
        """Bans of this email, of its domain or a parent domain, or of a network holding this client address."""
        email = (email or "").strip().lower()
        labels = email.rpartition("@")[2].split(".")
        domains = [".".join(labels[n:]) for n in range(len(labels)) if labels[n]]
        condition = Q(kind=Ban.Kind.EMAIL, value=email) | Q(kind=Ban.Kind.DOMAIN, value__in=domains)
        networks = enclosing_values(client_ip or "")
        if networks:
            condition |= Q(kind=Ban.Kind.ADDRESS, value__in=networks)
        return self.filter(condition)

    def lift(self, by):
        """End bans in force now, recording who lifted them and when."""
        return self.active().update(lifted_at=timezone.now(), lifted_by=by)


class Ban(models.Model):
    """An email, email domain or client address whose comments go straight to spam, for a while or for good."""

    class Kind(models.TextChoices):
        EMAIL = "email", "email address"
        DOMAIN = "domain", "email domain"
        ADDRESS = "address", "client address"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    value = models.CharField(
        max_length=254,
        help_text="An email address, a domain such as example.org (its subdomains too), or a client address or "
                  "network such as 192.0.2.7 or 198.51.100.0/24; an IPv6 ban covers at least the address's /64.",
    )
    reason = models.CharField(max_length=200, blank=True, help_text="Recorded with each comment the ban stops.")
    expires_at = models.DateTimeField("expires", null=True, blank=True, help_text="Empty: the ban never ends.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True, editable=False)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "value"], name="ban_lookup_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"

    def clean(self):
        try:
            self.value = self.normalise(self.kind, self.value)
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from None

    @staticmethod
    def normalise(kind, value):
        """The form a value is stored and compared in; ValueError says what is wrong with it."""
        value = (value or "").strip().lower()
        if kind == Ban.Kind.ADDRESS:
            try:
                return ban_value(value)
            except ValueError:
                raise ValueError("Enter an IP address such as 192.0.2.7 or 2001:db8::1, or a network such as "
                                 "198.51.100.0/24.") from None
        if kind == Ban.Kind.DOMAIN:
            value = value.lstrip("@")
            labels = value.split(".")
            if len(labels) < 2 or not all(label and label.replace("-", "").isalnum() for label in labels):
                raise ValueError("Enter a domain such as example.org.")
            return value
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("Enter an email address such as name@example.org.") from None
        return value

    @property
    def spam_reason(self):
        """The reason recorded on each comment this ban sends to spam."""
        return f"spam: blocked {self.get_kind_display()}" + (f" ({self.reason})" if self.reason else "")
