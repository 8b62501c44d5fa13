# SPDX-License-Identifier: MIT
"""Helpers shared by the tests of OUs, created accounts, policies, tags and
delegation: an organization with members, error assertions, CLI calls."""

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of


def fails(fn, code, reason=None, **kw):
    """Calls fn(**kw), expects AWS error `code` (and Reason) with HTTP 400."""
    with pytest.raises(ClientError) as exc:
        fn(**kw)
    got_code, got_reason = error_of(exc)
    assert got_code == code, exc.value.response
    if reason is not None:
        assert got_reason == reason, exc.value.response
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return exc.value.response


def cli_ok(server, acct, *args):
    rc, out, err = aws(server, acct, "organizations", *args)
    assert rc == 0, err
    return out


def cli_fails(server, acct, code, *args):
    rc, out, err = aws(server, acct, "organizations", *args)
    assert rc in (254, 255), (rc, out, err)
    assert "(%s)" % code in err, err
    return err


class Org:
    """A management account (mgmt, c), its organization and root, and
    members joined by invitation (members[i], mc[i])."""

    def __init__(self, srv, new_account, n=0, feature_set="ALL"):
        self.srv = srv
        self.mgmt = new_account(name="Payer")
        self.c = client(srv, self.mgmt)
        self.org = self.c.create_organization(FeatureSet=feature_set)["Organization"]
        self.root = self.c.list_roots()["Roots"][0]["Id"]
        self.members, self.mc = [], []
        for _ in range(n):
            self.add(new_account)

    def add(self, new_account, name=None):
        a = new_account(name=name)
        h = self.c.invite_account_to_organization(
            Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
        client(self.srv, a).accept_handshake(HandshakeId=h["Id"])
        self.members.append(a)
        self.mc.append(client(self.srv, a))
        return a

    def ou(self, name, parent=None):
        return self.c.create_organizational_unit(
            ParentId=parent or self.root, Name=name)["OrganizationalUnit"]


@pytest.fixture
def org(srv, new_account):
    return Org(srv, new_account, 1)


@pytest.fixture
def delayed_org(delayed, new_account):
    """An organization with one invited member on the emulator that keeps
    CreateAccount and CloseAccount asynchronous (conftest.delayed)."""
    return Org(delayed, lambda **kw: new_account(server=delayed, **kw), 1)
