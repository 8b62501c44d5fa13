# SPDX-License-Identifier: MIT
"""The 13 policy types of the newest Organizations model (issue 20), driven
by the newest boto3 (tests/api/newest.py; skips, saying why, without it):
resource control policies behave like SCPs (the AWS-managed
RCPFullAWSAccess on every root, OU and account while enabled, at most 5
and at least one per target, 5,120 characters); the declarative and other
management types behave like tag and backup policies, with effective
policies."""

from newest import peer  # noqa: F401 (fixture)
from orgkit import Org

RCP = "RESOURCE_CONTROL_POLICY"
RCP_FULL = "p-RCPFullAWSAccess"
MANAGEMENT = ["TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY",
              "CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2", "SECURITYHUB_POLICY",
              "INSPECTOR_POLICY", "UPGRADE_ROLLOUT_POLICY", "BEDROCK_POLICY",
              "S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY"]
RCP_DOC = ('{"Version":"2012-10-17","Statement":[{"Effect":"Deny",'
           '"Principal":"*","Action":"s3:*","Resource":"*","Condition":'
           '{"Bool":{"aws:SecureTransport":"false"}}}]}')


def ids(peer, srv, acct, target, ptype):
    got = peer.call(srv, acct, "ListPoliciesForTarget", TargetId=target,
                    Filter=ptype)["Policies"]
    return sorted(p["Id"] for p in got)


# AWS: EnablePolicyType
# AWS: ListRoots
# AWS: ListPoliciesForTarget
# AWS: ListPolicies
# AWS: DescribePolicy
# AWS: CreatePolicy ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED
# AWS: AttachPolicy ConstraintViolationException MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED
# AWS: DetachPolicy ConstraintViolationException MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED
# AWS: DisablePolicyType
def test_resource_control_policies_behave_like_scps(srv, new_account, peer):
    o = Org(srv, new_account, 1)
    m = o.members[0]
    ou = o.ou("Prod")
    peer.fails(srv, o.mgmt, "AttachPolicy", "PolicyNotFoundException",
               PolicyId="p-12345678", TargetId=m.id)
    root = peer.call(srv, o.mgmt, "EnablePolicyType", RootId=o.root,
                     PolicyType=RCP)["Root"]
    assert {"Type": RCP, "Status": "ENABLED"} in root["PolicyTypes"]
    listed = peer.call(srv, o.mgmt, "ListRoots")["Roots"][0]["PolicyTypes"]
    assert {"Type": RCP, "Status": "ENABLED"} in listed
    # RCPFullAWSAccess everywhere: root, the OU and the member of the
    # moment, an OU made and a member joined afterwards.
    later_ou = o.ou("Later")
    later = o.add(new_account)
    for target in (o.root, ou["Id"], m.id, later_ou["Id"], later.id):
        assert ids(peer, srv, o.mgmt, target, RCP) == [RCP_FULL], target
    # Not an SCP: the SCP list of a target does not show it.
    assert RCP_FULL not in ids(peer, srv, o.mgmt, m.id, "SERVICE_CONTROL_POLICY")
    full = peer.call(srv, o.mgmt, "DescribePolicy", PolicyId=RCP_FULL)["Policy"]
    assert full["PolicySummary"]["AwsManaged"] is True
    assert full["PolicySummary"]["Type"] == RCP
    assert full["PolicySummary"]["Arn"].endswith(
        ":policy/resource_control_policy/p-RCPFullAWSAccess")
    pols = peer.call(srv, o.mgmt, "ListPolicies", Filter=RCP)["Policies"]
    assert [p["Id"] for p in pols] == [RCP_FULL]

    # 5,120 characters at most, as an SCP.
    peer.fails(srv, o.mgmt, "CreatePolicy", "ConstraintViolationException",
               "POLICY_CONTENT_LIMIT_EXCEEDED", Name="big", Description="",
               Type=RCP, Content='{"Version":"2012-10-17","Statement":[],"x":"%s"}'
               % ("a" * 5200))
    p = peer.call(srv, o.mgmt, "CreatePolicy", Name="tls-only", Description="",
                  Type=RCP, Content=RCP_DOC)["Policy"]["PolicySummary"]
    assert p["Type"] == RCP and not p["AwsManaged"]
    peer.call(srv, o.mgmt, "AttachPolicy", PolicyId=p["Id"], TargetId=m.id)
    peer.call(srv, o.mgmt, "DetachPolicy", PolicyId=RCP_FULL, TargetId=m.id)
    assert ids(peer, srv, o.mgmt, m.id, RCP) == [p["Id"]]
    # The last RCP of a target stays.
    peer.fails(srv, o.mgmt, "DetachPolicy", "ConstraintViolationException",
               "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", PolicyId=p["Id"],
               TargetId=m.id)
    # Five per target at most.
    for i in range(4):
        q = peer.call(srv, o.mgmt, "CreatePolicy", Name="rcp%d" % i,
                      Description="", Type=RCP, Content=RCP_DOC)["Policy"]["PolicySummary"]
        peer.call(srv, o.mgmt, "AttachPolicy", PolicyId=q["Id"], TargetId=m.id)
    q = peer.call(srv, o.mgmt, "CreatePolicy", Name="rcp-sixth", Description="",
                  Type=RCP, Content=RCP_DOC)["Policy"]["PolicySummary"]
    peer.fails(srv, o.mgmt, "AttachPolicy", "ConstraintViolationException",
               "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", PolicyId=q["Id"],
               TargetId=m.id)
    # An RCP has no effective policy.
    peer.fails(srv, o.mgmt, "DescribeEffectivePolicy", "InvalidInputException",
               PolicyType=RCP, TargetId=m.id)
    # Disabled: every RCP detached, the type gone from the root.
    root = peer.call(srv, o.mgmt, "DisablePolicyType", RootId=o.root,
                     PolicyType=RCP)["Root"]
    assert all(t["Type"] != RCP for t in root["PolicyTypes"])
    assert ids(peer, srv, o.mgmt, m.id, RCP) == []


