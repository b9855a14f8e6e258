"""Who may upload: the uploader role and the reader role.

Readers (board members, managers) read the dashboard. Uploaders (performance and QA officers)
may also load, undo and replace data. How a browser session becomes an uploader depends on
what the deployment configures, checked in this order:

1. OIDC single sign-on: an `[auth]` section in `.streamlit/secrets.toml` (Streamlit's
   `st.login`). A signed-in person is an uploader when their e-mail address is in
   `uploader_emails` (secrets, a list) or `QA_DASHBOARD_UPLOADER_EMAILS` (environment,
   comma-separated). Everyone else is a reader, so no list means no uploads in the browser.
2. An uploader password: its salted PBKDF2 hash, made by `python -m qa_dashboard
   hash-password`, in `uploader_password_hash` (secrets) or
   `QA_DASHBOARD_UPLOADER_PASSWORD_HASH` (environment). The password itself is never stored.
3. Neither: the dashboard runs open, as on an officer's own computer, and the upload page
   says so. A secrets file that exists but cannot be read is not "neither": it fails closed.

The command line is not a browser session: it runs as a shell user on the server, who could
edit the database file directly anyway, so it counts as an uploader. `require_uploader` is
what the write paths (`ingest`, `undo`, starting an empty database) call; inside a Streamlit
session it trusts the session's own role, not only what the caller passes, so a page cannot
skip the check by leaving the role out.

Wrong passwords are slowed down and logged (never the password, nor the name typed): after a
few wrong tries a client waits, twice as long each time, and when wrong tries from everyone
together come too fast, every sign-in waits; a try during a wait is refused without checking.

This module imports no Streamlit and tests without it. The Streamlit side (reading
`st.secrets`, `st.user` and `st.session_state`, and the sign-in the Upload page shows) is
`qa_dashboard.signin`, which hands this module the session's role when it is imported.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import secrets as token_source
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Mapping

UPLOADER = "uploader"
READER = "reader"

OIDC = "single sign-on"
PASSWORD = "password"
OPEN = "open"
UNREADABLE = "unreadable secrets"

PASSWORD_HASH_SECRET = "uploader_password_hash"
PASSWORD_HASH_ENV = "QA_DASHBOARD_UPLOADER_PASSWORD_HASH"
UPLOADER_EMAILS_SECRET = "uploader_emails"
UPLOADER_EMAILS_ENV = "QA_DASHBOARD_UPLOADER_EMAILS"

HASH_SCHEME = "pbkdf2_sha256"
HASH_ITERATIONS = 600_000          # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
MIN_PASSWORD_LENGTH = 12

@dataclass(frozen=True)
class AuthConfig:
    mode: str
    uploader_emails: frozenset[str] = field(default_factory=frozenset)
    password_hash: str = ""

    @property
    def password_hash_usable(self) -> bool:
        return _parse_hash(self.password_hash) is not None


# ------------------------------------------------------------------------ passwords --
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = HASH_ITERATIONS) -> str:
    """`pbkdf2_sha256$iterations$salt$hash`, salt and hash in base64: safe to keep in a secrets file."""
    if not password:
        raise ValueError("The password is empty.")
    salt = salt if salt is not None else token_source.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{HASH_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def _parse_hash(stored: str) -> tuple[int, bytes, bytes] | None:
    parts = (stored or "").strip().split("$")
    if len(parts) != 4 or parts[0] != HASH_SCHEME:
        return None
    try:
        iterations = int(parts[1])
        salt = base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except ValueError:
        return None
    if iterations < 1 or not salt or len(digest) != 32:
        return None
    return iterations, salt, digest


def verify_password(password: str, stored: str) -> bool:
    """True only for the password the stored hash was made from; compared in constant time."""
    parsed = _parse_hash(stored)
    if parsed is None or not password:
        return False
    iterations, salt, expected = parsed
    actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(actual, expected)


# ------------------------------------------------------------- slowing wrong passwords --
_log = logging.getLogger(__name__)


class PasswordThrottle:
    """Wrong uploader passwords, remembered per client and for everyone together.

    A client (whatever the caller keys it on: the browser's address, else its session) has
    FREE_TRIES wrong tries, then waits FIRST_WAIT seconds, twice as long after each further
    wrong try, up to LONGEST_WAIT; a right password clears its count, and so do FORGET_AFTER
    seconds without a try. Opening a new session for each try gets round that, so past
    SHARED_LIMIT wrong tries from everyone within SHARED_WINDOW seconds, every sign-in waits
    until the oldest of them leaves the window. That can keep an officer waiting for up to a
    minute while someone is guessing, which is the price of not letting them guess faster.
    """

    FREE_TRIES = 3
    FIRST_WAIT = 2.0
    LONGEST_WAIT = 300.0
    FORGET_AFTER = 900.0
    SHARED_LIMIT = 20
    SHARED_WINDOW = 60.0

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[int, float]] = {}   # wrong tries in a row, time of the last
        self._everyone: deque[float] = deque()             # times of recent wrong tries, oldest first

    def _forget_old(self, now: float) -> None:
        while self._everyone and self._everyone[0] <= now - self.SHARED_WINDOW:
            self._everyone.popleft()
        stale = [client for client, (_, last) in self._clients.items() if last <= now - self.FORGET_AFTER]
        for client in stale:
            del self._clients[client]

    def retry_after(self, client: str) -> float:
        """Seconds before `client` may try a password again; 0 when it may try now."""
        now = self._clock()
        with self._lock:
            self._forget_old(now)
            waits = [0.0]
            failures, last = self._clients.get(client, (0, now))
            if failures >= self.FREE_TRIES:
                waits.append(last + min(self.FIRST_WAIT * 2 ** (failures - self.FREE_TRIES), self.LONGEST_WAIT) - now)
            if len(self._everyone) >= self.SHARED_LIMIT:
                waits.append(self._everyone[0] + self.SHARED_WINDOW - now)
            return max(waits)

    def failed(self, client: str) -> tuple[int, int]:
        """Record a wrong try: (this client's wrong tries in a row, everyone's in the window)."""
        now = self._clock()
        with self._lock:
            self._forget_old(now)
            failures = self._clients.get(client, (0, now))[0] + 1
            self._clients[client] = (failures, now)
            self._everyone.append(now)
            return failures, len(self._everyone)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)


THROTTLE = PasswordThrottle()


@dataclass(frozen=True)
class PasswordCheck:
    """The outcome of one sign-in try; true only when the password was right."""

    ok: bool
    retry_after: float = 0.0   # seconds before the next try is checked at all

    def __bool__(self) -> bool:
        return self.ok

    def wait_sentence(self) -> str:
        if self.retry_after <= 0:
            return ""
        return f"Too many wrong passwords: wait {math.ceil(self.retry_after)} seconds before trying again."


def _client_label(client: str) -> str:
    """How the log names a client: a short hash, the same for the same client, never its address."""
    return hashlib.sha256(client.encode("utf-8")).hexdigest()[:10]


def check_uploader_password(password: str, stored: str, client: str,
                            throttle: PasswordThrottle | None = None) -> PasswordCheck:
    """Check one sign-in try from `client`, slowed and logged as PasswordThrottle says.

    A try while the client must wait is refused without checking the password, so guessing
    cannot go faster than the waits allow.
    """
    throttle = throttle or THROTTLE
    wait = throttle.retry_after(client)
    if wait > 0:
        _log.warning("Uploader sign-in refused unchecked: client %s must wait %d s after wrong passwords",
                     _client_label(client), math.ceil(wait))
        return PasswordCheck(False, wait)
    if verify_password(password, stored):
        throttle.succeeded(client)
        return PasswordCheck(True)
    in_a_row, from_everyone = throttle.failed(client)
    _log.warning("Wrong uploader password: client %s, %d in a row; %d from everyone in the last %d s",
                 _client_label(client), in_a_row, from_everyone, throttle.SHARED_WINDOW)
    return PasswordCheck(False, throttle.retry_after(client))


def password_fingerprint(stored: str) -> str:
    """Changes when the configured hash changes, so a new password signs everyone out."""
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------- configuration --
def _emails(value) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else list(value)
    return frozenset(str(item).strip().lower() for item in items if str(item).strip())


def config_from(secrets: Mapping, environ: Mapping, secrets_unreadable: bool = False) -> AuthConfig:
    """Which way of becoming an uploader this deployment uses (see the module docstring)."""
    if secrets_unreadable:
        return AuthConfig(UNREADABLE)
    emails = _emails(secrets.get(UPLOADER_EMAILS_SECRET)) | _emails(environ.get(UPLOADER_EMAILS_ENV))
    if secrets.get("auth"):
        return AuthConfig(OIDC, uploader_emails=emails)
    stored = str(secrets.get(PASSWORD_HASH_SECRET) or environ.get(PASSWORD_HASH_ENV) or "").strip()
    if stored:
        return AuthConfig(PASSWORD, password_hash=stored)
    return AuthConfig(OPEN)


def role_for(config: AuthConfig, *, logged_in: bool = False, email: str | None = None,
             signed_in_fingerprint: str | None = None) -> str:
    """The role of one browser session, from what the session has proved."""
    if config.mode == OPEN:
        return UPLOADER
    if config.mode == OIDC:
        if logged_in and email and email.strip().lower() in config.uploader_emails:
            return UPLOADER
        return READER
    if config.mode == PASSWORD:
        if (config.password_hash_usable and signed_in_fingerprint
                and hmac.compare_digest(signed_in_fingerprint, password_fingerprint(config.password_hash))):
            return UPLOADER
        return READER
    return READER


# --------------------------------------------------------------------- the write gate --
def _no_session_role() -> str:
    return READER  # a browser session whose sign-in side never loaded: fail closed


_session_role: Callable[[], str] = _no_session_role


def use_session_roles(session_role: Callable[[], str]) -> None:
    """Called once by `qa_dashboard.signin`: how to find the role of the browser session running now."""
    global _session_role
    _session_role = session_role


def in_streamlit_session() -> bool:
    """True inside a Streamlit script run (a browser session), False for the command line and tests.

    Asked of the Streamlit already loaded in this process, if any: nothing is imported for it."""
    scriptrunner = sys.modules.get("streamlit.runtime.scriptrunner")
    return scriptrunner is not None and scriptrunner.get_script_run_ctx(suppress_warning=True) is not None


def require_uploader(role: str | None) -> None:
    """Raise PermissionError unless the caller may change the data.

    Outside a browser session, `role=None` is the command line (an uploader). Inside one,
    the session's own role must be the uploader's, and so must any role the caller passes.
    """
    if in_streamlit_session():
        if _session_role() != UPLOADER or role not in (None, UPLOADER):
            raise PermissionError("Only an uploader may change the data. Sign in on the Upload page.")
        return
    if role not in (None, UPLOADER):
        raise PermissionError(f"The {role} role may not change the data; only an uploader may.")
