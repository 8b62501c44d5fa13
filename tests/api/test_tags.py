# SPDX-License-Identifier: MIT
"""TagResource, UntagResource, ListTagsForResource on accounts, the root,
OUs and policies; the 50-tag limit; unknown targets."""

import json

from orgkit import cli_ok, fails, org  # noqa: F401

SCP = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})


# AWS: TagResource ListTagsForResource UntagResource
def test_tag_each_kind_of_resource(org):
    ou = org.ou("Tagged")
    pol = org.c.create_policy(Content=SCP, Description="d", Name="p",
                              Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]
    for rid in (org.members[0].id, org.root, ou["Id"], pol["Id"]):
        org.c.tag_resource(ResourceId=rid, Tags=[{"Key": "env", "Value": "prod"},
                                                 {"Key": "team", "Value": "a"}])
        org.c.tag_resource(ResourceId=rid, Tags=[{"Key": "env", "Value": "dev"}])
        got = org.c.list_tags_for_resource(ResourceId=rid)["Tags"]
        assert got == [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}]
        org.c.untag_resource(ResourceId=rid, TagKeys=["team", "absent"])
        assert org.c.list_tags_for_resource(ResourceId=rid)["Tags"] == [
            {"Key": "env", "Value": "dev"}]


# AWS: CreateOrganizationalUnit CreatePolicy CreateAccount (tags given at creation)
def test_tags_at_creation(org, srv):
    ou = org.c.create_organizational_unit(ParentId=org.root, Name="T",
                                          Tags=[{"Key": "k", "Value": "v"}])
    oid = ou["OrganizationalUnit"]["Id"]
    assert org.c.list_tags_for_resource(ResourceId=oid)["Tags"] == [
        {"Key": "k", "Value": "v"}]
    st = org.c.create_account(Email="t@example.com", AccountName="t",
                              Tags=[{"Key": "cost", "Value": "1"}])["CreateAccountStatus"]
    srv.advance(10)
    aid = org.c.describe_create_account_status(
        CreateAccountRequestId=st["Id"])["CreateAccountStatus"]["AccountId"]
    assert org.c.list_tags_for_resource(ResourceId=aid)["Tags"] == [
        {"Key": "cost", "Value": "1"}]


# AWS: TagResource ConstraintViolationException MAX_TAG_LIMIT_EXCEEDED
def test_fifty_tags_at_most(org):
    rid = org.members[0].id
    org.c.tag_resource(ResourceId=rid, Tags=[{"Key": "k%02d" % i, "Value": "v"}
                                             for i in range(50)])
    fails(org.c.tag_resource, "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED",
          ResourceId=rid, Tags=[{"Key": "one-more", "Value": "v"}])
    assert len(org.c.list_tags_for_resource(ResourceId=rid)["Tags"]) == 50


# AWS: TagResource TargetNotFoundException
# AWS: UntagResource TargetNotFoundException
# AWS: ListTagsForResource TargetNotFoundException
def test_unknown_target(org, new_account):
    stranger = new_account().id
    fails(org.c.tag_resource, "TargetNotFoundException", ResourceId=stranger,
          Tags=[{"Key": "a", "Value": "b"}])
    fails(org.c.untag_resource, "TargetNotFoundException", ResourceId=stranger,
          TagKeys=["a"])
    r = fails(org.c.list_tags_for_resource, "TargetNotFoundException",
              ResourceId="p-00000000")
    assert r["Error"]["Message"] == "You specified a target that doesn't exist."


# AWS: TagResource InvalidInputException INVALID_SYSTEM_TAGS_PARAMETER
# AWS: TagResource AccessDeniedException
def test_bad_tags_and_member_caller(org):
    fails(org.c.tag_resource, "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER",
          ResourceId=org.root, Tags=[{"Key": "aws:x", "Value": "b"}])
    fails(org.mc[0].tag_resource, "AccessDeniedException", ResourceId=org.root,
          Tags=[{"Key": "a", "Value": "b"}])


# AWS: TagResource ListTagsForResource UntagResource
def test_tags_with_aws_cli(srv, org):
    rid = org.members[0].id
    cli_ok(srv, org.mgmt, "tag-resource", "--resource-id", rid, "--tags",
           "Key=key1,Value=value1", "Key=key2,Value=value2")
    out = cli_ok(srv, org.mgmt, "list-tags-for-resource", "--resource-id", rid)
    assert out["Tags"] == [{"Key": "key1", "Value": "value1"},
                           {"Key": "key2", "Value": "value2"}]
    cli_ok(srv, org.mgmt, "untag-resource", "--resource-id", rid, "--tag-keys", "key1")
    out = cli_ok(srv, org.mgmt, "list-tags-for-resource", "--resource-id", rid)
    assert out["Tags"] == [{"Key": "key2", "Value": "value2"}]
