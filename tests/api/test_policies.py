# SPDX-License-Identifier: MIT
"""Policies: FullAWSAccess once SCPs are enabled, create/update/delete/
describe/list, attachments and their limits, policy types on the root,
content checks, effective policies, and SCPs over LeaveOrganization. The
policy types of the current model: test_policy_types.py."""

import json

import pytest

from orgkit import Org, cli_fails, cli_ok, fails, org  # noqa: F401

SCP_T = "SERVICE_CONTROL_POLICY"


@pytest.fixture
def scp_org(org):
    """An organization whose root has service control policies enabled."""
    org.c.enable_policy_type(RootId=org.root, PolicyType=SCP_T)
    return org


def doc(effect="Deny", action="s3:*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Action": action, "Resource": "*"}]})


def mkpol(o, name="DenyS3", content=None, type_=SCP_T, desc="no s3"):
    return o.c.create_policy(Content=content or doc(), Description=desc,
                             Name=name, Type=type_)["Policy"]


# AWS: ListPolicies ListPoliciesForTarget ListTargetsForPolicy (FullAWSAccess once SCPs are enabled)
def test_full_aws_access_default(scp_org):
    org = scp_org
    pols = org.c.list_policies(Filter=SCP_T)["Policies"]
    assert pols == [{
        "Id": "p-FullAWSAccess",
        "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
        "Name": "FullAWSAccess", "Description": "Allows access to every operation",
        "Type": SCP_T, "AwsManaged": True}]
    for target in (org.root, org.members[0].id, org.mgmt.id):
        got = org.c.list_policies_for_target(TargetId=target, Filter=SCP_T)["Policies"]
        assert [p["Id"] for p in got] == ["p-FullAWSAccess"], target
    ou = org.ou("New")
    got = org.c.list_policies_for_target(TargetId=ou["Id"], Filter=SCP_T)["Policies"]
    assert [p["Id"] for p in got] == ["p-FullAWSAccess"]
    targets = org.c.list_targets_for_policy(PolicyId="p-FullAWSAccess")["Targets"]
    kinds = {t["TargetId"]: (t["Type"], t["Name"]) for t in targets}
    assert kinds[org.root] == ("ROOT", "Root")
    assert kinds[ou["Id"]] == ("ORGANIZATIONAL_UNIT", "New")
    assert kinds[org.mgmt.id] == ("ACCOUNT", "Payer")
    roots = org.c.list_roots()["Roots"]
    assert roots[0]["PolicyTypes"] == [{"Type": SCP_T, "Status": "ENABLED"}]


# AWS: CreatePolicy DescribePolicy UpdatePolicy DeletePolicy
def test_policy_life(scp_org):
    org = scp_org
    p = mkpol(org)
    s = p["PolicySummary"]
    assert s["Id"].startswith("p-") and len(s["Id"]) == 10
    assert s["Arn"] == "arn:aws:organizations::%s:policy/%s/service_control_policy/%s" % (
        org.mgmt.id, org.org["Id"], s["Id"])
    assert s["AwsManaged"] is False and s["Name"] == "DenyS3"
    assert json.loads(p["Content"]) == json.loads(doc())
    assert org.c.describe_policy(PolicyId=s["Id"])["Policy"] == p
    up = org.c.update_policy(PolicyId=s["Id"], Name="DenyS3v2",
                             Content=doc(action="ec2:*"))["Policy"]
    assert up["PolicySummary"]["Name"] == "DenyS3v2"
    assert up["PolicySummary"]["Description"] == "no s3"
    assert "ec2:*" in up["Content"]
    org.c.delete_policy(PolicyId=s["Id"])
    fails(org.c.describe_policy, "PolicyNotFoundException", PolicyId=s["Id"])


# AWS: CreatePolicy DuplicatePolicyException
# AWS: UpdatePolicy DuplicatePolicyException
def test_duplicate_policy_name(scp_org):
    org = scp_org
    mkpol(org, "A")
    b = mkpol(org, "B")
    fails(org.c.create_policy, "DuplicatePolicyException", Content=doc(),
          Description="", Name="A", Type=SCP_T)
    fails(org.c.update_policy, "DuplicatePolicyException",
          PolicyId=b["PolicySummary"]["Id"], Name="A")


