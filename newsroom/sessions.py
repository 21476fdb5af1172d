"""Sessions kept in the database and cached in Redis, that keep working from the database while Redis is down."""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    """A cached_db session whose cache is a speed-up only: a cache error falls back to the database, with a warning.

    Django's own cached_db survives a failed cache read, and a failed write on save (logging a traceback each
    time); the cache write after a database read, the existence check and the delete would still raise, and
    answer every request carrying a session cookie with a 500 while Redis is down.
    """

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception as error:  # any cache backend's connection error: the database has the session
            self._warn("read", error)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception as error:
            self._warn("write", error)
        return data

    def exists(self, session_key):
        if session_key:
            try:
                if (self.cache_key_prefix + session_key) in self._cache:
                    return True
            except Exception as error:
                self._warn("read", error)
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception as error:
            self._warn("write", error)

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        super(cached_db.SessionStore, self).delete(session_key)
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception as error:
            # The cached copy may outlive the deleted session until it expires; see README "Operations".
            self._warn("delete", error)

    def _warn(self, operation, error):
        logger.warning("Session cache %s failed, using the database alone: %s", operation, error.__class__.__name__)
