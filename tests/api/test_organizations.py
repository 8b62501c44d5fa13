# SPDX-License-Identifier: MIT
"""Organizations: create, describe, list, delete — through the real aws CLI
and boto3, as issue 2 lists them."""

import datetime
import json

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
    # State, the successor of Status, comes with every account (the wire:
    # Debian's botocore predates State and drops it).
    assert wire(srv, owner, "DescribeAccount", {"AccountId": owner.id})[
        "Account"]["State"] == "ACTIVE"


# AWS: DescribeAccount AccountNotFoundException (the caller is in no organization)
def test_describe_account_outside_any_organization(srv, new_account):
    """AWS's reference: AccountNotFoundException also when "the account whose
    credentials you used to make this request isn't a member of an
    organization"."""
    lone, owner = new_account(), new_account()
    client(srv, owner).create_organization()
    c = client(srv, lone)
    for acct in (owner.id, lone.id, "111111111111"):
        with pytest.raises(c.exceptions.AccountNotFoundException) as ei:
            c.describe_account(AccountId=acct)
        assert ei.value.response["Error"]["Message"] == \
            "You specified an account that doesn't exist."


def wire(srv, acct, op, body):
    """One Organizations call as JSON on the wire (the emulator takes the
    12-digit account id as the access key, unverified)."""
    status, _, out = srv.post("/", body, {
        "X-Amz-Target": "AWSOrganizationsV20161128." + op,
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/"
                         "organizations/aws4_request, SignedHeaders=host, "
                         "Signature=00" % acct.id})
    assert status == 200, out
    return json.loads(out)


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
    # In the order they joined: the management account first.
    want = [owner.id] + [m.id for m in members]

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


# AWS: ListOrganizationalUnitsForParent ParentNotFoundException (the caller is in no organization)
# AWS: ListChildren ParentNotFoundException
# AWS: ListAccountsForParent ParentNotFoundException
def test_parent_reads_outside_any_organization(srv, new_account):
    """Outside any organization there is no root or OU: naming one is
    ParentNotFoundException, as for a stranger's id inside one."""
    owner = new_account()
    oc = client(srv, owner)
    oc.create_organization()
    root = oc.list_roots()["Roots"][0]["Id"]
    c = client(srv, new_account())
    for call, kw in ((c.list_organizational_units_for_parent, {}),
                     (c.list_accounts_for_parent, {}),
                     (c.list_children, {"ChildType": "ACCOUNT"})):
        with pytest.raises(c.exceptions.ParentNotFoundException):
            call(ParentId=root, **kw)
        with pytest.raises(c.exceptions.ParentNotFoundException):
            call(ParentId="r-0000", **kw)
    # What names nothing in the tree stays AWSOrganizationsNotInUse.
    with pytest.raises(c.exceptions.AWSOrganizationsNotInUseException):
        c.list_roots()


