"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1) with Django's SMTP backend: the
``handed`` step before the end-of-data line, and what a crash on either side of it does."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from django.utils import timezone

from brussels_international.newsletter import sending
from brussels_international.newsletter.campaign_services import (
    campaign_cancel,
    campaign_finish,
    campaign_schedule,
    campaign_start,
)
from brussels_international.newsletter.models import Campaign, CampaignStatus, Delivery

from .campaign_fixtures import *  # noqa: F403 (the fixture comms)
from .campaign_fixtures import make_campaign, make_subscriber


class Recorder:
    """aiosmtpd handler: keeps (recipients, Message-ID) of each message it accepts."""

    def __init__(self) -> None:
        self.accepted: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content)
        self.accepted.append((list(envelope.rcpt_tos), str(message["Message-ID"])))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Recorder]:
    """An SMTP server on a free port of 127.0.0.1, and Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    controller.stop()


class Crash(BaseException):
    """The worker killed at this point (nothing after it runs, no ``except Exception`` catches it)."""


def _started(comms: Any, addresses: list[str]) -> Campaign:
    for address in addresses:
        make_subscriber(address)
    campaign = make_campaign(comms)
    campaign_schedule(actor=comms, campaign=campaign, send_at=None)
    assert campaign_start(campaign_id=campaign.pk) is not None
    return Campaign.objects.get(pk=campaign.pk)


def _chunk(campaign: Campaign) -> sending.ChunkResult:
    """One chunk under a fresh lease (a crashed chunk's lease is given up first, as its end would)."""
    Campaign.objects.filter(pk=campaign.pk).update(sender_lease_until=None)
    lease = sending.lease_take(campaign.pk, now=timezone.now(), seconds=60)
    assert lease is not None
    return sending.send_chunk(campaign.pk, lease_until=lease, rate=0)


def _statuses(campaign: Campaign) -> list[str]:
    return list(Delivery.objects.filter(campaign=campaign).order_by("pk").values_list("status", flat=True))


ADDRESSES = ["a@example.org", "b@example.org", "c@example.org"]


def test_each_message_goes_through_handed_to_sent_over_smtp(comms, smtp_server, monkeypatch):
    campaign = _started(comms, ADDRESSES)
    seen: list[list[str]] = []
    mark_handed = sending._mark_handed

    def spy(delivery_id: int, lease_until: Any = None) -> None:
        mark_handed(delivery_id, lease_until)
        seen.append(_statuses(campaign))  # the state at the moment the end-of-data line goes out

    monkeypatch.setattr(sending, "_mark_handed", spy)

    result = _chunk(campaign)

    assert (result.sent, result.failed, result.stopped) == (3, 0, "done")
    assert seen == [
        ["handed", "pending", "pending"],
        ["sent", "handed", "pending"],
        ["sent", "sent", "handed"],
    ]
    assert sorted(rcpt for rcpts, _ in smtp_server.accepted for rcpt in rcpts) == ADDRESSES
    message_ids = [message_id for _, message_id in smtp_server.accepted]
    assert message_ids == list(
        Delivery.objects.filter(campaign=campaign).order_by("pk").values_list("message_id", flat=True)
    )


def test_a_crash_after_the_end_of_data_is_written_sends_nothing_twice(comms, smtp_server, monkeypatch):
    """Killed after writing the end-of-data line of b's message, before reading the answer: the
    server has it; the next chunk counts it as sent and does not send it again."""
    campaign = _started(comms, ADDRESSES)
    calls = {"n": 0}
    monkeypatch.setattr(sending, "smtp_send", _crash_before_reply(sending.smtp_send, calls))
    with pytest.raises(Crash):
        _chunk(campaign)
    monkeypatch.undo()
    _wait_for(lambda: len(smtp_server.accepted) == 2)
    assert _statuses(campaign) == ["sent", "handed", "pending"]

    result = _chunk(campaign)

    assert (result.sent, result.stopped) == (2, "done")  # b counted (settled), c sent
    assert _statuses(campaign) == ["sent", "sent", "sent"]
    recipients = [rcpt for rcpts, _ in smtp_server.accepted for rcpt in rcpts]
    assert sorted(recipients) == ADDRESSES  # three mails, each address once
    b = Delivery.objects.get(campaign=campaign, subscriber__email="b@example.org")
    assert (b.attempts, b.error) == (1, sending.HANDED_NOTE)
    assert campaign_finish(campaign_id=campaign.pk) is True  # nothing waits: handed ones are settled
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT


def test_a_crash_before_the_end_of_data_sends_the_message_again_once(comms, smtp_server, monkeypatch):
    """Killed while writing b's message, before its end-of-data line: the server drops the unfinished
    message when the connection closes; the next chunk sends it again, with the same Message-ID."""
    campaign = _started(comms, ADDRESSES)
    mark_handed = sending._mark_handed
    calls = {"n": 0}

    def crash_on_second(delivery_id: int, lease_until: Any = None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash
        mark_handed(delivery_id, lease_until)

    monkeypatch.setattr(sending, "_mark_handed", crash_on_second)
    with pytest.raises(Crash):
        _chunk(campaign)
    monkeypatch.undo()
    assert _statuses(campaign) == ["sent", "sending", "pending"]
    assert [rcpts for rcpts, _ in smtp_server.accepted] == [["a@example.org"]]

    result = _chunk(campaign)

    assert (result.sent, result.stopped) == (2, "done")
    assert sorted(rcpt for rcpts, _ in smtp_server.accepted for rcpt in rcpts) == ADDRESSES
    b = Delivery.objects.get(campaign=campaign, subscriber__email="b@example.org")
    assert (b.status, b.attempts) == ("sent", 2)
    assert [message_id for rcpts, message_id in smtp_server.accepted if rcpts == ["b@example.org"]] == [b.message_id]


def test_a_message_the_server_refuses_after_the_data_is_failed_not_counted(comms, smtp_server):
    """A 554 answer to the end of data: the delivery leaves ``handed`` for ``failed``; the others go."""

    async def refuse_b(server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == ["b@example.org"]:
            return "554 5.6.0 Message refused"
        smtp_server.accepted.append((list(envelope.rcpt_tos), ""))
        return "250 Message accepted"

    smtp_server.handle_DATA = refuse_b  # type: ignore[method-assign]
    campaign = _started(comms, ADDRESSES)

    result = _chunk(campaign)

    assert (result.sent, result.failed, result.stopped) == (2, 1, "done")
    assert _statuses(campaign) == ["sent", "failed", "sent"]
    assert Delivery.objects.get(campaign=campaign, subscriber__email="b@example.org").error == (
        "554 5.6.0 Message refused"
    )


def _crash_before_reply(smtp_send: Any, calls: dict[str, int]) -> Any:
    """``smtp_send`` that, on its second call, writes the end-of-data line and then crashes."""

    def wrapped(backend: Any, message: Any, **callbacks: Any) -> None:
        calls["n"] += 1
        if calls["n"] != 2:
            return smtp_send(backend, message, **callbacks)  # type: ignore[no-any-return]
        smtp = backend.connection
        original_getreply = smtp.getreply
        replies = {"n": 0}

        def getreply() -> Any:
            replies["n"] += 1
            if replies["n"] == 4:  # MAIL, RCPT, DATA answered; the fourth is the end-of-data answer
                raise Crash
            return original_getreply()

        smtp.getreply = getreply
        try:
            return smtp_send(backend, message, **callbacks)  # type: ignore[no-any-return]
        finally:
            del smtp.getreply

    return wrapped


def _wait_for(condition: Any, seconds: float = 5.0) -> None:
    import time

    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the SMTP server did not receive the message in time"
        time.sleep(0.01)


def test_an_end_of_data_line_that_could_not_be_written_is_sent_again(comms, smtp_server, monkeypatch):
    """The connection breaks while writing b's end-of-data line: b goes back from ``handed`` to
    ``sending`` (the server never had the whole message) and the next chunk sends it, once."""
    campaign = _started(comms, ADDRESSES)
    original_send = sending.smtplib.SMTP.send
    ends = {"n": 0}

    def send(self: Any, data: Any) -> None:
        if data == b".\r\n":
            ends["n"] += 1
            if ends["n"] == 2:
                raise OSError("Connection reset by peer")
        original_send(self, data)

    monkeypatch.setattr(sending.smtplib.SMTP, "send", send)
    result = _chunk(campaign)
    monkeypatch.undo()

    assert (result.sent, result.stopped) == (1, "connection")
    assert _statuses(campaign) == ["sent", "sending", "pending"]
    assert (_chunk(campaign).sent, _statuses(campaign)) == (2, ["sent", "sent", "sent"])
    assert sorted(rcpt for rcpts, _ in smtp_server.accepted for rcpt in rcpts) == ADDRESSES


def test_a_chunk_that_lost_its_lease_drops_the_message_before_its_end_of_data(comms, smtp_server, monkeypatch):
    """Another chunk took the lease while b was being written: b is not finished (no end-of-data
    line), stays ``sending`` for the chunk that holds the lease, and this chunk stops."""
    campaign = _started(comms, ADDRESSES)
    mark_handed = sending._mark_handed
    calls = {"n": 0}

    def lease_taken_meanwhile(delivery_id: int, lease_until: Any = None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            Campaign.objects.filter(pk=campaign.pk).update(sender_lease_until=timezone.now())
        mark_handed(delivery_id, lease_until)

    monkeypatch.setattr(sending, "_mark_handed", lease_taken_meanwhile)
    result = _chunk(campaign)
    monkeypatch.undo()

    assert (result.sent, result.stopped) == (1, "lease")
    assert _statuses(campaign) == ["sent", "sending", "pending"]
    assert [rcpts for rcpts, _ in smtp_server.accepted] == [["a@example.org"]]
    assert _chunk(campaign).sent == 2
    assert sorted(rcpt for rcpts, _ in smtp_server.accepted for rcpt in rcpts) == ADDRESSES


def test_a_421_ends_the_chunk_and_a_451_after_the_data_defers_only_that_message(comms, smtp_server):
    """421 to RCPT: the server is closing the connection, a problem of the connection (the chunk stops,
    the delivery waits); 451 to the end of data: that message is deferred, the others go on."""
    answers = {"rcpt": "421 4.7.0 Too many connections, closing", "data": "451 4.3.0 Try again later"}

    async def handle_RCPT(server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == "a@example.org" and answers["rcpt"]:
            answer, answers["rcpt"] = answers["rcpt"], ""
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == ["b@example.org"] and answers["data"]:
            answer, answers["data"] = answers["data"], ""
            return answer
        smtp_server.accepted.append((list(envelope.rcpt_tos), ""))
        return "250 Message accepted"

    smtp_server.handle_RCPT = handle_RCPT  # type: ignore[attr-defined]
    smtp_server.handle_DATA = handle_DATA  # type: ignore[method-assign]
    campaign = _started(comms, ADDRESSES)

    first = _chunk(campaign)
    assert (first.sent, first.deferred, first.stopped) == (0, 0, "connection")
    assert _statuses(campaign) == ["sending", "pending", "pending"]

    second = _chunk(campaign)
    assert (second.sent, second.deferred) == (2, 1)
    assert _statuses(campaign) == ["sent", "pending", "sent"]
    b = Delivery.objects.get(campaign=campaign, subscriber__email="b@example.org")
    assert b.error == "451 4.3.0 Try again later"


def test_cancelling_counts_the_messages_already_handed_over_as_sent(comms):
    """No chunk runs after a cancellation: the cancel itself settles what a chunk left ``handed``."""
    campaign = _started(comms, ADDRESSES)
    first = Delivery.objects.filter(campaign=campaign).order_by("pk").first()
    assert first is not None
    Delivery.objects.filter(pk=first.pk).update(status="handed")

    campaign_cancel(actor=comms, campaign=campaign)

    assert _statuses(campaign) == ["sent", "pending", "pending"]
    first.refresh_from_db()
    assert (first.error, first.sent_at is not None) == (sending.HANDED_NOTE, True)
