import ipaddress
import json
import logging
import re
from datetime import datetime, timezone

STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# An address as typed or URL-quoted (%40), in a message, a URL or an error.
EMAIL = re.compile(r"[^\s<>()\[\]{}\"',;:/?=&]+(?:@|%40)"
                   r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+", re.IGNORECASE)
# Candidates only, IPv6 first so that an IPv4-mapped one is cut once: each is checked with ipaddress. One followed
# by a prefix length is a network already; an IPv4 one may be followed by a port.
ADDRESS = re.compile(r"(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:.]|/\d)"
                     r"|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|/\d)", re.IGNORECASE)
REDACTED_EMAIL = "[email]"


def truncate_address(address):
    """A client address cut to its network: IPv4 to the /24, IPv6 to the /48; anything else unchanged."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return ipaddress.ip_network(f"{ip}/{prefix}", strict=False).compressed


def redact(text):
    """The text without email addresses and with client addresses cut to their networks."""
    text = EMAIL.sub(REDACTED_EMAIL, text)
    return ADDRESS.sub(lambda match: truncate_address(match.group()), text)


class RedactPersonalData(logging.Filter):
    """Keeps emails and full client addresses out of every log line, whoever logs them and however."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed logging call must not break the code that made it
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), None
        for key, value in list(vars(record).items()):
            if key not in STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line, for log collectors; extra fields of a record are kept."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and not key.startswith("_") and key != "request":
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
