# SPDX-License-Identifier: MIT
"""Billing transfer (Organizations' responsibility transfer, issue 20) and
the other operations of the newest model, driven by the newest boto3 and aws
CLI (tests/api/newest.py) against `serve --emulator`; Debian's older boto3
answers the TRANSFER_RESPONSIBILITY handshake with the operations it knows.
Each test skips, saying why, where the newest model is not installed."""

import calendar
import datetime

from conftest import aws, client
from newest import cli, peer  # noqa: F401 (fixture)
from orgkit import Org

DAY = 86400


def now_s(srv):
    """The business clock (the emulator's), epoch seconds."""
    iso = srv.advance(0)
    return calendar.timegm(datetime.datetime.strptime(
        iso, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def month_start(t, k):
    """Epoch seconds of 00:00 UTC on the first of the month k months after
    the month of t."""
    d = datetime.datetime.utcfromtimestamp(t)
    m = d.month - 1 + k
    return calendar.timegm((d.year + m // 12, m % 12 + 1, 1, 0, 0, 0))


def next_start(srv):
    """The first month start a transfer invited now may take: at least two
    days ahead (accepted 24 hours before)."""
    t = now_s(srv)
    s = month_start(t, 1)
    return s if s - t > 2 * DAY else month_start(t, 2)


def invite(peer, srv, msp, target, start, ttype="ACCOUNT", name="Customer bill",
           **kw):
    return peer.call(srv, msp, "InviteOrganizationToTransferResponsibility",
                     Type="BILLING", Target={"Id": target, "Type": ttype},
                     StartTimestamp=start, SourceName=name, **kw)["Handshake"]


def resources(h):
    """{Type: Value} of a handshake's resources and their children."""
    out = {}
    for r in h["Resources"]:
        out[r["Type"]] = r["Value"]
        for c in r.get("Resources", []):
            out[c["Type"]] = c["Value"]
    return out


# AWS: InviteOrganizationToTransferResponsibility
# AWS: ListHandshakesForAccount
# AWS: AcceptHandshake
# AWS: AcceptHandshake HandshakeNotFoundException
# AWS: AcceptHandshake AccessDeniedException
# AWS: ListInboundResponsibilityTransfers
# AWS: ListOutboundResponsibilityTransfers
# AWS: DescribeResponsibilityTransfer
# AWS: DescribeResponsibilityTransfer ResponsibilityTransferNotFoundException
# AWS: UpdateResponsibilityTransfer
# AWS: TerminateResponsibilityTransfer
# AWS: TerminateResponsibilityTransfer InvalidInputException END_DATE_NOT_END_OF_MONTH
# AWS: TerminateResponsibilityTransfer ResponsibilityTransferAlreadyInStatusException
# AWS: DeleteOrganization ConstraintViolationException ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS
# AWS: ListTagsForResource
def test_transfer_invited_accepted_listed_renamed_terminated(srv, new_account, peer):
    msp = Org(srv, new_account)
    cust = Org(srv, new_account, 1)
    member = cust.members[0]
    start = next_start(srv)
    h = invite(peer, srv, msp.mgmt, cust.mgmt.id, start, Notes="From your MSP",
               Tags=[{"Key": "customer", "Value": "acme"}])
    assert h["Action"] == "TRANSFER_RESPONSIBILITY" and h["State"] == "OPEN"
    assert h["Parties"] == [{"Id": msp.org["Id"], "Type": "ORGANIZATION"},
                            {"Id": cust.mgmt.id, "Type": "ACCOUNT"}]
    assert "/transfer_responsibility/" in h["Arn"]
    res = resources(h)
    assert res["TRANSFER_TYPE"] == "BILLING"
    assert res["RESPONSIBILITY_TRANSFER"].startswith("rt-")
    assert res["MANAGEMENT_ACCOUNT"] == msp.mgmt.id
    assert res["ORGANIZATION"] == msp.org["Id"]
    assert res["NOTES"] == "From your MSP"
    assert calendar.timegm(datetime.datetime.strptime(
        res["TRANSFER_START_TIMESTAMP"], "%Y-%m-%dT%H:%M:%SZ").timetuple()) == start
    # Accepted 24 hours before the start at the latest.
    assert h["ExpirationTimestamp"] <= start - DAY
    rid = res["RESPONSIBILITY_TRANSFER"]

    # The source's management account sees it; a member of its
    # organization is no party to it and may not accept it.
    got = peer.call(srv, cust.mgmt, "ListHandshakesForAccount")["Handshakes"]
    assert [x["Id"] for x in got] == [h["Id"]]
    peer.fails(srv, member, "AcceptHandshake", "HandshakeNotFoundException",
               HandshakeId=h["Id"])
    # An invitation addressed to a member is refused when it answers: only
    # a management account accepts a billing transfer.
    h2 = invite(peer, srv, msp.mgmt, member.id, start)
    peer.fails(srv, member, "AcceptHandshake", "AccessDeniedException",
               HandshakeId=h2["Id"])
    peer.call(srv, msp.mgmt, "CancelHandshake", HandshakeId=h2["Id"])

    inbound = peer.call(srv, msp.mgmt, "ListInboundResponsibilityTransfers",
                        Type="BILLING")["ResponsibilityTransfers"]
    assert sorted((t["Id"], t["Status"]) for t in inbound) == sorted(
        [(rid, "REQUESTED"), (resources(h2)["RESPONSIBILITY_TRANSFER"], "CANCELED")])
    t = [x for x in inbound if x["Id"] == rid][0]
    assert t["Status"] == "REQUESTED" and t["Type"] == "BILLING"
    assert t["Name"] == "Customer bill"
    assert t["Source"]["ManagementAccountId"] == cust.mgmt.id
    assert t["Target"]["ManagementAccountId"] == msp.mgmt.id
    assert t["StartTimestamp"] == start and t["ActiveHandshakeId"] == h["Id"]
    assert t["Arn"] == "arn:aws:organizations::%s:transfer/%s/billing/inbound/%s" % (
        msp.mgmt.id, msp.org["Id"], rid)

    a = peer.call(srv, cust.mgmt, "AcceptHandshake", HandshakeId=h["Id"])["Handshake"]
    assert a["State"] == "ACCEPTED"
    # The customer keeps its organization and its member.
    assert peer.call(srv, cust.mgmt, "DescribeOrganization")["Organization"]["Id"] == cust.org["Id"]
    assert [x["Id"] for x in peer.call(srv, cust.mgmt, "ListAccounts")["Accounts"]
            if x["Id"] == member.id] == [member.id]

    out = peer.call(srv, cust.mgmt, "ListOutboundResponsibilityTransfers",
                    Type="BILLING")["ResponsibilityTransfers"]
    assert [x["Id"] for x in out] == [rid]
    assert out[0]["Status"] == "ACCEPTED"
    assert out[0]["Arn"] == "arn:aws:organizations::%s:transfer/%s/billing/outbound/%s" % (
        cust.mgmt.id, cust.org["Id"], rid)
    assert peer.call(srv, msp.mgmt, "ListOutboundResponsibilityTransfers",
                     Type="BILLING")["ResponsibilityTransfers"] == []
    d = peer.call(srv, msp.mgmt, "DescribeResponsibilityTransfer",
                  Id=rid)["ResponsibilityTransfer"]
    assert d["Status"] == "ACCEPTED" and "EndTimestamp" not in d
    peer.fails(srv, member, "DescribeResponsibilityTransfer",
               "ResponsibilityTransferNotFoundException", Id=rid)

    # Renamed by either side: one name.
    r = peer.call(srv, cust.mgmt, "UpdateResponsibilityTransfer", Id=rid,
                  Name="Acme paid by its MSP")["ResponsibilityTransfer"]
    assert r["Name"] == "Acme paid by its MSP"
    assert peer.call(srv, msp.mgmt, "DescribeResponsibilityTransfer",
                     Id=rid)["ResponsibilityTransfer"]["Name"] == "Acme paid by its MSP"
    assert peer.call(srv, msp.mgmt, "ListTagsForResource",
                     ResourceId=rid)["Tags"] == [{"Key": "customer", "Value": "acme"}]

    # The source may not delete its organization while the transfer runs.
    srv.cli("account", "set-billing-info", member.id, "--payment-method",
            "Visa ending 4242", "--phone", "+1 206 555 0100")
    peer.call(srv, cust.mgmt, "RemoveAccountFromOrganization", AccountId=member.id)
    peer.fails(srv, cust.mgmt, "DeleteOrganization", "ConstraintViolationException",
               "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")

    # Two months into the transfer the MSP withdraws: it ends at the end
    # of that month, not in the middle of one.
    srv.advance(start - now_s(srv) + 40 * DAY)
    peer.fails(srv, msp.mgmt, "TerminateResponsibilityTransfer", "InvalidInputException",
               "END_DATE_NOT_END_OF_MONTH", Id=rid, EndTimestamp=month_start(start, 1) + 14 * DAY)
    w = peer.call(srv, msp.mgmt, "TerminateResponsibilityTransfer",
                  Id=rid)["ResponsibilityTransfer"]
    assert w["Status"] == "WITHDRAWN"
    end = month_start(start, 2) - 0.001
    assert abs(w["EndTimestamp"] - end) < 0.0005, (w["EndTimestamp"], end)
    peer.fails(srv, cust.mgmt, "TerminateResponsibilityTransfer",
               "ResponsibilityTransferAlreadyInStatusException", Id=rid)
    out = peer.call(srv, cust.mgmt, "DescribeResponsibilityTransfer",
                    Id=rid)["ResponsibilityTransfer"]
    assert out["Status"] == "WITHDRAWN" and abs(out["EndTimestamp"] - end) < 0.0005
    # Running until its end; after it the organization is free again.
    peer.fails(srv, cust.mgmt, "DeleteOrganization", "ConstraintViolationException",
               "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")
    srv.advance(int(end) + 1 - now_s(srv) + DAY)
    peer.call(srv, cust.mgmt, "DeleteOrganization")


# AWS: InviteOrganizationToTransferResponsibility InvalidInputException START_DATE_NOT_BEGINNING_OF_MONTH
# AWS: InviteOrganizationToTransferResponsibility InvalidInputException START_DATE_NOT_BEGINNING_OF_DAY
# AWS: InviteOrganizationToTransferResponsibility InvalidInputException START_DATE_TOO_EARLY
# AWS: InviteOrganizationToTransferResponsibility InvalidInputException START_DATE_TOO_LATE
# AWS: InviteOrganizationToTransferResponsibility InvalidInputException INVALID_PARTY_TYPE_TARGET
# AWS: InviteOrganizationToTransferResponsibility InvalidInputException INVALID_ENUM
# AWS: InviteOrganizationToTransferResponsibility InvalidInputException INVALID_PATTERN
def test_start_date_and_input_rules(srv, new_account, peer):
    msp = Org(srv, new_account)
    cust = Org(srv, new_account)
    start = next_start(srv)
    bad = [(start + 14 * DAY, "START_DATE_NOT_BEGINNING_OF_MONTH"),
           (start + 12 * 3600, "START_DATE_NOT_BEGINNING_OF_DAY"),
           (month_start(now_s(srv), 0), "START_DATE_TOO_EARLY"),
           (month_start(now_s(srv), 24), "START_DATE_TOO_LATE")]
    for when, reason in bad:
        peer.fails(srv, msp.mgmt, "InviteOrganizationToTransferResponsibility",
                   "InvalidInputException", reason, Type="BILLING",
                   Target={"Id": cust.mgmt.id, "Type": "ACCOUNT"},
                   StartTimestamp=when, SourceName="x")
    for target, typ, reason in [(cust.org["Id"], "ORGANIZATION", "INVALID_PARTY_TYPE_TARGET"),
                                ("12345", "ACCOUNT", "INVALID_PATTERN")]:
        peer.fails(srv, msp.mgmt, "InviteOrganizationToTransferResponsibility",
                   "InvalidInputException", reason, Type="BILLING",
                   Target={"Id": target, "Type": typ}, StartTimestamp=start,
                   SourceName="x")
    peer.fails(srv, msp.mgmt, "InviteOrganizationToTransferResponsibility",
               "InvalidInputException", "INVALID_ENUM", Type="SECURITY",
               Target={"Id": cust.mgmt.id, "Type": "ACCOUNT"},
               StartTimestamp=start, SourceName="x")
    peer.fails(srv, msp.mgmt, "InviteOrganizationToTransferResponsibility",
               "InvalidInputException", "INVALID_PATTERN", Type="BILLING",
               Target={"Id": cust.mgmt.id, "Type": "ACCOUNT"},
               StartTimestamp=start, SourceName="caf\u00e9")
    # Nothing was sent.
    assert peer.call(srv, msp.mgmt, "ListInboundResponsibilityTransfers",
                     Type="BILLING")["ResponsibilityTransfers"] == []
    assert peer.call(srv, msp.mgmt, "ListHandshakesForOrganization")["Handshakes"] == []


# AWS: InviteOrganizationToTransferResponsibility AccessDeniedException
# AWS: InviteOrganizationToTransferResponsibility AWSOrganizationsNotInUseException
# AWS: InviteOrganizationToTransferResponsibility HandshakeConstraintViolationException SOURCE_AND_TARGET_CANNOT_MATCH
# AWS: InviteOrganizationToTransferResponsibility DuplicateHandshakeException
# AWS: InviteOrganizationToTransferResponsibility HandshakeConstraintViolationException RESPONSIBILITY_TRANSFER_ALREADY_EXISTS
# AWS: InviteOrganizationToTransferResponsibility ConstraintViolationException RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION
# AWS: AcceptHandshake AWSOrganizationsNotInUseException
# AWS: ListInboundResponsibilityTransfers ResponsibilityTransferNotFoundException
# AWS: ListInboundResponsibilityTransfers AccessDeniedException
# AWS: ListOutboundResponsibilityTransfers AWSOrganizationsNotInUseException
# AWS: TerminateResponsibilityTransfer InvalidResponsibilityTransferTransitionException
# AWS: TerminateResponsibilityTransfer InvalidInputException END_DATE_TOO_EARLY
# AWS: DeclineHandshake
# AWS: CancelHandshake
# AWS: UpdateResponsibilityTransfer ResponsibilityTransferNotFoundException
# AWS: UpdateResponsibilityTransfer InvalidInputException MAX_LENGTH_EXCEEDED
# AWS: DescribeResponsibilityTransfer AWSOrganizationsNotInUseException
# AWS: DescribeResponsibilityTransfer InvalidInputException INVALID_PATTERN
def test_transfer_constraints(srv, new_account, peer):
    msp = Org(srv, new_account, 1)
    cust = Org(srv, new_account)
    other_msp = Org(srv, new_account)
    third = Org(srv, new_account)
    alone = new_account(name="standalone")
    start = next_start(srv)
    args = dict(Type="BILLING", StartTimestamp=start, SourceName="x")
    inv = "InviteOrganizationToTransferResponsibility"

    peer.fails(srv, msp.members[0], inv, "AccessDeniedException",
               Target={"Id": cust.mgmt.id, "Type": "ACCOUNT"}, **args)
    peer.fails(srv, alone, inv, "AWSOrganizationsNotInUseException",
               Target={"Id": cust.mgmt.id, "Type": "ACCOUNT"}, **args)
    for target in (msp.mgmt.id, msp.members[0].id):
        peer.fails(srv, msp.mgmt, inv, "HandshakeConstraintViolationException",
                   "SOURCE_AND_TARGET_CANNOT_MATCH",
                   Target={"Id": target, "Type": "ACCOUNT"}, **args)
    peer.fails(srv, msp.members[0], "ListInboundResponsibilityTransfers",
               "AccessDeniedException", Type="BILLING")
    peer.fails(srv, alone, "ListOutboundResponsibilityTransfers",
               "AWSOrganizationsNotInUseException", Type="BILLING")

    # A standalone account was invited: it has no organization's bill.
    h0 = invite(peer, srv, msp.mgmt, alone.id, start)
    peer.fails(srv, alone, "AcceptHandshake", "AWSOrganizationsNotInUseException",
               HandshakeId=h0["Id"])
    peer.call(srv, msp.mgmt, "CancelHandshake", HandshakeId=h0["Id"])

    h = invite(peer, srv, msp.mgmt, cust.mgmt.id, start)
    rid = resources(h)["RESPONSIBILITY_TRANSFER"]
    peer.fails(srv, msp.mgmt, inv, "DuplicateHandshakeException",
               Target={"Id": cust.mgmt.id, "Type": "ACCOUNT"}, **args)
    # Another MSP may not invite the same organization meanwhile.
    peer.fails(srv, other_msp.mgmt, inv, "HandshakeConstraintViolationException",
               "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS",
               Target={"Id": cust.mgmt.id, "Type": "ACCOUNT"}, **args)
    peer.fails(srv, msp.mgmt, "TerminateResponsibilityTransfer",
               "InvalidResponsibilityTransferTransitionException", Id=rid)
    peer.fails(srv, msp.mgmt, "ListInboundResponsibilityTransfers",
               "ResponsibilityTransferNotFoundException", Type="BILLING",
               Id="rt-00000000abcdefgh")
    got = peer.call(srv, msp.mgmt, "ListInboundResponsibilityTransfers",
                    Type="BILLING", Id=rid)["ResponsibilityTransfers"]
    assert [t["Id"] for t in got] == [rid]
    peer.fails(srv, other_msp.mgmt, "UpdateResponsibilityTransfer",
               "ResponsibilityTransferNotFoundException", Id=rid, Name="mine now")
    peer.fails(srv, msp.mgmt, "UpdateResponsibilityTransfer", "InvalidInputException",
               "MAX_LENGTH_EXCEEDED", Id=rid, Name="x" * 129)
    peer.fails(srv, alone, "DescribeResponsibilityTransfer",
               "AWSOrganizationsNotInUseException", Id=rid)
    peer.fails(srv, msp.mgmt, "DescribeResponsibilityTransfer", "InvalidInputException",
               "INVALID_PATTERN", Id="rt-NOT_VALID")
    peer.call(srv, cust.mgmt, "AcceptHandshake", HandshakeId=h["Id"])
    # No chains: the source pays nobody's bill, its payer is nobody's source.
    peer.fails(srv, cust.mgmt, inv, "ConstraintViolationException",
               "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION",
               Target={"Id": third.mgmt.id, "Type": "ACCOUNT"}, **args)
    peer.fails(srv, third.mgmt, inv, "ConstraintViolationException",
               "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION",
               Target={"Id": msp.mgmt.id, "Type": "ACCOUNT"}, **args)
    # A termination may not end it before the current month is over.
    peer.fails(srv, msp.mgmt, "TerminateResponsibilityTransfer",
               "InvalidInputException", "END_DATE_TOO_EARLY", Id=rid,
               EndTimestamp=month_start(now_s(srv), 0) - 1)

    # Declined by the source: DECLINED.
    h3 = invite(peer, srv, other_msp.mgmt, third.mgmt.id, start)
    r3 = resources(h3)["RESPONSIBILITY_TRANSFER"]
    peer.call(srv, third.mgmt, "DeclineHandshake", HandshakeId=h3["Id"])
    assert peer.call(srv, other_msp.mgmt, "DescribeResponsibilityTransfer",
                     Id=r3)["ResponsibilityTransfer"]["Status"] == "DECLINED"


# AWS: InviteOrganizationToTransferResponsibility
# AWS: DescribeResponsibilityTransfer
def test_invitation_expires_and_cancels(srv, new_account, peer):
    msp = Org(srv, new_account)
    cust = Org(srv, new_account)
    start = next_start(srv)
    email = peer.call(srv, cust.mgmt, "DescribeOrganization")["Organization"]["MasterAccountEmail"]
    h = invite(peer, srv, msp.mgmt, email, start, ttype="EMAIL")
    rid = resources(h)["RESPONSIBILITY_TRANSFER"]
    t = peer.call(srv, cust.mgmt, "DescribeResponsibilityTransfer",
                  Id=rid)["ResponsibilityTransfer"]
    assert t["Source"] == {"ManagementAccountId": cust.mgmt.id,
                           "ManagementAccountEmail": email}
    peer.call(srv, msp.mgmt, "CancelHandshake", HandshakeId=h["Id"])
    assert peer.call(srv, msp.mgmt, "DescribeResponsibilityTransfer",
                     Id=rid)["ResponsibilityTransfer"]["Status"] == "CANCELED"
    h = invite(peer, srv, msp.mgmt, cust.mgmt.id, start)
    rid = resources(h)["RESPONSIBILITY_TRANSFER"]
    srv.advance(int(h["ExpirationTimestamp"] - now_s(srv)) + 60)
    assert peer.call(srv, msp.mgmt, "DescribeResponsibilityTransfer",
                     Id=rid)["ResponsibilityTransfer"]["Status"] == "EXPIRED"
    peer.fails(srv, cust.mgmt, "AcceptHandshake", "InvalidHandshakeTransitionException",
               HandshakeId=h["Id"])


# AWS: AcceptHandshake
# AWS: ListHandshakesForAccount
# AWS: DescribeHandshake
def test_debian_boto3_answers_a_transfer_invitation(srv, new_account, peer):
    """The older model knows neither the operation nor the action, yet
    lists, describes and accepts the handshake: its enums are open."""
    msp = Org(srv, new_account)
    cust = Org(srv, new_account)
    h = invite(peer, srv, msp.mgmt, cust.mgmt.id, next_start(srv))
    cc = client(srv, cust.mgmt)
    got = cc.list_handshakes_for_account(
        Filter={"ActionType": "TRANSFER_RESPONSIBILITY"})["Handshakes"]
    assert [x["Id"] for x in got] == [h["Id"]]
    rc, out, err = aws(srv, cust.mgmt, "organizations", "describe-handshake",
                       "--handshake-id", h["Id"])
    assert rc == 0, err
    assert out["Handshake"]["Action"] == "TRANSFER_RESPONSIBILITY"
    assert cc.accept_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "ACCEPTED"
    assert cc.describe_organization()["Organization"]["Id"] == cust.org["Id"]


# AWS: InviteOrganizationToTransferResponsibility
# AWS: ListInboundResponsibilityTransfers
# AWS: ListOutboundResponsibilityTransfers
# AWS: UpdateResponsibilityTransfer
# AWS: TerminateResponsibilityTransfer
# AWS: DescribeResponsibilityTransfer
def test_transfer_with_the_newest_aws_cli(srv, new_account, peer):
    msp = Org(srv, new_account)
    cust = Org(srv, new_account)
    start = next_start(srv)
    iso = datetime.datetime.utcfromtimestamp(start).strftime("%Y-%m-%dT%H:%M:%SZ")

    def ok(acct, *args):
        rc, out, err = cli(srv, acct, "organizations", *args)
        assert rc == 0, err
        return out

    h = ok(msp.mgmt, "invite-organization-to-transfer-responsibility", "--type",
           "BILLING", "--target", "Id=%s,Type=ACCOUNT" % cust.mgmt.id,
           "--start-timestamp", iso, "--source-name", "Via the CLI")["Handshake"]
    rid = resources(h)["RESPONSIBILITY_TRANSFER"]
    rc, _, err = cli(srv, msp.mgmt, "organizations",
                     "invite-organization-to-transfer-responsibility", "--type",
                     "BILLING", "--target", "Id=%s,Type=ACCOUNT" % cust.mgmt.id,
                     "--start-timestamp", iso[:8] + "15T00:00:00Z",
                     "--source-name", "x")
    # The CLI prints the code and the message, not the Reason.
    assert rc in (254, 255) and "(InvalidInputException)" in err, err
    assert "first day of the month" in err, err
    ok(cust.mgmt, "accept-handshake", "--handshake-id", h["Id"])
    got = ok(cust.mgmt, "list-outbound-responsibility-transfers", "--type",
             "BILLING")["ResponsibilityTransfers"]
    assert [(t["Id"], t["Status"]) for t in got] == [(rid, "ACCEPTED")]
    got = ok(msp.mgmt, "list-inbound-responsibility-transfers", "--type",
             "BILLING")["ResponsibilityTransfers"]
    assert [(t["Id"], t["Name"]) for t in got] == [(rid, "Via the CLI")]
    ok(msp.mgmt, "update-responsibility-transfer", "--id", rid, "--name", "Renamed")
    t = ok(cust.mgmt, "terminate-responsibility-transfer", "--id",
           rid)["ResponsibilityTransfer"]
    assert t["Status"] == "WITHDRAWN" and t["Name"] == "Renamed"
    d = ok(msp.mgmt, "describe-responsibility-transfer", "--id", rid)
    assert d["ResponsibilityTransfer"]["Status"] == "WITHDRAWN"


# AWS: ListAccountsWithInvalidEffectivePolicy
# AWS: ListAccountsWithInvalidEffectivePolicy AccessDeniedException
# AWS: ListAccountsWithInvalidEffectivePolicy InvalidInputException INVALID_ENUM
# AWS: ListEffectivePolicyValidationErrors
# AWS: ListEffectivePolicyValidationErrors EffectivePolicyNotFoundException
# AWS: ListEffectivePolicyValidationErrors AccountNotFoundException
# AWS: ListEffectivePolicyValidationErrors AccessDeniedException
def test_effective_policy_validation(srv, new_account, peer):
    """payerlink checks every document when it is written and an effective
    policy is the nearest attached one: no account has an invalid one."""
    o = Org(srv, new_account, 1)
    m = o.members[0]
    got = peer.call(srv, o.mgmt, "ListAccountsWithInvalidEffectivePolicy",
                    PolicyType="TAG_POLICY")
    assert got["Accounts"] == [] and got["PolicyType"] == "TAG_POLICY"
    peer.fails(srv, m, "ListAccountsWithInvalidEffectivePolicy",
               "AccessDeniedException", PolicyType="TAG_POLICY")
    peer.fails(srv, o.mgmt, "ListAccountsWithInvalidEffectivePolicy",
               "InvalidInputException", "INVALID_ENUM",
               PolicyType="SERVICE_CONTROL_POLICY")
    peer.fails(srv, o.mgmt, "ListEffectivePolicyValidationErrors",
               "EffectivePolicyNotFoundException", AccountId=m.id,
               PolicyType="TAG_POLICY")
    peer.fails(srv, o.mgmt, "ListEffectivePolicyValidationErrors",
               "AccountNotFoundException", AccountId="000000000001",
               PolicyType="TAG_POLICY")
    peer.fails(srv, m, "ListEffectivePolicyValidationErrors",
               "AccessDeniedException", AccountId=m.id, PolicyType="TAG_POLICY")
    ou = o.ou("Prod")
    peer.call(srv, o.mgmt, "MoveAccount", AccountId=m.id, SourceParentId=o.root,
              DestinationParentId=ou["Id"])
    peer.call(srv, o.mgmt, "EnablePolicyType", RootId=o.root, PolicyType="TAG_POLICY")
    p = peer.call(srv, o.mgmt, "CreatePolicy", Name="tags", Description="",
                  Type="TAG_POLICY",
                  Content='{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"}}}}'
                  )["Policy"]["PolicySummary"]
    peer.call(srv, o.mgmt, "AttachPolicy", PolicyId=p["Id"], TargetId=ou["Id"])
    got = peer.call(srv, o.mgmt, "ListEffectivePolicyValidationErrors",
                    AccountId=m.id, PolicyType="TAG_POLICY")
    assert got["EffectivePolicyValidationErrors"] == []
    assert got["AccountId"] == m.id and got["PolicyType"] == "TAG_POLICY"
    assert got["Path"] == "%s/%s/%s/%s/" % (o.org["Id"], o.root, ou["Id"], m.id)
    assert got["EvaluationTimestamp"] > 0


# AWS: DescribeAccount
# AWS: CloseAccount
def test_account_state_beside_status(delayed, new_account, peer):
    # AWS's asynchronous CreateAccount and CloseAccount (the default
    # emulator completes them before answering, as moto does).
    srv = delayed
    o = Org(srv, lambda **kw: new_account(server=srv, **kw), 1)
    m = o.members[0]
    a = peer.call(srv, o.mgmt, "DescribeAccount", AccountId=m.id)["Account"]
    assert (a["Status"], a["State"]) == ("ACTIVE", "ACTIVE")
    # Debian's older model ignores the member it does not know.
    assert client(srv, o.mgmt).describe_account(AccountId=m.id)["Account"]["Status"] == "ACTIVE"
    created = peer.call(srv, o.mgmt, "CreateAccount", Email="closing@example.com",
                        AccountName="Closing")["CreateAccountStatus"]
    for _ in range(50):
        st = peer.call(srv, o.mgmt, "DescribeCreateAccountStatus",
                       CreateAccountRequestId=created["Id"])["CreateAccountStatus"]
        if st["State"] != "IN_PROGRESS":
            break
        srv.advance(60)
    assert st["State"] == "SUCCEEDED", st
    peer.call(srv, o.mgmt, "CloseAccount", AccountId=st["AccountId"])
    a = peer.call(srv, o.mgmt, "DescribeAccount", AccountId=st["AccountId"])["Account"]
    assert (a["Status"], a["State"]) == ("PENDING_CLOSURE", "PENDING_CLOSURE")
    for _ in range(20):
        srv.advance(3600)
        a = peer.call(srv, o.mgmt, "DescribeAccount", AccountId=st["AccountId"])["Account"]
        if a["Status"] != "PENDING_CLOSURE":
            break
    assert (a["Status"], a["State"]) == ("SUSPENDED", "CLOSED")
