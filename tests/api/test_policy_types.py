# SPDX-License-Identifier: MIT
"""The policy types of the current model on the root: none enabled on a new
organization, service control and resource control policies with their AWS
managed policy on every root, OU and account once enabled, and the
management and declarative types with effective policies."""

import json

from orgkit import fails, org  # noqa: F401

SCP_T = "SERVICE_CONTROL_POLICY"
RCP_T = "RESOURCE_CONTROL_POLICY"
ENABLED = "ENABLED"
# The PolicyType enum of botocore's newest model, in its order.
MODEL_TYPES = [
    "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY",
    "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY", "CHATBOT_POLICY",
    "DECLARATIVE_POLICY_EC2", "SECURITYHUB_POLICY", "INSPECTOR_POLICY",
    "UPGRADE_ROLLOUT_POLICY", "BEDROCK_POLICY", "S3_POLICY",
    "NETWORK_SECURITY_DIRECTOR_POLICY"]


def statement_doc(effect="Deny", principal=False):
    st = {"Effect": effect, "Action": "s3:*", "Resource": "*"}
    if principal:
        st["Principal"] = "*"
    return json.dumps({"Version": "2012-10-17", "Statement": [st]})


def content_for(type_):
    if type_ == SCP_T:
        return statement_doc()
    if type_ == RCP_T:
        return statement_doc(principal=True)
    return json.dumps({"policy": {"@@assign": type_.lower()}})


def targets_of(o, pid):
    return {t["TargetId"] for t in o.c.list_targets_for_policy(PolicyId=pid)["Targets"]}


def policies_of(o, target, type_):
    return [p["Id"] for p in o.c.list_policies_for_target(
        TargetId=target, Filter=type_)["Policies"]]


# AWS: ListRoots (a new organization's root has no policy type enabled)
# AWS: AttachPolicy PolicyTypeNotEnabledException
def test_new_organization_has_no_policy_types(org):
    """AWS's user guide: "Before you can create and attach a policy to your
    organization, you must enable that policy type for use.\""""
    assert org.c.list_roots()["Roots"][0]["PolicyTypes"] == []
    # The AWS managed policies exist; nothing is attached yet.
    scps = org.c.list_policies(Filter=SCP_T)["Policies"]
    assert [(p["Id"], p["AwsManaged"]) for p in scps] == [("p-FullAWSAccess", True)]
    rcps = org.c.list_policies(Filter=RCP_T)["Policies"]
    assert rcps == [{
        "Id": "p-RCPFullAWSAccess", "Name": "RCPFullAWSAccess",
        "Arn": "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
        "Description": "Allows access to every resource", "Type": RCP_T,
        "AwsManaged": True}]
    for t in (org.root, org.mgmt.id, org.members[0].id):
        assert policies_of(org, t, SCP_T) == []
    mine = org.c.create_policy(Content=statement_doc(), Description="", Name="mine",
                               Type=SCP_T)["Policy"]["PolicySummary"]["Id"]
    for pid in (mine, "p-FullAWSAccess"):
        r = fails(org.c.attach_policy, "PolicyTypeNotEnabledException",
                  PolicyId=pid, TargetId=org.root)
        assert r["Error"]["Message"] == \
            "This operation can be performed only for enabled policy types."


# AWS: EnablePolicyType (SCPs: FullAWSAccess on the root, every OU and account)
# AWS: EnablePolicyType PolicyTypeAlreadyEnabledException
def test_enabling_scps_attaches_full_aws_access_everywhere(org):
    ou = org.ou("Before")
    root = org.c.enable_policy_type(RootId=org.root, PolicyType=SCP_T)["Root"]
    assert root["PolicyTypes"] == [{"Type": SCP_T, "Status": ENABLED}]
    assert org.c.list_roots()["Roots"][0] == root
    for t in (org.root, ou["Id"], org.mgmt.id, org.members[0].id):
        assert policies_of(org, t, SCP_T) == ["p-FullAWSAccess"], t
    # What comes after gets it too: an OU, a created account, a member.
    later = org.ou("After")
    made = org.c.create_account(Email="scp-made@example.com",
                                AccountName="made")["CreateAccountStatus"]["AccountId"]
    for t in (later["Id"], made):
        assert policies_of(org, t, SCP_T) == ["p-FullAWSAccess"], t
    fails(org.c.enable_policy_type, "PolicyTypeAlreadyEnabledException",
          RootId=org.root, PolicyType=SCP_T)
    # Disabling detaches; enabling again starts from FullAWSAccess alone.
    mine = org.c.create_policy(Content=statement_doc(), Description="", Name="mine",
                               Type=SCP_T)["Policy"]["PolicySummary"]["Id"]
    org.c.attach_policy(PolicyId=mine, TargetId=ou["Id"])
    assert org.c.disable_policy_type(RootId=org.root, PolicyType=SCP_T)["Root"][
        "PolicyTypes"] == []
    assert targets_of(org, mine) == set() and targets_of(org, "p-FullAWSAccess") == set()
    org.c.enable_policy_type(RootId=org.root, PolicyType=SCP_T)
    assert policies_of(org, ou["Id"], SCP_T) == ["p-FullAWSAccess"]