# AWS: DescribeEffectivePolicy
# AWS: ListAccountsWithInvalidEffectivePolicy
# AWS: EnablePolicyType InvalidInputException
def test_management_policy_types_have_effective_policies(srv, new_account, peer):
    o = Org(srv, new_account, 1)
    m = o.members[0]
    ou = o.ou("Prod")
    peer.call(srv, o.mgmt, "MoveAccount", AccountId=m.id, SourceParentId=o.root,
              DestinationParentId=ou["Id"])
    for i, ptype in enumerate(MANAGEMENT):
        peer.call(srv, o.mgmt, "EnablePolicyType", RootId=o.root, PolicyType=ptype)
        doc = '{"n":{"@@assign":"%d"}}' % i
        p = peer.call(srv, o.mgmt, "CreatePolicy", Name="p-%s" % ptype.lower(),
                      Description="", Type=ptype, Content=doc)["Policy"]["PolicySummary"]
        assert p["Type"] == ptype
        peer.call(srv, o.mgmt, "AttachPolicy", PolicyId=p["Id"], TargetId=ou["Id"])
        eff = peer.call(srv, o.mgmt, "DescribeEffectivePolicy", PolicyType=ptype,
                        TargetId=m.id)["EffectivePolicy"]
        assert eff["PolicyType"] == ptype and eff["TargetId"] == m.id
        assert '"%d"' % i in eff["PolicyContent"], eff
        got = peer.call(srv, o.mgmt, "ListAccountsWithInvalidEffectivePolicy",
                        PolicyType=ptype)
        assert got["Accounts"] == [] and got["PolicyType"] == ptype
    types = peer.call(srv, o.mgmt, "ListRoots")["Roots"][0]["PolicyTypes"]
    assert sorted(t["Type"] for t in types) == sorted(MANAGEMENT + ["SERVICE_CONTROL_POLICY"])
    peer.fails(srv, o.mgmt, "EnablePolicyType", "InvalidInputException",
               RootId=o.root, PolicyType="NOT_A_POLICY")