# AWS: CreatePolicy MalformedPolicyDocumentException
# AWS: UpdatePolicy MalformedPolicyDocumentException
def test_malformed_documents(scp_org):
    org = scp_org
    for bad in ("not json", "{\"Version\": \"2012-10-17\"", "[1, 2]",
                json.dumps({"Version": "2012-10-17"})):
        fails(org.c.create_policy, "MalformedPolicyDocumentException", Content=bad,
              Description="", Name="bad", Type=SCP_T)
    p = mkpol(org)
    fails(org.c.update_policy, "MalformedPolicyDocumentException",
          PolicyId=p["PolicySummary"]["Id"], Content="{oops")


# AWS: CreatePolicy ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED
def test_content_size_limits_per_type(scp_org):
    org = scp_org
    org.c.enable_policy_type(RootId=org.root, PolicyType="AISERVICES_OPT_OUT_POLICY")

    def sized(n):
        base = json.dumps({"Version": "2012-10-17", "Statement": [], "x": ""})
        return base[:-3] + "\"" + "a" * (n - len(base)) + "\"}"

    assert len(sized(5120)) == 5120
    mkpol(org, "max", sized(5120))
    fails(org.c.create_policy, "ConstraintViolationException",
          "POLICY_CONTENT_LIMIT_EXCEEDED", Content=sized(5121), Description="",
          Name="over", Type=SCP_T)
    fails(org.c.create_policy, "ConstraintViolationException",
          "POLICY_CONTENT_LIMIT_EXCEEDED", Content=sized(2501), Description="",
          Name="ai", Type="AISERVICES_OPT_OUT_POLICY")
    mkpol(org, "tag", sized(10000), "TAG_POLICY")


# AWS: AttachPolicy DetachPolicy ListTargetsForPolicy ListPoliciesForTarget
def test_attach_and_detach(scp_org):
    org = scp_org
    p = mkpol(org)["PolicySummary"]["Id"]
    ou = org.ou("Sandbox")
    m = org.members[0].id
    org.c.attach_policy(PolicyId=p, TargetId=ou["Id"])
    org.c.attach_policy(PolicyId=p, TargetId=m)
    targets = org.c.list_targets_for_policy(PolicyId=p)["Targets"]
    assert sorted(t["TargetId"] for t in targets) == sorted([ou["Id"], m])
    got = org.c.list_policies_for_target(TargetId=m, Filter=SCP_T)["Policies"]
    assert sorted(x["Id"] for x in got) == sorted([p, "p-FullAWSAccess"])
    org.c.detach_policy(PolicyId=p, TargetId=m)
    got = org.c.list_policies_for_target(TargetId=m, Filter=SCP_T)["Policies"]
    assert [x["Id"] for x in got] == ["p-FullAWSAccess"]


# AWS: AttachPolicy DuplicatePolicyAttachmentException
# AWS: AttachPolicy PolicyNotFoundException
# AWS: AttachPolicy TargetNotFoundException
def test_attach_errors(scp_org, new_account):
    org = scp_org
    p = mkpol(org)["PolicySummary"]["Id"]
    org.c.attach_policy(PolicyId=p, TargetId=org.root)
    fails(org.c.attach_policy, "DuplicatePolicyAttachmentException", PolicyId=p,
          TargetId=org.root)
    fails(org.c.attach_policy, "PolicyNotFoundException", PolicyId="p-00000000",
          TargetId=org.root)
    fails(org.c.attach_policy, "TargetNotFoundException", PolicyId=p,
          TargetId=new_account().id)


# AWS: AttachPolicy PolicyTypeNotEnabledException
# AWS: EnablePolicyType DisablePolicyType
def test_policy_types_on_root(org):
    tag = mkpol(org, "tags", json.dumps({"tags": {}}), "TAG_POLICY")
    tid = tag["PolicySummary"]["Id"]
    fails(org.c.attach_policy, "PolicyTypeNotEnabledException", PolicyId=tid,
          TargetId=org.root)
    root = org.c.enable_policy_type(RootId=org.root, PolicyType="TAG_POLICY")["Root"]
    assert {"Type": "TAG_POLICY", "Status": "ENABLED"} in root["PolicyTypes"]
    org.c.attach_policy(PolicyId=tid, TargetId=org.root)
    root = org.c.disable_policy_type(RootId=org.root, PolicyType="TAG_POLICY")["Root"]
    assert root["PolicyTypes"] == []
    assert org.c.list_targets_for_policy(PolicyId=tid)["Targets"] == []


