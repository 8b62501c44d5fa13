# SPDX-License-Identifier: MIT
"""Organizations: create, describe, list, delete — through the real aws CLI
and boto3, as issue 2 lists them."""

import datetime

import pytest

from conftest import aws, client, error_of


# AWS: CreateOrganization DescribeOrganization ListAccounts ListRoots DeleteOrganization
def test_organization_life_with_aws_cli(srv, new_account):
    owner = new_account(name="Owner")
    rc, out, err = aws(srv, owner, "organizations", "create-organization",
                       "--feature-set", "ALL")
    assert rc == 0, err
    org = out["Organization"]
    assert org["Id"].startswith("o-") and len(org["Id"]) == 12
    assert org["FeatureSet"] == "ALL"
    assert org["MasterAccountId"] == owner.id
    assert org["MasterAccountEmail"] == owner["Email"]
    assert org["Arn"] == "arn:aws:organizations::%s:organization/%s" % (owner.id, org["Id"])
    assert org["MasterAccountArn"] == "arn:aws:organizations::%s:account/%s/%s" % (
        owner.id, org["Id"], owner.id)
    assert org["AvailablePolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]

    rc, out, err = aws(srv, owner, "organizations", "describe-organization")
    assert rc == 0, err
    assert out["Organization"] == org

    rc, out, err = aws(srv, owner, "organizations", "list-accounts")
    assert rc == 0, err
    assert [a["Id"] for a in out["Accounts"]] == [owner.id]
    me = out["Accounts"][0]
    assert me["Email"] == owner["Email"] and me["Name"] == "Owner"
    assert me["Status"] == "ACTIVE" and me["JoinedMethod"] == "INVITED"
    # AWS CLI v2 prints the wire's epoch seconds as ISO 8601.
    assert me["JoinedTimestamp"].startswith(datetime.datetime.utcnow().strftime("%Y-%m-%dT"))

    rc, out, err = aws(srv, owner, "organizations", "list-roots")
    assert rc == 0, err
    (root,) = out["Roots"]
    assert root["Id"].startswith("r-") and root["Name"] == "Root"
    assert root["Arn"] == "arn:aws:organizations::%s:root/%s/%s" % (owner.id, org["Id"], root["Id"])

    rc, out, err = aws(srv, owner, "organizations", "delete-organization")
    assert rc == 0, err
    rc, out, err = aws(srv, owner, "organizations", "describe-organization")
    assert rc != 0
    assert "AWSOrganizationsNotInUseException" in err
    assert "Your account is not a member of an organization." in err


# AWS: CreateOrganization AlreadyInOrganizationException
def test_create_twice_is_already_in_organization(srv, new_account):
    c = client(srv, new_account())
    c.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    with pytest.raises(c.exceptions.AlreadyInOrganizationException):
        c.create_organization()
    org = c.describe_organization()["Organization"]
    assert org["FeatureSet"] == "CONSOLIDATED_BILLING"
    assert org["AvailablePolicyTypes"] == []


# AWS: DeleteOrganization CreateOrganization (a new id after deletion)
def test_new_organization_after_delete_has_new_id(srv, new_account):
    c = client(srv, new_account())
    first = c.create_organization()["Organization"]["Id"]
    c.delete_organization()
    second = c.create_organization()["Organization"]["Id"]
    assert first != second


# AWS: DescribeOrganization ListAccounts ListRoots DeleteOrganization AWSOrganizationsNotInUseException
@pytest.mark.parametrize("op", ["describe_organization", "list_accounts", "list_roots",
                                "delete_organization"])
def test_standalone_account_gets_not_in_use(srv, new_account, op):
    c = client(srv, new_account())
    with pytest.raises(c.exceptions.AWSOrganizationsNotInUseException) as ei:
        getattr(c, op)()
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ei.value.response["Error"]["Message"] == "Your account is not a member of an organization."


# AWS: CreateOrganization InvalidInputException INVALID_ENUM
def test_bad_feature_set_is_refused_and_writes_nothing(srv, new_account):
    acct = new_account()
    status, headers, body = srv.post("/", {"FeatureSet": "SOME"}, {
        "X-Amz-Target": "AWSOrganizationsV20161128.CreateOrganization",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=00" % acct.id})
    # The emulator accepts well-formed credentials: a 12-digit key acts as that account.
    assert status == 400, body
    assert b'"InvalidInputException"' in body and b'"INVALID_ENUM"' in body
    c = client(srv, acct)
    with pytest.raises(c.exceptions.AWSOrganizationsNotInUseException):
        c.describe_organization()


# AWS: DescribeAccount AccountNotFoundException InvalidInputException
def test_describe_account(srv, new_account):
    owner, other = new_account(name="Owner"), new_account()
    c = client(srv, owner)
    c.create_organization()
    acct = c.describe_account(AccountId=owner.id)["Account"]
    assert acct["Id"] == owner.id and acct["Name"] == "Owner"
    with pytest.raises(c.exceptions.AccountNotFoundException) as ei:
        c.describe_account(AccountId=other.id)
    assert ei.value.response["Error"]["Message"] == "You specified an account that doesn't exist."
    with pytest.raises(c.exceptions.InvalidInputException):
        c.describe_account(AccountId="12345")


def _join(srv, owner, member):
    """Invites member into owner's organization and accepts."""
    hs = client(srv, owner).invite_account_to_organization(
        Target={"Id": member.id, "Type": "ACCOUNT"})["Handshake"]
    client(srv, member).accept_handshake(HandshakeId=hs["Id"])


# AWS: ListAccounts AccessDeniedException DescribeAccount
def test_member_may_not_list_accounts(srv, new_account):
    owner, member = new_account(), new_account()
    client(srv, owner).create_organization()
    _join(srv, owner, member)
    m = client(srv, member)
    assert m.describe_organization()["Organization"]["MasterAccountId"] == owner.id
    for call in (m.list_accounts, m.list_roots,
                 lambda: m.describe_account(AccountId=owner.id)):
        with pytest.raises(m.exceptions.AccessDeniedException) as ei:
            call()
        assert ei.value.response["Error"]["Message"] == \
            "You don't have permissions to access this resource."


# AWS: DeleteOrganization OrganizationNotEmptyException AccessDeniedException
def test_delete_needs_empty_organization(srv, new_account):
    owner, member = new_account(), new_account()
    c = client(srv, owner)
    c.create_organization()
    _join(srv, owner, member)
    with pytest.raises(c.exceptions.OrganizationNotEmptyException) as ei:
        c.delete_organization()
    assert "remove all member accounts" in ei.value.response["Error"]["Message"]
    m = client(srv, member)
    with pytest.raises(m.exceptions.AccessDeniedException):
        m.delete_organization()
    assert c.describe_organization()["Organization"]["MasterAccountId"] == owner.id


# AWS: ListAccounts (MaxResults, NextToken: stable order, opaque tokens)
def test_list_accounts_pagination(srv, new_account):
    owner = new_account()
    c = client(srv, owner)
    c.create_organization()
    members = [new_account() for _ in range(23)]
    for m in members:
        _join(srv, owner, m)
    want = sorted([owner.id] + [m.id for m in members])

    seen, token, pages = [], None, 0
    while True:
        kw = {"MaxResults": 5}
        if token:
            kw["NextToken"] = token
        page = c.list_accounts(**kw)
        assert len(page["Accounts"]) <= 5
        seen += [a["Id"] for a in page["Accounts"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
        assert owner.id not in token  # opaque, not a raw id
    assert seen == want and pages == 5

    # The paginator and the CLI's auto-pagination agree.
    ids = [a["Id"] for p in c.get_paginator("list_accounts").paginate() for a in p["Accounts"]]
    assert ids == want
    rc, out, err = aws(srv, owner, "organizations", "list-accounts", "--page-size", "7")
    assert rc == 0, err
    assert [a["Id"] for a in out["Accounts"]] == want


# AWS: ListAccounts InvalidInputException INVALID_NEXT_TOKEN MAX_VALUE_EXCEEDED
def test_list_accounts_bad_paging_input(srv, new_account):
    c = client(srv, new_account())
    c.create_organization()
    with pytest.raises(c.exceptions.InvalidInputException) as ei:
        c.list_accounts(NextToken="not-a-token")
    assert error_of(ei) == ("InvalidInputException", "INVALID_NEXT_TOKEN")
    with pytest.raises(c.exceptions.InvalidInputException) as ei:
        c.list_accounts(MaxResults=21)
    assert error_of(ei) == ("InvalidInputException", "MAX_VALUE_EXCEEDED")
