"""gunicorn's access log without personal data: `make serve-prod` passes `--logger-class newsroom.gunicorn.Logger`.

Client addresses are cut to their network (IPv4 to the /24, IPv6 to the /48) and email addresses are removed
wherever they appear: the request line, the referrer, any header or variable a log format names.
"""

from gunicorn.glogging import Logger as GunicornLogger

from newsroom.logging import redact, truncate_address


class Logger(GunicornLogger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        cleaned = {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
        cleaned["h"] = truncate_address(atoms["h"]) if isinstance(atoms["h"], str) else atoms["h"]
        return cleaned
