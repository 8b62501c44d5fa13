# SPDX-License-Identifier: MIT
"""Handshakes (invitations) through boto3 and the aws CLI: inviting by
account id and by e-mail, listing, filtering and paging both lists, the
life of a handshake (transitions, expiry on the test clock, 30-day
disappearance), limits, who may see and do what, and bad input."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of, sql

DAY = 86400


def fails(fn, code, reason=None, **kw):
    with pytest.raises(ClientError) as exc:
        fn(**kw)
    got_code, got_reason = error_of(exc)
    assert got_code == code, exc.value.response
    assert got_reason == reason, exc.value.response
    return exc.value.response


@pytest.fixture
def msp(srv, new_account):
    """A management account with an organization, and its client."""
    a = new_account(name="MSP Payer")
    c = client(srv, a)
    a["org"] = c.create_organization()["Organization"]
    a["c"] = c
    return a


def invite(m, target, kind="ACCOUNT", **kw):
    return m["c"].invite_account_to_organization(
        Target={"Id": target, "Type": kind}, **kw)["Handshake"]


def org_handshakes(m, **kw):
    return m["c"].list_handshakes_for_organization(**kw)["Handshakes"]


# AWS: InviteAccountToOrganization
# AWS: DescribeHandshake
def test_invite_by_account_id_shape(srv, msp, new_account):
    s = new_account()
    h = invite(msp, s.id, Notes="Welcome to MSP billing")
    org = msp["org"]
    assert h["Id"].startswith("h-") and len(h["Id"]) == 34
    assert h["Arn"] == "arn:aws:organizations::%s:handshake/%s/invite/%s" % (
        msp.id, org["Id"], h["Id"])
    assert h["Parties"] == [{"Id": org["Id"], "Type": "ORGANIZATION"},
                            {"Id": s.id, "Type": "ACCOUNT"}]
    assert h["State"] == "OPEN" and h["Action"] == "INVITE"
    span = h["ExpirationTimestamp"] - h["RequestedTimestamp"]
    assert span.total_seconds() == 15 * DAY
    assert h["Resources"] == [
        {"Type": "ORGANIZATION", "Value": org["Id"], "Resources": [
            {"Type": "MASTER_EMAIL", "Value": org["MasterAccountEmail"]},
            {"Type": "MASTER_NAME", "Value": "MSP Payer"},
            {"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"}]},
        {"Type": "ACCOUNT", "Value": s.id},
        {"Type": "NOTES", "Value": "Welcome to MSP billing"}]
    for who in (msp["c"], client(srv, s)):
        assert who.describe_handshake(HandshakeId=h["Id"])["Handshake"] == h


# AWS: InviteAccountToOrganization
def test_invite_wire_timestamps_are_numbers(srv, msp, new_account):
    s = new_account()
    rc, out, err = aws(srv, msp, "organizations", "invite-account-to-organization",
                       "--target", "Id=%s,Type=ACCOUNT" % s.id)
    assert rc == 0, err
    h = out["Handshake"]
    assert h["State"] == "OPEN"
    assert "NOTES" not in [r["Type"] for r in h["Resources"]]
    # On the wire (spec §8.6): epoch seconds as JSON numbers.
    status, _, body = srv.post("/", {"HandshakeId": h["Id"]}, {
        "X-Amz-Target": "AWSOrganizationsV20161128.DescribeHandshake",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20261126/us-east-1/"
                         "organizations/aws4_request, SignedHeaders=host, "
                         "Signature=00" % msp.id})
    assert status == 200, body
    wire = json.loads(body)["Handshake"]
    assert isinstance(wire["RequestedTimestamp"], (int, float))
    assert wire["ExpirationTimestamp"] - wire["RequestedTimestamp"] == pytest.approx(15 * DAY)


# AWS: InviteAccountToOrganization
def test_invite_tags_are_stored(srv, msp, new_account):
    s = new_account()
    h = invite(msp, s.id, Tags=[{"Key": "customer", "Value": "acme"},
                                {"Key": "tier", "Value": ""}])
    rows = sql(srv.db, "SELECT tag_key, tag_value FROM handshake_tags WHERE "
               "handshake_id = ? ORDER BY tag_key", (h["Id"],))
    assert rows == [("customer", "acme"), ("tier", "")]


# AWS: InviteAccountToOrganization InvalidInputException DUPLICATE_TAG_KEY
def test_invite_duplicate_tag_key(srv, msp, new_account):
    s = new_account()
    fails(msp["c"].invite_account_to_organization, "InvalidInputException",
          "DUPLICATE_TAG_KEY", Target={"Id": s.id, "Type": "ACCOUNT"},
          Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])
    assert org_handshakes(msp) == []


# AWS: InviteAccountToOrganization
# AWS: ListHandshakesForAccount
# AWS: AcceptHandshake
def test_invite_by_email_reaches_owner_case_insensitively(srv, msp, new_account):
    s = new_account(email="Owner.Case@Example.com")
    h = invite(msp, "owner.case@example.COM", "EMAIL")
    assert h["Parties"][1] == {"Id": "owner.case@example.COM", "Type": "EMAIL"}
    assert {"Type": "EMAIL", "Value": "owner.case@example.COM"} in h["Resources"]
    sc = client(srv, s)
    assert [x["Id"] for x in sc.list_handshakes_for_account()["Handshakes"]] == [h["Id"]]
    assert sc.accept_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "ACCEPTED"


# AWS: InviteAccountToOrganization
# AWS: ListHandshakesForAccount
def test_invite_by_email_reaches_account_that_signs_up_later(srv, msp, new_account):
    h = invite(msp, "later@example.org", "EMAIL")
    other = new_account()
    assert client(srv, other).list_handshakes_for_account()["Handshakes"] == []
    s = new_account(email="later@example.org")
    sc = client(srv, s)
    got = sc.list_handshakes_for_account()["Handshakes"]
    assert [x["Id"] for x in got] == [h["Id"]]
    assert sc.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "OPEN"
    assert sc.accept_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "ACCEPTED"


# AWS: ListHandshakesForOrganization
# AWS: ListHandshakesForAccount
def test_lists_filter_and_paginate(srv, new_account):
    s = new_account()
    orgs = []
    for i in range(5):
        m = new_account()
        c = client(srv, m)
        c.create_organization()
        m["c"] = c
        orgs.append(m)
    hids = {invite(m, s.id)["Id"] for m in orgs}
    sc = client(srv, s)
    seen, token, pages = [], None, 0
    while True:
        kw = {"MaxResults": 2}
        if token:
            kw["NextToken"] = token
        r = sc.list_handshakes_for_account(**kw)
        assert len(r["Handshakes"]) <= 2
        seen += [h["Id"] for h in r["Handshakes"]]
        pages += 1
        token = r.get("NextToken")
        if not token:
            break
    assert pages == 3 and len(seen) == 5 and set(seen) == hids
    pag = sc.get_paginator("list_handshakes_for_account")
    got = [h["Id"] for p in pag.paginate(PaginationConfig={"PageSize": 3}) for h in p["Handshakes"]]
    assert sorted(got) == sorted(hids)
    assert len(sc.list_handshakes_for_account(Filter={"ActionType": "INVITE"})["Handshakes"]) == 5
    assert sc.list_handshakes_for_account(
        Filter={"ActionType": "ENABLE_ALL_FEATURES"})["Handshakes"] == []
    assert sc.list_handshakes_for_account(
        Filter={"ParentHandshakeId": "h-abcdefgh12"})["Handshakes"] == []

    # One organization's side: 5 sent, paged by 2, both filters.
    m = orgs[0]
    for i in range(4):
        invite(m, new_account().id)
    sent = []
    for p in m["c"].get_paginator("list_handshakes_for_organization").paginate(
            PaginationConfig={"PageSize": 2}):
        assert len(p["Handshakes"]) <= 2
        sent += [h["Id"] for h in p["Handshakes"]]
    assert len(sent) == len(set(sent)) == 5
    assert len(org_handshakes(m, Filter={"ActionType": "INVITE"})) == 5
    assert org_handshakes(m, Filter={"ParentHandshakeId": "h-abcdefgh12"}) == []
    rc, out, err = aws(srv, m, "organizations", "list-handshakes-for-organization",
                       "--filter", "ActionType=INVITE", "--page-size", "2")
    assert rc == 0, err
    assert len(out["Handshakes"]) == 5


# AWS: ListHandshakesForOrganization InvalidInputException MAX_LIMIT_EXCEEDED_FILTER
# AWS: ListHandshakesForAccount InvalidInputException MAX_LIMIT_EXCEEDED_FILTER
# AWS: ListHandshakesForOrganization InvalidInputException INVALID_NEXT_TOKEN
def test_list_bad_filter_and_token(srv, msp):
    both = {"ActionType": "INVITE", "ParentHandshakeId": "h-abcdefgh12"}
    fails(msp["c"].list_handshakes_for_organization, "InvalidInputException",
          "MAX_LIMIT_EXCEEDED_FILTER", Filter=both)
    fails(msp["c"].list_handshakes_for_account, "InvalidInputException",
          "MAX_LIMIT_EXCEEDED_FILTER", Filter=both)
    fails(msp["c"].list_handshakes_for_organization, "InvalidInputException",
          "INVALID_NEXT_TOKEN", NextToken="garbage!")
    fails(msp["c"].list_handshakes_for_organization, "InvalidInputException",
          "INVALID_ENUM", Filter={"ActionType": "NOPE"})


# AWS: CancelHandshake
# AWS: CancelHandshake HandshakeAlreadyInStateException
# AWS: AcceptHandshake InvalidHandshakeTransitionException
# AWS: DeclineHandshake InvalidHandshakeTransitionException
def test_cancel_then_forbidden(srv, msp, new_account):
    s = new_account()
    sc = client(srv, s)
    h = invite(msp, s.id)
    c = msp["c"].cancel_handshake(HandshakeId=h["Id"])["Handshake"]
    assert c["State"] == "CANCELED"
    assert sc.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "CANCELED"
    fails(msp["c"].cancel_handshake, "HandshakeAlreadyInStateException", HandshakeId=h["Id"])
    fails(sc.accept_handshake, "InvalidHandshakeTransitionException", HandshakeId=h["Id"])
    fails(sc.decline_handshake, "InvalidHandshakeTransitionException", HandshakeId=h["Id"])
    # A canceled invitation does not block a new one.
    assert invite(msp, s.id)["State"] == "OPEN"


# AWS: DeclineHandshake
# AWS: DeclineHandshake HandshakeAlreadyInStateException
# AWS: AcceptHandshake InvalidHandshakeTransitionException
# AWS: CancelHandshake InvalidHandshakeTransitionException
def test_decline_then_forbidden(srv, msp, new_account):
    s = new_account()
    sc = client(srv, s)
    h = invite(msp, s.id)
    assert sc.decline_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "DECLINED"
    assert msp["c"].describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "DECLINED"
    fails(sc.decline_handshake, "HandshakeAlreadyInStateException", HandshakeId=h["Id"])
    fails(sc.accept_handshake, "InvalidHandshakeTransitionException", HandshakeId=h["Id"])
    fails(msp["c"].cancel_handshake, "InvalidHandshakeTransitionException", HandshakeId=h["Id"])
    rc, out, err = aws(srv, s, "organizations", "decline-handshake", "--handshake-id", h["Id"])
    assert rc in (254, 255) and "(HandshakeAlreadyInStateException)" in err
    assert invite(msp, s.id)["State"] == "OPEN"


# AWS: AcceptHandshake HandshakeAlreadyInStateException
# AWS: CancelHandshake InvalidHandshakeTransitionException
# AWS: DeclineHandshake InvalidHandshakeTransitionException
def test_accept_then_forbidden(srv, msp, new_account):
    s = new_account()
    sc = client(srv, s)
    h = invite(msp, s.id)
    sc.accept_handshake(HandshakeId=h["Id"])
    fails(sc.accept_handshake, "HandshakeAlreadyInStateException", HandshakeId=h["Id"])
    fails(sc.decline_handshake, "InvalidHandshakeTransitionException", HandshakeId=h["Id"])
    fails(msp["c"].cancel_handshake, "InvalidHandshakeTransitionException", HandshakeId=h["Id"])


# AWS: AcceptHandshake AccessDeniedException
# AWS: CancelHandshake AccessDeniedException
# AWS: DeclineHandshake AccessDeniedException
# AWS: DescribeHandshake HandshakeNotFoundException
# AWS: AcceptHandshake HandshakeNotFoundException
def test_parties(srv, msp, new_account):
    s, stranger = new_account(), new_account()
    sc, xc = client(srv, s), client(srv, stranger)
    h = invite(msp, s.id)
    fails(msp["c"].accept_handshake, "AccessDeniedException", HandshakeId=h["Id"])
    fails(msp["c"].decline_handshake, "AccessDeniedException", HandshakeId=h["Id"])
    fails(sc.cancel_handshake, "AccessDeniedException", HandshakeId=h["Id"])
    for op in (xc.describe_handshake, xc.accept_handshake, xc.decline_handshake,
               xc.cancel_handshake):
        fails(op, "HandshakeNotFoundException", HandshakeId=h["Id"])
    fails(sc.describe_handshake, "HandshakeNotFoundException", HandshakeId="h-0000000000")
    assert xc.list_handshakes_for_account()["Handshakes"] == []
    assert sc.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "OPEN"


# AWS: AcceptHandshake InvalidHandshakeTransitionException
# AWS: DescribeHandshake HandshakeNotFoundException
# AWS: ListHandshakesForAccount
def test_expiry_and_disappearance_on_test_clock(srv, msp, new_account):
    s = new_account()
    sc = client(srv, s)
    h = invite(msp, s.id)
    srv.advance(15 * DAY - 60)
    assert sc.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "OPEN"
    srv.advance(61)
    for who in (sc, msp["c"]):
        assert who.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "EXPIRED"
    assert [x["State"] for x in sc.list_handshakes_for_account()["Handshakes"]] == ["EXPIRED"]
    assert [x["State"] for x in org_handshakes(msp)] == ["EXPIRED"]
    for op in (sc.accept_handshake, sc.decline_handshake, msp["c"].cancel_handshake):
        fails(op, "InvalidHandshakeTransitionException", HandshakeId=h["Id"])
    rc, out, err = aws(srv, s, "organizations", "accept-handshake", "--handshake-id", h["Id"])
    assert rc in (254, 255) and "(InvalidHandshakeTransitionException)" in err
    # An expired invitation does not block a new one.
    h2 = invite(msp, s.id)
    srv.advance(30 * DAY - 120)
    assert msp["c"].describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "EXPIRED"
    srv.advance(121)
    for who in (sc, msp["c"]):
        fails(who.describe_handshake, "HandshakeNotFoundException", HandshakeId=h["Id"])
    assert [x["Id"] for x in sc.list_handshakes_for_account()["Handshakes"]] == [h2["Id"]]
    assert [x["Id"] for x in org_handshakes(msp)] == [h2["Id"]]


# AWS: DescribeHandshake HandshakeNotFoundException
def test_ended_handshake_gone_after_30_days(srv, msp, new_account):
    s = new_account()
    h = invite(msp, s.id)
    msp["c"].cancel_handshake(HandshakeId=h["Id"])
    srv.advance(30 * DAY - 60)
    assert client(srv, s).describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "CANCELED"
    srv.advance(61)
    fails(client(srv, s).describe_handshake, "HandshakeNotFoundException", HandshakeId=h["Id"])
    assert org_handshakes(msp) == []


# AWS: InviteAccountToOrganization HandshakeConstraintViolationException HANDSHAKE_RATE_LIMIT_EXCEEDED
def test_rate_limit(srv, msp):
    for i in range(20):
        invite(msp, "rate%d@example.net" % i, "EMAIL")
    fails(msp["c"].invite_account_to_organization, "HandshakeConstraintViolationException",
          "HANDSHAKE_RATE_LIMIT_EXCEEDED", Target={"Id": "rate20@example.net", "Type": "EMAIL"})
    assert len(org_handshakes(msp)) == 20
    srv.advance(DAY + 1)
    invite(msp, "rate20@example.net", "EMAIL")


# AWS: InviteAccountToOrganization DuplicateHandshakeException
def test_duplicate_open_invitation(srv, msp, new_account):
    s = new_account(email="dup-owner@example.com")
    invite(msp, s.id)
    fails(msp["c"].invite_account_to_organization, "DuplicateHandshakeException",
          Target={"Id": s.id, "Type": "ACCOUNT"})
    # The same account by its e-mail is the same target.
    fails(msp["c"].invite_account_to_organization, "DuplicateHandshakeException",
          Target={"Id": "DUP-owner@example.com", "Type": "EMAIL"})
    rc, out, err = aws(srv, msp, "organizations", "invite-account-to-organization",
                       "--target", "Id=%s,Type=ACCOUNT" % s.id)
    assert rc in (254, 255) and "(DuplicateHandshakeException)" in err
    assert len(org_handshakes(msp)) == 1


# AWS: InviteAccountToOrganization HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION
def test_invite_member_of_this_org(srv, msp, new_account):
    s = new_account()
    h = invite(msp, s.id)
    client(srv, s).accept_handshake(HandshakeId=h["Id"])
    for target in (s.id, msp.id):
        fails(msp["c"].invite_account_to_organization, "HandshakeConstraintViolationException",
              "ALREADY_IN_AN_ORGANIZATION", Target={"Id": target, "Type": "ACCOUNT"})


# AWS: InviteAccountToOrganization AccessDeniedException
# AWS: ListHandshakesForOrganization AccessDeniedException
# AWS: CancelHandshake AccessDeniedException
# AWS: DescribeHandshake AccessDeniedException
# AWS: InviteAccountToOrganization AWSOrganizationsNotInUseException
# AWS: ListHandshakesForOrganization AWSOrganizationsNotInUseException
def test_member_and_standalone_callers(srv, msp, new_account):
    member, other, standalone = new_account(), new_account(), new_account()
    client(srv, member).accept_handshake(HandshakeId=invite(msp, member.id)["Id"])
    h = invite(msp, other.id)
    mc = client(srv, member)
    fails(mc.invite_account_to_organization, "AccessDeniedException",
          Target={"Id": other.id, "Type": "ACCOUNT"})
    fails(mc.list_handshakes_for_organization, "AccessDeniedException")
    fails(mc.cancel_handshake, "AccessDeniedException", HandshakeId=h["Id"])
    fails(mc.describe_handshake, "AccessDeniedException", HandshakeId=h["Id"])
    rc, out, err = aws(srv, member, "organizations", "list-handshakes-for-organization")
    assert rc in (254, 255) and "(AccessDeniedException)" in err
    sc = client(srv, standalone)
    fails(sc.invite_account_to_organization, "AWSOrganizationsNotInUseException",
          Target={"Id": other.id, "Type": "ACCOUNT"})
    fails(sc.list_handshakes_for_organization, "AWSOrganizationsNotInUseException")
    assert sc.list_handshakes_for_account()["Handshakes"] == []


# AWS: InviteAccountToOrganization InvalidInputException INVALID_PATTERN
# AWS: InviteAccountToOrganization InvalidInputException INVALID_EMAIL_ADDRESS_TARGET
# AWS: InviteAccountToOrganization InvalidInputException INVALID_PARTY_TYPE_TARGET
# AWS: InviteAccountToOrganization InvalidInputException MAX_LENGTH_EXCEEDED
# AWS: DescribeHandshake InvalidInputException INVALID_PATTERN
# AWS: AcceptHandshake InvalidInputException INVALID_PATTERN
# AWS: RemoveAccountFromOrganization InvalidInputException INVALID_PATTERN
def test_bad_input_writes_nothing(srv, msp, new_account):
    s = new_account()
    c = msp["c"]
    bad = [
        ({"Target": {"Id": "12345", "Type": "ACCOUNT"}}, "INVALID_PATTERN"),
        ({"Target": {"Id": "12345678901a", "Type": "ACCOUNT"}}, "INVALID_PATTERN"),
        ({"Target": {"Id": "not-an-email", "Type": "EMAIL"}}, "INVALID_EMAIL_ADDRESS_TARGET"),
        ({"Target": {"Id": "a b@example.com", "Type": "EMAIL"}}, "INVALID_EMAIL_ADDRESS_TARGET"),
        ({"Target": {"Id": msp["org"]["Id"], "Type": "ORGANIZATION"}}, "INVALID_PARTY_TYPE_TARGET"),
        ({"Target": {"Id": s.id, "Type": "ACCOUNT"}, "Notes": "x" * 1025}, "MAX_LENGTH_EXCEEDED"),
    ]
    for kw, reason in bad:
        fails(c.invite_account_to_organization, "InvalidInputException", reason, **kw)
    # Unknown party types get past botocore (no client-side enum check).
    status, _, body = srv.post("/", {"Target": {"Id": s.id, "Type": "ROBOT"}}, {
        "X-Amz-Target": "AWSOrganizationsV20161128.InviteAccountToOrganization",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20261126/us-east-1/"
                         "organizations/aws4_request, SignedHeaders=host, "
                         "Signature=00" % msp.id})
    assert status == 400 and b"INVALID_PARTY_TYPE_TARGET" in body, body
    assert org_handshakes(msp) == []
    # 1024 characters (not bytes) is the ceiling.
    ok = invite(msp, s.id, Notes="é" * 1024)
    assert {"Type": "NOTES", "Value": "é" * 1024} in ok["Resources"]
    for op in (c.describe_handshake, c.accept_handshake, c.cancel_handshake):
        fails(op, "InvalidInputException", "INVALID_PATTERN", HandshakeId="BAD")
    fails(c.describe_handshake, "InvalidInputException", "MAX_LENGTH_EXCEEDED",
          HandshakeId="h-" + "a" * 33)
    fails(c.remove_account_from_organization, "InvalidInputException", "INVALID_PATTERN",
          AccountId="abc")
    rc, out, err = aws(srv, msp, "organizations", "describe-handshake", "--handshake-id", "BAD")
    assert rc in (254, 255) and "(InvalidInputException)" in err
    assert [h["Id"] for h in org_handshakes(msp)] == [ok["Id"]]


# AWS: InviteAccountToOrganization
def test_invite_unknown_well_formed_account(srv, msp):
    """Decision (spec §10.8): accepted, no account record is made."""
    h = invite(msp, "999999999999")
    assert h["State"] == "OPEN"
    assert srv.cli("account", "show", "999999999999", check=False).returncode != 0
