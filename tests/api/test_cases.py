# SPDX-License-Identifier: MIT
"""The three ways into the MSP's organization (DESIGN.md §1, spec §5), each
walked end to end once with the real aws CLI and once with boto3, every
out-of-order step checked for AWS's error code (and Reason with boto3);
direct transfer (the default, AWS's rule since 11 December 2025) and the
rules before it (serve --no-direct-transfer), under which case 2 leaves
first; concurrent accepts for one account."""

import threading

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of

DAY = 86400


def billing(server, acct, payment=True, phone=True):
    args = ["account", "set-billing-info", acct.id]
    if payment:
        args += ["--payment-method", "Visa ending 4242"]
    if phone:
        args += ["--phone", "+1 206 555 0100"]
    server.cli(*args)


def with_server(new_account, server):
    """new_account making its accounts on another server."""
    return lambda **kw: new_account(server=server, **kw)


def history(server, acct):
    return server.cli("account", "history", acct.id)["Memberships"]


def fails(fn, code, reason=None, **kw):
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


def org_with_members(srv, new_account, n, name):
    """A management account and n members that joined by invitation."""
    mgmt = new_account(name=name)
    mc = client(srv, mgmt)
    org = mc.create_organization()["Organization"]
    members = []
    for i in range(n):
        a = new_account(name="%s member %d" % (name, i))
        h = mc.invite_account_to_organization(
            Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
        client(srv, a).accept_handshake(HandshakeId=h["Id"])
        members.append(a)
    return mgmt, org, members


def check_joined(srv, msp, org, acct, h):
    """acct is in the MSP's organization by invitation, under the root."""
    mc = client(srv, msp)
    got = mc.describe_account(AccountId=acct.id)["Account"]
    assert got["JoinedMethod"] == "INVITED"
    assert got["Status"] == "ACTIVE"
    root = mc.list_roots()["Roots"][0]
    rows = history(srv, acct)
    assert rows[-1]["OrganizationId"] == org["Id"]
    assert rows[-1]["PayerAccountId"] == msp.id
    assert rows[-1]["JoinedMethod"] == "INVITED"
    assert rows[-1]["LeftAt"] is None
    assert root["Id"].startswith("r-")
    assert client(srv, acct).describe_organization()["Organization"]["Id"] == org["Id"]
    no_overlap(rows)


def no_overlap(rows):
    for a, b in zip(rows, rows[1:]):
        assert a["LeftAt"] is not None and a["LeftAt"] <= b["JoinedAt"], rows
    assert sum(1 for r in rows if r["LeftAt"] is None) <= 1


# ---------------------------------------------------------------- case 1

# AWS: InviteAccountToOrganization
# AWS: ListHandshakesForAccount
# AWS: AcceptHandshake
# AWS: AcceptHandshake HandshakeAlreadyInStateException
# AWS: DescribeOrganization AWSOrganizationsNotInUseException
def test_case1_standalone_boto3(srv, new_account):
    msp = new_account(name="MSP")
    mc = client(srv, msp)
    org = mc.create_organization()["Organization"]
    s = new_account(name="Case 1")
    sc = client(srv, s)
    fails(sc.describe_organization, "AWSOrganizationsNotInUseException")
    h = mc.invite_account_to_organization(
        Target={"Id": s.id, "Type": "ACCOUNT"}, Notes="Welcome, Case 1")["Handshake"]
    assert h["State"] == "OPEN" and h["Action"] == "INVITE"
    assert h["Parties"] == [{"Id": org["Id"], "Type": "ORGANIZATION"},
                            {"Id": s.id, "Type": "ACCOUNT"}]
    got = sc.list_handshakes_for_account()["Handshakes"]
    assert [x["Id"] for x in got] == [h["Id"]]
    assert {"Type": "NOTES", "Value": "Welcome, Case 1"} in got[0]["Resources"]
    a = sc.accept_handshake(HandshakeId=h["Id"])["Handshake"]
    assert a["State"] == "ACCEPTED" and a["Id"] == h["Id"]
    fails(sc.accept_handshake, "HandshakeAlreadyInStateException", HandshakeId=h["Id"])
    check_joined(srv, msp, org, s, h)
    assert len(history(srv, s)) == 1
    assert mc.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "ACCEPTED"


# AWS: AcceptHandshake
# AWS: AcceptHandshake HandshakeAlreadyInStateException
def test_case1_standalone_cli(srv, new_account):
    msp = new_account(name="MSP")
    org = cli_ok(srv, msp, "create-organization")["Organization"]
    s = new_account(name="Case 1")
    cli_fails(srv, s, "AWSOrganizationsNotInUseException", "describe-organization")
    h = cli_ok(srv, msp, "invite-account-to-organization", "--target",
               "Id=%s,Type=ACCOUNT" % s.id, "--notes", "Welcome")["Handshake"]
    assert h["State"] == "OPEN"
    got = cli_ok(srv, s, "list-handshakes-for-account")["Handshakes"]
    assert [x["Id"] for x in got] == [h["Id"]]
    assert cli_ok(srv, s, "accept-handshake", "--handshake-id",
                  h["Id"])["Handshake"]["State"] == "ACCEPTED"
    cli_fails(srv, s, "HandshakeAlreadyInStateException", "accept-handshake",
              "--handshake-id", h["Id"])
    accts = cli_ok(srv, msp, "list-accounts")["Accounts"]
    mine = [x for x in accts if x["Id"] == s.id]
    assert mine and mine[0]["JoinedMethod"] == "INVITED"
    check_joined(srv, msp, org, s, h)


# ---------------------------------------------------------------- case 2

# AWS: AcceptHandshake HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION
# AWS: LeaveOrganization ConstraintViolationException MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED
# AWS: LeaveOrganization ConstraintViolationException ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION
# AWS: LeaveOrganization MasterCannotLeaveOrganizationException
# AWS: LeaveOrganization AWSOrganizationsNotInUseException
# AWS: LeaveOrganization
# AWS: DescribeAccount AccountNotFoundException
def test_case2_member_of_other_org_boto3(legacy, new_account):
    """The rules before direct transfer: leave first, then accept."""
    srv = legacy
    new_account = with_server(new_account, srv)
    msp = new_account(name="MSP")
    mc = client(srv, msp)
    org = mc.create_organization()["Organization"]
    old, old_org, (s,) = org_with_members(srv, new_account, 1, "Other Payer")
    oc, sc = client(srv, old), client(srv, s)
    h = mc.invite_account_to_organization(
        Target={"Id": s.id, "Type": "ACCOUNT"}, Notes="Case 2")["Handshake"]
    fails(sc.accept_handshake, "HandshakeConstraintViolationException",
          "ALREADY_IN_AN_ORGANIZATION", HandshakeId=h["Id"])
    fails(oc.leave_organization, "MasterCannotLeaveOrganizationException")
    fails(sc.leave_organization, "ConstraintViolationException",
          "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED")
    billing(srv, s, phone=False)
    fails(sc.leave_organization, "ConstraintViolationException",
          "ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION")
    billing(srv, s)
    sc.leave_organization()
    fails(sc.leave_organization, "AWSOrganizationsNotInUseException")
    fails(sc.describe_organization, "AWSOrganizationsNotInUseException")
    fails(oc.describe_account, "AccountNotFoundException", AccountId=s.id)
    assert sc.accept_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "ACCEPTED"
    check_joined(srv, msp, org, s, h)
    rows = history(srv, s)
    assert [(r["OrganizationId"], r["JoinedMethod"], r["LeftMethod"]) for r in rows] == [
        (old_org["Id"], "INVITED", "LEFT"), (org["Id"], "INVITED", None)]
    assert rows[0]["PayerAccountId"] == old.id


# AWS: AcceptHandshake HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION
# AWS: LeaveOrganization ConstraintViolationException MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED
# AWS: LeaveOrganization MasterCannotLeaveOrganizationException
def test_case2_member_of_other_org_cli(legacy, new_account):
    srv = legacy
    new_account = with_server(new_account, srv)
    msp = new_account(name="MSP")
    org = cli_ok(srv, msp, "create-organization")["Organization"]
    old, old_org, (s,) = org_with_members(srv, new_account, 1, "Other Payer")
    h = cli_ok(srv, msp, "invite-account-to-organization", "--target",
               "Id=%s,Type=ACCOUNT" % s.id)["Handshake"]
    cli_fails(srv, s, "HandshakeConstraintViolationException", "accept-handshake",
              "--handshake-id", h["Id"])
    cli_fails(srv, old, "MasterCannotLeaveOrganizationException", "leave-organization")
    cli_fails(srv, s, "ConstraintViolationException", "leave-organization")
    billing(srv, s)
    cli_ok(srv, s, "leave-organization")
    cli_fails(srv, s, "AWSOrganizationsNotInUseException", "describe-organization")
    assert cli_ok(srv, s, "accept-handshake", "--handshake-id",
                  h["Id"])["Handshake"]["State"] == "ACCEPTED"
    check_joined(srv, msp, org, s, h)
    rows = history(srv, s)
    assert [r["LeftMethod"] for r in rows] == ["LEFT", None]


# ---------------------------------------------------------------- case 3

# AWS: AcceptHandshake MasterCannotLeaveOrganizationException
# AWS: LeaveOrganization MasterCannotLeaveOrganizationException
# AWS: RemoveAccountFromOrganization MasterCannotLeaveOrganizationException
# AWS: RemoveAccountFromOrganization ConstraintViolationException MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED
# AWS: RemoveAccountFromOrganization AccessDeniedException
# AWS: RemoveAccountFromOrganization AccountNotFoundException
# AWS: RemoveAccountFromOrganization
# AWS: DeleteOrganization OrganizationNotEmptyException
# AWS: DeleteOrganization
# AWS: ListHandshakesForAccount
def test_case3_management_account_boto3(srv, new_account):
    msp = new_account(name="MSP")
    mc = client(srv, msp)
    org = mc.create_organization()["Organization"]
    s, own_org, (dev, prod) = org_with_members(srv, new_account, 2, "Case 3")
    sc, dc = client(srv, s), client(srv, dev)
    email = sc.describe_organization()["Organization"]["MasterAccountEmail"]
    h = mc.invite_account_to_organization(
        Target={"Id": email, "Type": "EMAIL"}, Notes="Case 3")["Handshake"]
    assert h["Parties"][1] == {"Id": email, "Type": "EMAIL"}
    assert [x["Id"] for x in sc.list_handshakes_for_account()["Handshakes"]] == [h["Id"]]
    # Case 3's own open invitation to an outsider goes with its organization.
    outsider = new_account(name="outsider")
    own_h = sc.invite_account_to_organization(
        Target={"Id": outsider.id, "Type": "ACCOUNT"})["Handshake"]

    fails(sc.accept_handshake, "MasterCannotLeaveOrganizationException", HandshakeId=h["Id"])
    fails(sc.leave_organization, "MasterCannotLeaveOrganizationException")
    fails(sc.remove_account_from_organization, "MasterCannotLeaveOrganizationException",
          AccountId=s.id)
    fails(sc.delete_organization, "OrganizationNotEmptyException")
    fails(dc.remove_account_from_organization, "AccessDeniedException", AccountId=prod.id)
    fails(sc.remove_account_from_organization, "AccountNotFoundException",
          AccountId=outsider.id)
    fails(sc.remove_account_from_organization, "ConstraintViolationException",
          "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED", AccountId=dev.id)
    billing(srv, dev)
    billing(srv, prod)
    sc.remove_account_from_organization(AccountId=dev.id)
    fails(sc.delete_organization, "OrganizationNotEmptyException")
    sc.remove_account_from_organization(AccountId=prod.id)
    sc.delete_organization()
    fails(sc.describe_organization, "AWSOrganizationsNotInUseException")
    assert client(srv, outsider).describe_handshake(
        HandshakeId=own_h["Id"])["Handshake"]["State"] == "CANCELED"

    # After deletion the MSP's invitation still accepts.
    a = sc.accept_handshake(HandshakeId=h["Id"])["Handshake"]
    assert a["State"] == "ACCEPTED"
    check_joined(srv, msp, org, s, h)
    rows = history(srv, s)
    assert [(r["OrganizationId"], r["LeftMethod"]) for r in rows] == [
        (own_org["Id"], "DELETED"), (org["Id"], None)]
    for m in (dev, prod):
        mrows = history(srv, m)
        assert [(r["OrganizationId"], r["LeftMethod"]) for r in mrows] == [
            (own_org["Id"], "REMOVED")]


# AWS: AcceptHandshake MasterCannotLeaveOrganizationException
# AWS: DeleteOrganization OrganizationNotEmptyException
# AWS: RemoveAccountFromOrganization ConstraintViolationException MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED
def test_case3_management_account_cli(srv, new_account):
    msp = new_account(name="MSP")
    org = cli_ok(srv, msp, "create-organization")["Organization"]
    s, own_org, (dev, prod) = org_with_members(srv, new_account, 2, "Case 3")
    email = cli_ok(srv, s, "describe-organization")["Organization"]["MasterAccountEmail"]
    h = cli_ok(srv, msp, "invite-account-to-organization", "--target",
               "Id=%s,Type=EMAIL" % email, "--notes", "Case 3")["Handshake"]
    cli_fails(srv, s, "MasterCannotLeaveOrganizationException", "accept-handshake",
              "--handshake-id", h["Id"])
    cli_fails(srv, s, "MasterCannotLeaveOrganizationException", "leave-organization")
    cli_fails(srv, s, "OrganizationNotEmptyException", "delete-organization")
    cli_fails(srv, s, "ConstraintViolationException", "remove-account-from-organization",
              "--account-id", dev.id)
    billing(srv, dev)
    billing(srv, prod)
    for m in (dev, prod):
        cli_ok(srv, s, "remove-account-from-organization", "--account-id", m.id)
    cli_ok(srv, s, "delete-organization")
    assert cli_ok(srv, s, "accept-handshake", "--handshake-id",
                  h["Id"])["Handshake"]["State"] == "ACCEPTED"
    check_joined(srv, msp, org, s, h)
    assert [r["LeftMethod"] for r in history(srv, s)] == ["DELETED", None]


# ---------------------------------------------------------------- direct transfer

# AWS: AcceptHandshake
# AWS: AcceptHandshake MasterCannotLeaveOrganizationException
def test_direct_transfer(srv, new_account):
    """By default a member of another organization accepts at once: it
    departs and joins in the same instant, with no billing information."""
    msp = new_account(name="MSP")
    mc = client(srv, msp)
    org = mc.create_organization()["Organization"]
    old, old_org, (s,) = org_with_members(srv, new_account, 1, "Other Payer")
    h = mc.invite_account_to_organization(Target={"Id": s.id, "Type": "ACCOUNT"})["Handshake"]
    # The member has no billing info: a direct transfer does not need it.
    assert client(srv, s).accept_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "ACCEPTED"
    rows = history(srv, s)
    assert [(r["OrganizationId"], r["LeftMethod"]) for r in rows] == [
        (old_org["Id"], "LEFT"), (org["Id"], None)]
    assert rows[0]["LeftAt"] == rows[1]["JoinedAt"]
    assert client(srv, s).describe_organization()["Organization"]["Id"] == org["Id"]
    # The old management account sees it gone, the new one sees it joined.
    with pytest.raises(ClientError) as exc:
        client(srv, old).describe_account(AccountId=s.id)
    assert error_of(exc)[0] == "AccountNotFoundException"
    assert mc.describe_account(AccountId=s.id)["Account"]["JoinedMethod"] == "INVITED"
    # A management account never transfers directly.
    h2 = mc.invite_account_to_organization(Target={"Id": old.id, "Type": "ACCOUNT"})["Handshake"]
    fails(client(srv, old).accept_handshake, "MasterCannotLeaveOrganizationException",
          HandshakeId=h2["Id"])
    assert len(history(srv, old)) == 1


# AWS: AcceptHandshake HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION
def test_no_direct_transfer_refuses_a_member(legacy, new_account):
    """serve --no-direct-transfer: the same accept is refused, nothing
    changes, and after leaving it goes through."""
    new_account = with_server(new_account, legacy)
    msp = new_account(name="MSP")
    mc = client(legacy, msp)
    org = mc.create_organization()["Organization"]
    old, old_org, (s,) = org_with_members(legacy, new_account, 1, "Other Payer")
    h = mc.invite_account_to_organization(Target={"Id": s.id, "Type": "ACCOUNT"})["Handshake"]
    fails(client(legacy, s).accept_handshake, "HandshakeConstraintViolationException",
          "ALREADY_IN_AN_ORGANIZATION", HandshakeId=h["Id"])
    assert [(r["OrganizationId"], r["LeftAt"]) for r in history(legacy, s)] == [
        (old_org["Id"], None)]
    billing(legacy, s)
    client(legacy, s).leave_organization()
    client(legacy, s).accept_handshake(HandshakeId=h["Id"])
    rows = history(legacy, s)
    assert rows[-1]["OrganizationId"] == org["Id"]
    assert rows[0]["LeftAt"] <= rows[1]["JoinedAt"]


# ---------------------------------------------------------------- concurrency

# AWS: AcceptHandshake HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION
def test_concurrent_accepts_one_winner(legacy, new_account):
    """Without direct transfer, the loser of two invitations accepted at once
    is already in an organization."""
    srv = legacy
    new_account = with_server(new_account, srv)
    orgs = []
    for name in ("A", "B"):
        m = new_account(name=name)
        client(srv, m).create_organization()
        orgs.append(m)
    for _ in range(3):
        s = new_account(name="contested")
        hids = [client(srv, m).invite_account_to_organization(
            Target={"Id": s.id, "Type": "ACCOUNT"})["Handshake"]["Id"] for m in orgs]
        n = 16
        clients = [client(srv, s) for _ in range(n)]
        barrier = threading.Barrier(n)
        results = [None] * n

        def go(i):
            barrier.wait()
            try:
                clients[i].accept_handshake(HandshakeId=hids[i % 2])
                results[i] = ("ok", i % 2)
            except ClientError as exc:
                r = exc.response
                results[i] = ((r["Error"]["Code"], r.get("Reason")), i % 2)

        threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wins = [r for r in results if r[0] == "ok"]
        assert len(wins) == 1, results
        winner = wins[0][1]
        for r, which in results:
            if r == "ok":
                continue
            if which == winner:
                assert r == ("HandshakeAlreadyInStateException", None), results
            else:
                assert r == ("HandshakeConstraintViolationException",
                             "ALREADY_IN_AN_ORGANIZATION"), results
        rows = history(srv, s)
        assert len(rows) == 1 and rows[0]["LeftAt"] is None