# AWS: EnablePolicyType PolicyTypeAlreadyEnabledException
# AWS: DisablePolicyType PolicyTypeNotEnabledException
# AWS: EnablePolicyType RootNotFoundException
# AWS: DisablePolicyType RootNotFoundException
def test_policy_type_errors(scp_org):
    org = scp_org
    fails(org.c.enable_policy_type, "PolicyTypeAlreadyEnabledException",
          RootId=org.root, PolicyType=SCP_T)
    fails(org.c.disable_policy_type, "PolicyTypeNotEnabledException",
          RootId=org.root, PolicyType="BACKUP_POLICY")
    fails(org.c.enable_policy_type, "RootNotFoundException", RootId="r-zzzz",
          PolicyType="BACKUP_POLICY")
    fails(org.c.disable_policy_type, "RootNotFoundException", RootId="r-zzzz",
          PolicyType=SCP_T)


# AWS: EnablePolicyType PolicyTypeNotAvailableForOrganizationException
# AWS: CreatePolicy PolicyTypeNotAvailableForOrganizationException
def test_consolidated_billing_has_no_policies(srv, new_account):
    o = Org(srv, new_account, feature_set="CONSOLIDATED_BILLING")
    fails(o.c.enable_policy_type, "PolicyTypeNotAvailableForOrganizationException",
          RootId=o.root, PolicyType=SCP_T)
    fails(o.c.create_policy, "PolicyTypeNotAvailableForOrganizationException",
          Content=doc(), Description="", Name="x", Type=SCP_T)
    assert o.c.list_roots()["Roots"][0]["PolicyTypes"] == []


# AWS: DetachPolicy PolicyNotAttachedException
# AWS: DetachPolicy ConstraintViolationException MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED
# AWS: DetachPolicy PolicyNotFoundException
# AWS: DetachPolicy TargetNotFoundException
def test_detach_errors(scp_org):
    org = scp_org
    p = mkpol(org)["PolicySummary"]["Id"]
    fails(org.c.detach_policy, "PolicyNotAttachedException", PolicyId=p,
          TargetId=org.root)
    fails(org.c.detach_policy, "ConstraintViolationException",
          "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", PolicyId="p-FullAWSAccess",
          TargetId=org.members[0].id)
    org.c.attach_policy(PolicyId=p, TargetId=org.members[0].id)
    org.c.detach_policy(PolicyId="p-FullAWSAccess", TargetId=org.members[0].id)
    fails(org.c.detach_policy, "PolicyNotFoundException", PolicyId="p-00000000",
          TargetId=org.root)
    fails(org.c.detach_policy, "TargetNotFoundException", PolicyId=p,
          TargetId="ou-%s-00000000" % org.root[2:])


# AWS: AttachPolicy ConstraintViolationException MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED
def test_five_scps_per_target(scp_org):
    org = scp_org
    for i in range(4):
        org.c.attach_policy(PolicyId=mkpol(org, "p%d" % i)["PolicySummary"]["Id"],
                            TargetId=org.root)
    fails(org.c.attach_policy, "ConstraintViolationException",
          "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
          PolicyId=mkpol(org, "p5")["PolicySummary"]["Id"], TargetId=org.root)


# AWS: DeletePolicy PolicyInUseException
# AWS: DeletePolicy PolicyNotFoundException
def test_delete_errors(scp_org):
    org = scp_org
    p = mkpol(org)["PolicySummary"]["Id"]
    org.c.attach_policy(PolicyId=p, TargetId=org.root)
    fails(org.c.delete_policy, "PolicyInUseException", PolicyId=p)
    fails(org.c.delete_policy, "PolicyNotFoundException", PolicyId="p-00000000")


