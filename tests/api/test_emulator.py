# SPDX-License-Identifier: MIT
"""Emulator mode (issue 2 §7): default account, reset, test clock."""

import json

import pytest

from conftest import client


# Any well-formed credentials act as the default account 123456789012.
def test_unknown_key_is_the_default_account(srv):
    c = client(srv, ("AKIAANYTHING", "any-secret"))
    org = c.create_organization()["Organization"]
    assert org["MasterAccountId"] == "123456789012"
    assert org["MasterAccountEmail"] == "master@example.com"
    assert c.list_accounts()["Accounts"][0]["Name"] == "master"


def test_reset_wipes_everything_but_the_default_account(srv, new_account):
    acct = new_account()
    c = client(srv, ("AKIAANYTHING", "x"))
    c.create_organization()
    srv.reset()
    with pytest.raises(c.exceptions.AWSOrganizationsNotInUseException):
        c.describe_organization()
    listed = srv.cli("account", "list")["Accounts"]
    assert [a["AccountId"] for a in listed] == ["123456789012"]
    assert acct.id not in json.dumps(listed)


def test_clock_moves_forward(srv):
    status, _, body = srv.post("/api/v1/test/clock", {"advance_seconds": 86400})
    assert status == 200
    assert "now" in json.loads(body)
    status, _, body = srv.post("/api/v1/test/clock", {"advance_seconds": -5})
    assert status == 400


def test_no_emulator_endpoints_without_emulator(strict):
    assert strict.post("/moto-api/reset")[0] == 404
    assert strict.post("/api/v1/test/clock", {"advance_seconds": 1})[0] == 404


# AWS: any region in the credential scope
@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-2"])
def test_any_region_is_accepted(strict, region):
    acct = strict.cli("account", "create", "--email", "region-%s@example.com" % region)
    c = client(strict, acct, region=region)
    with pytest.raises(c.exceptions.AWSOrganizationsNotInUseException):
        c.describe_organization()