# AWS: CreatePolicy DescribePolicy AttachPolicy DetachPolicy (RESOURCE_CONTROL_POLICY)
# AWS: DetachPolicy InvalidInputException NON_DETACHABLE_POLICY
# AWS: EnablePolicyType (RCPs: RCPFullAWSAccess on the root, every OU and account)
def test_resource_control_policies(org):
    """RCPs behave as SCPs do, with their own AWS managed policy, which "is
    automatically attached to the organization root, every OU, and every
    account in your organization, when you enable resource control policies
    (RCPs). You cannot detach this policy." (AWS's user guide)"""
    ou = org.ou("Data")
    p = org.c.create_policy(Content=content_for(RCP_T), Description="rcp",
                            Name="OnlyOrg", Type=RCP_T)["Policy"]
    s = p["PolicySummary"]
    assert s["Type"] == RCP_T and s["AwsManaged"] is False
    assert s["Arn"] == "arn:aws:organizations::%s:policy/%s/resource_control_policy/%s" % (
        org.mgmt.id, org.org["Id"], s["Id"])
    assert org.c.describe_policy(PolicyId=s["Id"])["Policy"] == p
    fails(org.c.attach_policy, "PolicyTypeNotEnabledException", PolicyId=s["Id"],
          TargetId=ou["Id"])
    root = org.c.enable_policy_type(RootId=org.root, PolicyType=RCP_T)["Root"]
    assert root["PolicyTypes"] == [{"Type": RCP_T, "Status": ENABLED}]
    for t in (org.root, ou["Id"], org.mgmt.id, org.members[0].id):
        assert policies_of(org, t, RCP_T) == ["p-RCPFullAWSAccess"], t
        assert policies_of(org, t, SCP_T) == []
    org.c.attach_policy(PolicyId=s["Id"], TargetId=ou["Id"])
    assert policies_of(org, ou["Id"], RCP_T) == ["p-RCPFullAWSAccess", s["Id"]]
    org.c.detach_policy(PolicyId=s["Id"], TargetId=ou["Id"])
    fails(org.c.detach_policy, "InvalidInputException", "NON_DETACHABLE_POLICY",
          PolicyId="p-RCPFullAWSAccess", TargetId=ou["Id"])
    later = org.ou("Later")
    assert policies_of(org, later["Id"], RCP_T) == ["p-RCPFullAWSAccess"]
    fails(org.c.describe_effective_policy, "InvalidInputException",
          PolicyType=RCP_T, TargetId=org.members[0].id)


# AWS: EnablePolicyType CreatePolicy AttachPolicy ListRoots DescribeEffectivePolicy (the 13 types of the model)
def test_every_policy_type_of_the_model(org):
    m = org.members[0].id
    made = {}
    for t in MODEL_TYPES:
        made[t] = org.c.create_policy(Content=content_for(t), Description=t,
                                      Name="p-" + t.lower(), Type=t)["Policy"]
        arn = made[t]["PolicySummary"]["Arn"]
        assert arn.endswith("/%s/%s" % (t.lower(), made[t]["PolicySummary"]["Id"]))
    for t in MODEL_TYPES:
        org.c.enable_policy_type(RootId=org.root, PolicyType=t)
        org.c.attach_policy(PolicyId=made[t]["PolicySummary"]["Id"], TargetId=org.root)
        ids = [p["Id"] for p in org.c.list_policies(Filter=t)["Policies"]]
        assert made[t]["PolicySummary"]["Id"] in ids
    types = org.c.list_roots()["Roots"][0]["PolicyTypes"]
    assert types == [{"Type": t, "Status": ENABLED} for t in MODEL_TYPES]
    for t in MODEL_TYPES[2:]:
        eff = org.c.describe_effective_policy(PolicyType=t, TargetId=m)["EffectivePolicy"]
        assert eff["PolicyType"] == t
        assert json.loads(eff["PolicyContent"]) == json.loads(content_for(t))


# AWS: CreatePolicy InvalidInputException INVALID_ENUM
# AWS: EnablePolicyType InvalidInputException INVALID_ENUM
# AWS: EnablePolicyType RootNotFoundException
# AWS: DisablePolicyType PolicyTypeNotEnabledException
def test_policy_type_errors_in_aws_words(org):
    invalid = "You specified an invalid value."
    r = fails(org.c.create_policy, "InvalidInputException", Content="{}",
              Description="", Name="x", Type="MOTO")
    assert r["Error"]["Message"] == invalid
    r = fails(org.c.enable_policy_type, "InvalidInputException", RootId=org.root,
              PolicyType="MOTO")
    assert r["Error"]["Message"] == invalid
    r = fails(org.c.enable_policy_type, "RootNotFoundException", RootId="r-0000",
              PolicyType="AISERVICES_OPT_OUT_POLICY")
    assert r["Error"]["Message"] == "You specified a root that doesn't exist."
    r = fails(org.c.disable_policy_type, "PolicyTypeNotEnabledException",
              RootId=org.root, PolicyType="AISERVICES_OPT_OUT_POLICY")
    assert r["Error"]["Message"] == \
        "This operation can be performed only for enabled policy types."
    r = fails(org.c.describe_policy, "PolicyNotFoundException", PolicyId="p-47fhe9s3")
    assert r["Error"]["Message"] == "You specified a policy that doesn't exist."
    r = fails(org.c.delete_policy, "PolicyNotFoundException", PolicyId="p-47fhe9s3")
    assert r["Error"]["Message"] == \
        "We can't find a policy with the PolicyId that you specified."