# AWS: DescribePolicy PolicyNotFoundException
# AWS: UpdatePolicy PolicyNotFoundException
# AWS: ListTargetsForPolicy PolicyNotFoundException
# AWS: ListPoliciesForTarget TargetNotFoundException
def test_not_found_reads(org, srv, new_account):
    other = Org(srv, new_account)
    theirs = mkpol(other)["PolicySummary"]["Id"]
    fails(org.c.describe_policy, "PolicyNotFoundException", PolicyId=theirs)
    fails(org.c.update_policy, "PolicyNotFoundException", PolicyId=theirs, Name="x")
    fails(org.c.list_targets_for_policy, "PolicyNotFoundException", PolicyId=theirs)
    fails(org.c.list_policies_for_target, "TargetNotFoundException",
          TargetId=other.root, Filter=SCP_T)


# AWS: ListPolicies (pages)
def test_list_policies_pages(scp_org):
    org = scp_org
    ids = [mkpol(org, "p%d" % i)["PolicySummary"]["Id"] for i in range(4)]
    seen, kw = [], {}
    while True:
        page = org.c.list_policies(Filter=SCP_T, MaxResults=2, **kw)
        assert len(page["Policies"]) <= 2
        seen += [p["Id"] for p in page["Policies"]]
        if "NextToken" not in page:
            break
        kw = {"NextToken": page["NextToken"]}
    assert sorted(seen) == sorted(ids + ["p-FullAWSAccess"])


# AWS: DescribeEffectivePolicy
# AWS: DescribeEffectivePolicy EffectivePolicyNotFoundException
def test_effective_tag_policy(org):
    m = org.members[0]
    fails(org.c.describe_effective_policy, "EffectivePolicyNotFoundException",
          PolicyType="TAG_POLICY", TargetId=m.id)
    org.c.enable_policy_type(RootId=org.root, PolicyType="TAG_POLICY")
    content = json.dumps({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}})
    p = mkpol(org, "tags", content, "TAG_POLICY")["PolicySummary"]["Id"]
    org.c.attach_policy(PolicyId=p, TargetId=org.root)
    eff = org.mc[0].describe_effective_policy(PolicyType="TAG_POLICY")["EffectivePolicy"]
    assert eff["TargetId"] == m.id and eff["PolicyType"] == "TAG_POLICY"
    assert json.loads(eff["PolicyContent"]) == json.loads(content)


# AWS: LeaveOrganization AccessDeniedException (an SCP denies organizations:LeaveOrganization)
def test_scp_denies_leave(srv, scp_org):
    org = scp_org
    m = org.members[0]
    srv.cli("account", "set-billing-info", m.id, "--payment-method", "Visa 4242",
            "--phone", "+1 206 555 0100")
    p = mkpol(org, "NoLeave", doc("Deny", "organizations:LeaveOrganization"))
    org.c.attach_policy(PolicyId=p["PolicySummary"]["Id"], TargetId=org.root)
    fails(org.mc[0].leave_organization, "AccessDeniedException")
    org.c.detach_policy(PolicyId=p["PolicySummary"]["Id"], TargetId=org.root)
    org.mc[0].leave_organization()


# AWS: CreatePolicy AccessDeniedException
def test_member_cannot_manage_policies(org):
    fails(org.mc[0].create_policy, "AccessDeniedException", Content=doc(),
          Description="", Name="x", Type=SCP_T)
    fails(org.mc[0].list_policies, "AccessDeniedException", Filter=SCP_T)


# AWS: CreatePolicy AttachPolicy ListPoliciesForTarget DetachPolicy DeletePolicy
def test_policies_with_aws_cli(srv, scp_org):
    org = scp_org
    out = cli_ok(srv, org.mgmt, "create-policy", "--content", doc(), "--description",
                 "Allows delegation of all S3 actions", "--name", "AllowAllS3Actions",
                 "--type", SCP_T)
    pid = out["Policy"]["PolicySummary"]["Id"]
    cli_ok(srv, org.mgmt, "attach-policy", "--policy-id", pid, "--target-id",
           org.members[0].id)
    out = cli_ok(srv, org.mgmt, "list-policies-for-target", "--target-id",
                 org.members[0].id, "--filter", SCP_T)
    assert sorted(p["Id"] for p in out["Policies"]) == sorted([pid, "p-FullAWSAccess"])
    cli_fails(srv, org.mgmt, "PolicyInUseException", "delete-policy", "--policy-id", pid)
    cli_ok(srv, org.mgmt, "detach-policy", "--policy-id", pid, "--target-id",
           org.members[0].id)
    cli_ok(srv, org.mgmt, "delete-policy", "--policy-id", pid)
