"""The visitor's address behind reverse proxies (core/client_ip.py)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from brussels_international.core.client_ip import client_ip, ip_group


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.2", "10.0.0.2"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.7", "10.0.0.2", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "10.0.0.2", "203.0.113.7"),  # the leftmost is the visitor's claim
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2", "10.0.0.2"),  # fewer items than proxies: REMOTE_ADDR
        (1, "not-an-address", "10.0.0.2", "10.0.0.2"),
        (1, "2001:db8::1", "10.0.0.2", "2001:db8::1"),
        (0, "", "garbage", None),
    ],
)
def test_client_ip(settings, proxies, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_ip_group_counts_ipv6_by_64():
    assert ip_group("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert ip_group("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert ip_group("203.0.113.7") == "203.0.113.7"
    assert ip_group(None) == "-"
