"""Wrong uploader passwords are slowed down and logged, never the password itself; tested
without Streamlit on a clock the test moves."""

import logging

import pytest

from qa_dashboard import auth

PASSWORD = "correct horse battery staple"
WRONG = "a wrong guess at it"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def stored() -> str:
    return auth.hash_password(PASSWORD, iterations=1_000)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock) -> auth.PasswordThrottle:
    return auth.PasswordThrottle(clock=clock)


def attempt(password, stored, throttle, client="browser-1"):
    return auth.check_uploader_password(password, stored, client, throttle)


def test_a_few_wrong_tries_are_checked_at_once(stored, throttle):
    for _ in range(auth.PasswordThrottle.FREE_TRIES - 1):
        assert attempt(WRONG, stored, throttle).retry_after == 0
    assert attempt(PASSWORD, stored, throttle).ok


def test_after_the_free_tries_even_the_right_password_waits(stored, throttle, clock):
    for _ in range(auth.PasswordThrottle.FREE_TRIES):
        last = attempt(WRONG, stored, throttle)
    assert not last.ok and last.retry_after == auth.PasswordThrottle.FIRST_WAIT
    refused = attempt(PASSWORD, stored, throttle)
    assert not refused.ok and refused.retry_after == pytest.approx(2.0)
    assert refused.wait_sentence() == "Too many wrong passwords: wait 2 seconds before trying again."
    clock.now += 2.0
    assert attempt(PASSWORD, stored, throttle).ok


def test_each_further_wrong_try_doubles_the_wait_up_to_the_longest(stored, throttle, clock):
    waits = []
    for _ in range(auth.PasswordThrottle.FREE_TRIES + 10):
        check = attempt(WRONG, stored, throttle)
        waits.append(check.retry_after)
        clock.now += check.retry_after
    assert waits[:3] == [0, 0, 2.0]
    assert waits[3:8] == [4.0, 8.0, 16.0, 32.0, 64.0]
    assert max(waits) == auth.PasswordThrottle.LONGEST_WAIT == waits[-1]


def test_a_right_password_clears_the_count(stored, throttle, clock):
    for _ in range(auth.PasswordThrottle.FREE_TRIES):
        attempt(WRONG, stored, throttle)
    clock.now += 2.0
    assert attempt(PASSWORD, stored, throttle).ok
    assert attempt(WRONG, stored, throttle).retry_after == 0


def test_one_clients_guessing_does_not_slow_another(stored, throttle):
    for _ in range(6):
        attempt(WRONG, stored, throttle, client="guesser")
    assert attempt(PASSWORD, stored, throttle, client="officer").ok


def test_guessing_from_a_new_session_each_time_slows_everyone(stored, throttle, clock):
    limit = auth.PasswordThrottle.SHARED_LIMIT
    for number in range(limit - 1):
        assert attempt(WRONG, stored, throttle, client=f"session-{number}").retry_after == 0
        clock.now += 1.0
    assert attempt(WRONG, stored, throttle, client="one session more").retry_after > 0
    clock.now += 1.0
    refused = attempt(PASSWORD, stored, throttle, client="officer")
    assert not refused.ok
    # the oldest of the `limit` wrong tries was `limit` seconds ago; it leaves the window after 60
    assert refused.retry_after == pytest.approx(auth.PasswordThrottle.SHARED_WINDOW - limit)
    clock.now += refused.retry_after
    assert attempt(PASSWORD, stored, throttle, client="officer").ok


def test_wrong_tries_are_logged_without_the_password_or_the_client(stored, throttle, caplog):
    caplog.set_level(logging.WARNING, logger="qa_dashboard.auth")
    for _ in range(auth.PasswordThrottle.FREE_TRIES + 1):
        attempt(WRONG, stored, throttle, client="203.0.113.9")
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == auth.PasswordThrottle.FREE_TRIES + 1
    assert messages[0].startswith("Wrong uploader password: client ") and "1 in a row" in messages[0]
    assert "3 in a row" in messages[2]
    assert messages[-1].startswith("Uploader sign-in refused unchecked")
    assert not [m for m in messages if WRONG in m or PASSWORD in m or "203.0.113.9" in m]


def test_a_client_quiet_for_long_enough_starts_afresh(stored, throttle, clock):
    for _ in range(auth.PasswordThrottle.FREE_TRIES + 2):
        clock.now += attempt(WRONG, stored, throttle).retry_after
    clock.now += auth.PasswordThrottle.FORGET_AFTER
    assert attempt(WRONG, stored, throttle).retry_after == 0
