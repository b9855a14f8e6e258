"""Signing in, on the Streamlit side: the session's role and name, and the sign-in the Upload
page shows. `auth` holds the rules (which deployment uses which way in, password hashes, the
write gate) and imports no Streamlit; this module reads `st.secrets`, `st.user` and
`st.session_state` for it.

Importing this module tells `auth.require_uploader` how to find a browser session's role
(`auth.use_session_roles`). A session that never imported it gets the reader's role, so a
write from a page can only fail closed.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit import config as streamlit_config

from qa_dashboard import auth
from qa_dashboard.auth import OIDC, OPEN, PASSWORD, UPLOADER, AuthConfig

_SIGNED_IN_KEY = "_qa_uploader_signed_in"   # no widget uses this key, so no browser can set it


# ------------------------------------------------------- secrets, st.user, the session --
def _secrets_files() -> list[Path]:
    return [Path(p).expanduser() for p in streamlit_config.get_option("secrets.files")]


def _read_secrets() -> tuple[dict, bool]:
    """(secrets, unreadable): no secrets file is an empty dict; a file that fails to parse fails closed."""
    try:
        return st.secrets.to_dict(), False
    except FileNotFoundError:
        return {}, any(path.exists() for path in _secrets_files())


def current_config() -> AuthConfig:
    secrets, unreadable = _read_secrets()
    return auth.config_from(secrets, os.environ, unreadable)


def _oidc_identity() -> tuple[bool, str | None]:
    user = st.user.to_dict()
    return bool(user.get("is_logged_in")), user.get("email")


def session_role(config: AuthConfig | None = None) -> str:
    config = config or current_config()
    if config.mode == OIDC:
        logged_in, email = _oidc_identity()
        return auth.role_for(config, logged_in=logged_in, email=email)
    signed_in = st.session_state.get(_SIGNED_IN_KEY) or {}
    return auth.role_for(config, signed_in_fingerprint=signed_in.get("fingerprint"))


auth.use_session_roles(session_role)


def upload_menu_visibility() -> str:
    """For `st.Page(visibility=...)`: the Upload page is in the menu only for uploaders.

    For everyone else it stays reachable at its address, where it shows only the sign-in.
    """
    return "visible" if session_role() == UPLOADER else "hidden"


def signed_in_name(config: AuthConfig | None = None) -> str | None:
    """Who the session is, as recorded with each load: the e-mail (single sign-on) or the
    name given at sign-in (password); None when the session has not signed in."""
    config = config or current_config()
    if config.mode == OIDC:
        logged_in, email = _oidc_identity()
        return email if logged_in else None
    if config.mode == PASSWORD:
        return (st.session_state.get(_SIGNED_IN_KEY) or {}).get("name")
    return None


def _client_key() -> str:
    """The browser's address when Streamlit knows it (a new session does not start afresh),
    else the session's id."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx(suppress_warning=True)
    return str(st.context.ip_address or (context.session_id if context else "unknown"))


def sign_in_with_password(name: str, password: str, config: AuthConfig | None = None) -> auth.PasswordCheck:
    """Give this session the uploader role if the password is right; a false PasswordCheck
    (saying how long to wait, after repeated wrong tries) otherwise."""
    config = config or current_config()
    if config.mode != PASSWORD or not name.strip():
        return auth.PasswordCheck(False)
    check = auth.check_uploader_password(password, config.password_hash, _client_key())
    if check:
        st.session_state[_SIGNED_IN_KEY] = {"name": name.strip(),
                                            "fingerprint": auth.password_fingerprint(config.password_hash)}
    return check


def sign_out() -> None:
    st.session_state.pop(_SIGNED_IN_KEY, None)
    if current_config().mode == OIDC and st.user.to_dict().get("is_logged_in"):
        st.logout()


# --------------------------------------------------------- the Upload page's sign-in --
def uploader_or_stop(default_user: str) -> tuple[str, str]:
    """(role, name recorded with each load) of a session that may upload. Anyone else sees the
    sign-in the deployment uses, and the page stops there. `default_user` is the server's login
    name, offered when no sign-in is set up."""
    config = current_config()
    role = session_role(config)
    if config.mode == OPEN:
        st.warning("No sign-in is set up, so anyone who can open this dashboard can upload. That is "
                   "fine on an officer's own computer. On a shared server, set an uploader password or "
                   "single sign-on first (the README says how).")
    if role != UPLOADER:
        st.markdown("Uploading is for performance and quality assurance officers. Sign in to continue.")
        _sign_in(config)
        st.stop()
    if config.mode == OPEN:
        user = st.text_input("Your name (recorded with each load)", key="upload_user_name",
                             value="" if default_user == "unknown" else default_user).strip()
    else:
        user = signed_in_name(config) or "unknown"
        st.text(f"Signed in as {user}.")
        if st.button("Sign out"):
            sign_out()
            st.rerun()
    return role, user


def _sign_in(config: AuthConfig) -> None:
    if config.mode == OIDC:
        _sign_in_with_organisation(config)
    elif config.mode == PASSWORD and not config.password_hash_usable:
        st.error("Uploading is switched off: the uploader password is not set up in the expected form. "
                 "The administrator can make it with: .venv/bin/python -m qa_dashboard hash-password")
    elif config.mode == PASSWORD:
        with st.form("sign_in"):
            name = st.text_input("Your name (recorded with each load)")
            password = st.text_input("Uploader password", type="password")
            if st.form_submit_button("Sign in", type="primary"):
                check = sign_in_with_password(name, password, config)
                if check:
                    st.rerun()
                st.error(check.wait_sentence() or "That did not work. Check the password, and give your name.")
    else:
        st.error("Uploading is switched off: the dashboard's secrets file cannot be read. "
                 "The administrator needs to correct .streamlit/secrets.toml.")


def _sign_in_with_organisation(config: AuthConfig) -> None:
    who = signed_in_name(config)
    if who:
        st.text(f"You are signed in as {who}, which is not on the list of people who may upload. "
                "Ask the dashboard's administrator to add it.")
        if st.button("Sign out"):
            sign_out()
    elif st.button("Sign in with your organisation's account", type="primary"):
        try:
            st.login()
        except Exception as error:  # e.g. Authlib not installed, or [auth] incomplete
            st.error("Single sign-on is set up but cannot start. The administrator should check the "
                     "[auth] section of the secrets file and that streamlit[auth] is installed.")
            st.text(f"Details: {error}")
