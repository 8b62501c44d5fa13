# SPDX-License-Identifier: MIT
"""EnableAllFeatures and its handshakes, and the departure rules that come
with created accounts and delegated administrators."""

from conftest import client
from orgkit import Org, fails, org  # noqa: F401


def billing(srv, acct_id):
    srv.cli("account", "set-billing-info", acct_id, "--payment-method", "Visa 4242",
            "--phone", "+1 206 555 0100")


# AWS: EnableAllFeatures AcceptHandshake ListHandshakesForOrganization ListHandshakesForAccount
def test_enable_all_features_flow(srv, new_account):
    o = Org(srv, new_account, 2, feature_set="CONSOLIDATED_BILLING")
    parent = o.c.enable_all_features()["Handshake"]
    assert parent["Action"] == "ENABLE_ALL_FEATURES" and parent["State"] == "REQUESTED"
    kids = o.c.list_handshakes_for_organization(
        Filter={"ParentHandshakeId": parent["Id"]})["Handshakes"]
    assert sorted(h["Parties"][1]["Id"] for h in kids) == sorted(m.id for m in o.members)
    for mc in o.mc:
        (h,) = [h for h in mc.list_handshakes_for_account()["Handshakes"]
                if h["Action"] == "ENABLE_ALL_FEATURES"]
        mc.accept_handshake(HandshakeId=h["Id"])
    (approve,) = [h for h in o.c.list_handshakes_for_account()["Handshakes"]
                  if h["Action"] == "APPROVE_ALL_FEATURES"]
    assert o.c.describe_organization()["Organization"]["FeatureSet"] == "CONSOLIDATED_BILLING"
    o.c.accept_handshake(HandshakeId=approve["Id"])
    org = o.c.describe_organization()["Organization"]
    assert org["FeatureSet"] == "ALL"
    # All features make the policy types available; each is enabled on the
    # root when asked (EnablePolicyType), FullAWSAccess with SCPs.
    assert org["AvailablePolicyTypes"] == [
        {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    assert o.c.list_roots()["Roots"][0]["PolicyTypes"] == []
    o.c.enable_policy_type(RootId=o.root, PolicyType="SERVICE_CONTROL_POLICY")
    pols = o.c.list_policies_for_target(TargetId=o.members[0].id,
                                        Filter="SERVICE_CONTROL_POLICY")["Policies"]
    assert [p["Id"] for p in pols] == ["p-FullAWSAccess"]


# AWS: EnableAllFeatures (the organization is the request's one party)
def test_enable_all_features_handshake_lists_organization_once(srv, new_account):
    o = Org(srv, new_account, 1, feature_set="CONSOLIDATED_BILLING")
    parent = o.c.enable_all_features()["Handshake"]
    assert parent["Parties"] == [{"Id": o.org["Id"], "Type": "ORGANIZATION"}]
    assert [r["Type"] for r in parent["Resources"]] == ["ORGANIZATION"]
    assert parent["Resources"][0]["Value"] == o.org["Id"]
    again = o.c.describe_handshake(HandshakeId=parent["Id"])["Handshake"]
    assert again["Parties"] == parent["Parties"]
    # A member's request still names both: the organization and the member.
    (kid,) = [h for h in o.mc[0].list_handshakes_for_account()["Handshakes"]
              if h["Action"] == "ENABLE_ALL_FEATURES"]
    assert {(p["Type"], p["Id"]) for p in kid["Parties"]} == {
        ("ORGANIZATION", o.org["Id"]), ("ACCOUNT", o.members[0].id)}


# AWS: DescribeOrganization (AvailablePolicyTypes follows the feature set)
def test_available_policy_types_follow_the_feature_set(srv, new_account):
    scp = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    cb = Org(srv, new_account, feature_set="CONSOLIDATED_BILLING")
    assert cb.c.describe_organization()["Organization"]["AvailablePolicyTypes"] == []
    o = Org(srv, new_account)
    assert o.org["AvailablePolicyTypes"] == scp
    # Deprecated and not the root's types (ListRoots has those): enabling or
    # disabling a type on the root leaves it as it is.
    o.c.enable_policy_type(RootId=o.root, PolicyType="TAG_POLICY")
    assert o.c.describe_organization()["Organization"]["AvailablePolicyTypes"] == scp
    o.c.disable_policy_type(RootId=o.root, PolicyType="TAG_POLICY")
    assert o.c.describe_organization()["Organization"]["AvailablePolicyTypes"] == scp


# AWS: EnableAllFeatures HandshakeConstraintViolationException ORGANIZATION_ALREADY_HAS_ALL_FEATURES
# AWS: EnableAllFeatures HandshakeConstraintViolationException ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION
# AWS: InviteAccountToOrganization HandshakeConstraintViolationException INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES
def test_enable_all_features_errors(srv, new_account, org):
    fails(org.c.enable_all_features, "HandshakeConstraintViolationException",
          "ORGANIZATION_ALREADY_HAS_ALL_FEATURES")
    cb = Org(srv, new_account, 1, feature_set="CONSOLIDATED_BILLING")
    cb.c.enable_all_features()
    fails(cb.c.enable_all_features, "HandshakeConstraintViolationException",
          "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION")
    fails(cb.c.invite_account_to_organization, "HandshakeConstraintViolationException",
          "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES",
          Target={"Id": new_account().id, "Type": "ACCOUNT"})


# AWS: LeaveOrganization ConstraintViolationException WAIT_PERIOD_ACTIVE
# AWS: RemoveAccountFromOrganization ConstraintViolationException WAIT_PERIOD_ACTIVE
def test_created_account_waits_four_days(srv, org):
    st = org.c.create_account(Email="young@example.com",
                              AccountName="young")["CreateAccountStatus"]
    srv.advance(10)
    aid = org.c.describe_create_account_status(
        CreateAccountRequestId=st["Id"])["CreateAccountStatus"]["AccountId"]
    billing(srv, aid)
    kid = client(srv, srv.cli("account", "keys", "create", aid))
    fails(kid.leave_organization, "ConstraintViolationException", "WAIT_PERIOD_ACTIVE")
    fails(org.c.remove_account_from_organization, "ConstraintViolationException",
          "WAIT_PERIOD_ACTIVE", AccountId=aid)
    srv.advance(4 * 86400)
    kid.leave_organization()


# AWS: LeaveOrganization ConstraintViolationException CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG
# AWS: RemoveAccountFromOrganization ConstraintViolationException CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG
def test_delegated_admin_cannot_leave(srv, org):
    m = org.members[0]
    billing(srv, m.id)
    org.c.register_delegated_administrator(AccountId=m.id,
                                           ServicePrincipal="config.amazonaws.com")
    fails(org.mc[0].leave_organization, "ConstraintViolationException",
          "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG")
    fails(org.c.remove_account_from_organization, "ConstraintViolationException",
          "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG", AccountId=m.id)
    org.c.deregister_delegated_administrator(AccountId=m.id,
                                             ServicePrincipal="config.amazonaws.com")
    org.c.tag_resource(ResourceId=m.id, Tags=[{"Key": "a", "Value": "b"}])
    org.mc[0].leave_organization()