# AWS: ListAccounts ListAccountsForParent ListChildren ListOrganizationalUnitsForParent ListPolicies (creation order)
def test_lists_in_creation_order(srv, new_account):
    """Accounts in the order they joined, OUs and policies in the order they
    were made: ids are random, so an order by id would shuffle them."""
    owner = new_account()
    c = client(srv, owner)
    c.create_organization()
    root = c.list_roots()["Roots"][0]["Id"]
    made = [c.create_account(AccountName="acct%02d" % i,
                             Email="order%02d-%d@example.com" % (i, id(c) % 1000))
            ["CreateAccountStatus"]["AccountId"] for i in range(7)]
    ous = [c.create_organizational_unit(ParentId=root, Name="ou%02d" % i)
           ["OrganizationalUnit"]["Id"] for i in range(7)]
    doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}'
    pols = [c.create_policy(Content=doc, Description="", Name="pol%02d" % i,
                            Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
            for i in range(7)]

    def paged(method, key, **kw):
        out = []
        for page in c.get_paginator(method).paginate(PaginationConfig={"PageSize": 3}, **kw):
            out += [x["Id"] for x in page[key]]
        return out

    assert paged("list_accounts", "Accounts") == [owner.id] + made
    assert paged("list_accounts_for_parent", "Accounts", ParentId=root) == [owner.id] + made
    assert paged("list_children", "Children", ParentId=root,
                 ChildType="ACCOUNT") == [owner.id] + made
    assert paged("list_organizational_units_for_parent", "OrganizationalUnits",
                 ParentId=root) == ous
    assert paged("list_children", "Children", ParentId=root,
                 ChildType="ORGANIZATIONAL_UNIT") == ous
    assert paged("list_policies", "Policies",
                 Filter="SERVICE_CONTROL_POLICY") == ["p-FullAWSAccess"] + pols
    # A member that moves keeps its place among its new parent's accounts.
    c.move_account(AccountId=made[3], SourceParentId=root, DestinationParentId=ous[0])
    c.move_account(AccountId=made[1], SourceParentId=root, DestinationParentId=ous[0])
    assert paged("list_accounts_for_parent", "Accounts", ParentId=ous[0]) == [made[1], made[3]]


# AWS: TagResource InvalidInputException INVALID_PATTERN
# AWS: ListChildren InvalidInputException INVALID_ENUM
# AWS: DescribePolicy InvalidInputException INVALID_SYNTAX_POLICY_ID
# AWS: DetachPolicy InvalidInputException INVALID_PATTERN_TARGET_ID
def test_invalid_input_in_aws_words(srv, new_account):
    """InvalidInputException says what AWS says; the Reason tells which
    check failed."""
    c = client(srv, new_account())
    c.create_organization()
    root = c.list_roots()["Roots"][0]["Id"]
    pattern = "You provided a value that does not match the required pattern."
    invalid = "You specified an invalid value."
    cases = [
        (lambda: c.tag_resource(ResourceId="0A000000X000", Tags=[{"Key": "k", "Value": "v"}]),
         "INVALID_PATTERN", pattern),
        (lambda: c.list_tags_for_resource(ResourceId="000x00000A00"), "INVALID_PATTERN", pattern),
        (lambda: c.list_children(ParentId=root, ChildType="BLEE"), "INVALID_ENUM", invalid),
        (lambda: c.list_policies(Filter="MOTO"), "INVALID_ENUM", invalid),
        (lambda: c.describe_policy(PolicyId="meaninglessstring"), "INVALID_SYNTAX_POLICY_ID",
         invalid),
        (lambda: c.detach_policy(PolicyId="p-FullAWSAccess", TargetId="invalidtargetid"),
         "INVALID_PATTERN_TARGET_ID", invalid),
    ]
    for call, reason, words in cases:
        with pytest.raises(c.exceptions.InvalidInputException) as ei:
            call()
        assert error_of(ei) == ("InvalidInputException", reason)
        assert ei.value.response["Error"]["Message"] == words


# AWS: CreateOrganization (ARNs in the partition of the region it is created through)
@pytest.mark.parametrize("region,partition", [("cn-north-1", "aws-cn"),
                                              ("us-isob-east-1", "aws-iso-b"),
                                              ("us-gov-west-1", "aws-us-gov")])
def test_arns_in_the_partition_of_the_region(srv, new_account, region, partition):
    owner = new_account()
    c = client(srv, owner, region=region)
    org = c.create_organization()["Organization"]
    oid, me = org["Id"], owner.id
    assert org["Arn"] == "arn:%s:organizations::%s:organization/%s" % (partition, me, oid)
    assert org["MasterAccountArn"] == "arn:%s:organizations::%s:account/%s/%s" % (
        partition, me, oid, me)
    root = c.list_roots()["Roots"][0]
    assert root["Arn"] == "arn:%s:organizations::%s:root/%s/%s" % (
        partition, me, oid, root["Id"])
    ou = c.create_organizational_unit(ParentId=root["Id"], Name="x")["OrganizationalUnit"]
    assert ou["Arn"].startswith("arn:%s:organizations::%s:ou/%s/" % (partition, me, oid))
    pol = c.create_policy(Content='{"tags": {}}', Description="", Name="t",
                          Type="TAG_POLICY")["Policy"]["PolicySummary"]
    assert pol["Arn"] == "arn:%s:organizations::%s:policy/%s/tag_policy/%s" % (
        partition, me, oid, pol["Id"])
    full = c.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"][0]
    assert full["Arn"] == ("arn:%s:organizations::aws:policy/service_control_policy/"
                           "p-FullAWSAccess" % partition)
    hs = c.invite_account_to_organization(
        Target={"Id": new_account().id, "Type": "ACCOUNT"})["Handshake"]
    assert hs["Arn"].startswith("arn:%s:organizations::%s:handshake/%s/invite/" % (
        partition, me, oid))
    # Read through another region, the organization keeps its partition.
    again = client(srv, owner, region="us-east-1").describe_organization()
    assert again["Organization"]["Arn"] == org["Arn"]
    acct = client(srv, owner).list_accounts()["Accounts"][0]
    assert acct["Arn"] == org["MasterAccountArn"]
