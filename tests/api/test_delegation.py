# SPDX-License-Identifier: MIT
"""Delegated administrators, trusted service access and the resource
policy; what a delegated administrator may read."""

import json

from conftest import client
from orgkit import Org, cli_ok, fails, org  # noqa: F401

SVC = "securityhub.amazonaws.com"


# AWS: RegisterDelegatedAdministrator ListDelegatedAdministrators ListDelegatedServicesForAccount DeregisterDelegatedAdministrator
def test_delegated_admin_life(org):
    m = org.members[0]
    org.c.register_delegated_administrator(AccountId=m.id, ServicePrincipal=SVC)
    org.c.register_delegated_administrator(AccountId=m.id,
                                           ServicePrincipal="config.amazonaws.com")
    admins = org.c.list_delegated_administrators()["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == [m.id]
    assert admins[0]["JoinedMethod"] == "INVITED" and "DelegationEnabledDate" in admins[0]
    assert admins[0]["Arn"] == "arn:aws:organizations::%s:account/%s/%s" % (
        org.mgmt.id, org.org["Id"], m.id)
    by_svc = org.c.list_delegated_administrators(ServicePrincipal="guardduty.amazonaws.com")
    assert by_svc["DelegatedAdministrators"] == []
    svcs = org.c.list_delegated_services_for_account(AccountId=m.id)["DelegatedServices"]
    assert [s["ServicePrincipal"] for s in svcs] == ["config.amazonaws.com", SVC]
    org.c.deregister_delegated_administrator(AccountId=m.id, ServicePrincipal=SVC)
    svcs = org.c.list_delegated_services_for_account(AccountId=m.id)["DelegatedServices"]
    assert [s["ServicePrincipal"] for s in svcs] == ["config.amazonaws.com"]


# AWS: RegisterDelegatedAdministrator AccountAlreadyRegisteredException
# AWS: RegisterDelegatedAdministrator ConstraintViolationException CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR
# AWS: RegisterDelegatedAdministrator AccountNotFoundException
def test_register_errors(org, new_account):
    m = org.members[0]
    org.c.register_delegated_administrator(AccountId=m.id, ServicePrincipal=SVC)
    fails(org.c.register_delegated_administrator, "AccountAlreadyRegisteredException",
          AccountId=m.id, ServicePrincipal=SVC)
    fails(org.c.register_delegated_administrator, "ConstraintViolationException",
          "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR", AccountId=org.mgmt.id,
          ServicePrincipal=SVC)
    fails(org.c.register_delegated_administrator, "AccountNotFoundException",
          AccountId=new_account().id, ServicePrincipal=SVC)
    fails(org.c.register_delegated_administrator, "InvalidInputException",
          "UNRECOGNIZED_SERVICE_PRINCIPAL", AccountId=m.id, ServicePrincipal="nope")


# AWS: DeregisterDelegatedAdministrator AccountNotRegisteredException
# AWS: DeregisterDelegatedAdministrator AccountNotFoundException
# AWS: ListDelegatedServicesForAccount AccountNotRegisteredException
# AWS: ListDelegatedServicesForAccount AccountNotFoundException
def test_not_registered(org, new_account):
    m = org.members[0]
    fails(org.c.deregister_delegated_administrator, "AccountNotRegisteredException",
          AccountId=m.id, ServicePrincipal=SVC)
    fails(org.c.list_delegated_services_for_account, "AccountNotRegisteredException",
          AccountId=m.id)
    stranger = new_account().id
    fails(org.c.deregister_delegated_administrator, "AccountNotFoundException",
          AccountId=stranger, ServicePrincipal=SVC)
    fails(org.c.list_delegated_services_for_account, "AccountNotFoundException",
          AccountId=stranger)


# AWS: ListAccounts ListRoots ListChildren DescribeOrganizationalUnit ListPolicies (as delegated administrator)
def test_delegated_admin_may_read(srv, new_account):
    o = Org(srv, new_account, 2)
    da, other = o.mc[0], o.mc[1]
    ou = o.ou("Sec")
    fails(da.list_roots, "AccessDeniedException")
    o.c.register_delegated_administrator(AccountId=o.members[0].id,
                                         ServicePrincipal=SVC)
    assert da.list_roots()["Roots"][0]["Id"] == o.root
    assert da.describe_organizational_unit(OrganizationalUnitId=ou["Id"])
    kids = da.list_children(ParentId=o.root, ChildType="ORGANIZATIONAL_UNIT")
    assert [k["Id"] for k in kids["Children"]] == [ou["Id"]]
    assert da.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    assert da.list_delegated_administrators()["DelegatedAdministrators"]
    # Writes stay with the management account; other members see nothing.
    fails(da.create_organizational_unit, "AccessDeniedException", ParentId=o.root,
          Name="x")
    fails(other.list_children, "AccessDeniedException", ParentId=o.root,
          ChildType="ACCOUNT")


# AWS: EnableAWSServiceAccess ListAWSServiceAccessForOrganization DisableAWSServiceAccess
def test_trusted_access(org):
    org.c.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    org.c.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    org.c.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    got = org.c.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [s["ServicePrincipal"] for s in got] == ["config.amazonaws.com",
                                                    "ram.amazonaws.com"]
    assert all("DateEnabled" in s for s in got)
    page = org.c.list_aws_service_access_for_organization(MaxResults=1)
    assert len(page["EnabledServicePrincipals"]) == 1 and "NextToken" in page
    org.c.disable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    got = org.c.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [s["ServicePrincipal"] for s in got] == ["config.amazonaws.com"]


# AWS: EnableAWSServiceAccess ConstraintViolationException ORGANIZATION_NOT_IN_ALL_FEATURES_MODE
# AWS: EnableAWSServiceAccess AccessDeniedException
def test_trusted_access_needs_all_features(srv, new_account, org):
    o = Org(srv, new_account, feature_set="CONSOLIDATED_BILLING")
    fails(o.c.enable_aws_service_access, "ConstraintViolationException",
          "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE", ServicePrincipal="ram.amazonaws.com")
    fails(org.mc[0].enable_aws_service_access, "AccessDeniedException",
          ServicePrincipal="ram.amazonaws.com")


# AWS: PutResourcePolicy DescribeResourcePolicy DeleteResourcePolicy
def test_resource_policy_life(org):
    content = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowDescribe", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::%s:root" % org.members[0].id},
        "Action": "organizations:DescribeOrganization", "Resource": "*"}]})
    rp = org.c.put_resource_policy(Content=content,
                                   Tags=[{"Key": "k", "Value": "v"}])["ResourcePolicy"]
    s = rp["ResourcePolicySummary"]
    assert s["Id"].startswith("rp-")
    assert s["Arn"] == "arn:aws:organizations::%s:resourcepolicy/%s/%s" % (
        org.mgmt.id, org.org["Id"], s["Id"])
    assert org.c.describe_resource_policy()["ResourcePolicy"] == rp
    assert org.c.list_tags_for_resource(ResourceId=s["Id"])["Tags"] == [
        {"Key": "k", "Value": "v"}]
    again = org.c.put_resource_policy(Content=content.replace("AllowDescribe", "X"))
    assert again["ResourcePolicy"]["ResourcePolicySummary"]["Id"] == s["Id"]
    org.c.delete_resource_policy()
    fails(org.c.describe_resource_policy, "ResourcePolicyNotFoundException")


# AWS: DescribeResourcePolicy ResourcePolicyNotFoundException
# AWS: DeleteResourcePolicy ResourcePolicyNotFoundException
# AWS: PutResourcePolicy InvalidInputException INVALID_RESOURCE_POLICY_JSON
# AWS: DescribeResourcePolicy AWSOrganizationsNotInUseException
def test_resource_policy_errors(org, srv, new_account):
    fails(org.c.describe_resource_policy, "ResourcePolicyNotFoundException")
    fails(org.c.delete_resource_policy, "ResourcePolicyNotFoundException")
    fails(org.c.put_resource_policy, "InvalidInputException",
          "INVALID_RESOURCE_POLICY_JSON", Content="{nope")
    fails(client(srv, new_account()).describe_resource_policy,
          "AWSOrganizationsNotInUseException")


# AWS: RegisterDelegatedAdministrator ListDelegatedAdministrators EnableAWSServiceAccess
def test_delegation_with_aws_cli(srv, org):
    m = org.members[0]
    cli_ok(srv, org.mgmt, "register-delegated-administrator", "--account-id", m.id,
           "--service-principal", SVC)
    out = cli_ok(srv, org.mgmt, "list-delegated-administrators")
    assert [a["Id"] for a in out["DelegatedAdministrators"]] == [m.id]
    cli_ok(srv, org.mgmt, "enable-aws-service-access", "--service-principal",
           "ram.amazonaws.com")
    out = cli_ok(srv, org.mgmt, "list-aws-service-access-for-organization")
    assert [s["ServicePrincipal"] for s in out["EnabledServicePrincipals"]] == [
        "ram.amazonaws.com"]


UNKNOWN = "You specified an unrecognized service principal."


# AWS: EnableAWSServiceAccess InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL
# AWS: DisableAWSServiceAccess InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL
# AWS: RegisterDelegatedAdministrator InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL
# AWS: ListDelegatedAdministrators InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL
def test_unrecognized_service_principals(org):
    """A principal that looks right but names no service that works with
    Organizations is refused, in AWS's words."""
    for call in (org.c.enable_aws_service_access, org.c.disable_aws_service_access):
        r = fails(call, "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL",
                  ServicePrincipal="moto.amazonaws.com")
        assert r["Error"]["Message"] == UNKNOWN
    assert org.c.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    m = org.members[0].id
    r = fails(org.c.register_delegated_administrator, "InvalidInputException",
              "UNRECOGNIZED_SERVICE_PRINCIPAL", AccountId=m,
              ServicePrincipal="moto.amazonaws.com")
    assert r["Error"]["Message"] == UNKNOWN
    # Trusted access only: RAM has no delegated administrator.
    fails(org.c.register_delegated_administrator, "InvalidInputException",
          "UNRECOGNIZED_SERVICE_PRINCIPAL", AccountId=m,
          ServicePrincipal="ram.amazonaws.com")
    r = fails(org.c.list_delegated_administrators, "InvalidInputException",
              "UNRECOGNIZED_SERVICE_PRINCIPAL", ServicePrincipal="moto.amazonaws.com")
    assert r["Error"]["Message"] == UNKNOWN


# AWS: DeregisterDelegatedAdministrator ConstraintViolationException CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR
# AWS: DeregisterDelegatedAdministrator InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL
def test_management_account_and_other_service(org):
    words = ("You cannot register master account/yourself as delegated "
             "administrator for your organization.")
    r = fails(org.c.register_delegated_administrator, "ConstraintViolationException",
              "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
              AccountId=org.mgmt.id, ServicePrincipal=SVC)
    assert r["Error"]["Message"] == words
    r = fails(org.c.deregister_delegated_administrator, "ConstraintViolationException",
              "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
              AccountId=org.mgmt.id, ServicePrincipal=SVC)
    assert r["Error"]["Message"] == words
    m = org.members[0].id
    org.c.register_delegated_administrator(AccountId=m, ServicePrincipal=SVC)
    # An administrator of one service, asked to stop being one of another.
    r = fails(org.c.deregister_delegated_administrator, "InvalidInputException",
              "UNRECOGNIZED_SERVICE_PRINCIPAL", AccountId=m,
              ServicePrincipal="guardduty.amazonaws.com")
    assert r["Error"]["Message"] == UNKNOWN


# AWS: ListAccounts DescribeAccount (as delegated administrator)
def test_delegated_admin_may_list_accounts(srv, new_account):
    o = Org(srv, new_account, 2)
    da = o.mc[0]
    fails(da.list_accounts, "AccessDeniedException")
    o.c.register_delegated_administrator(AccountId=o.members[0].id,
                                         ServicePrincipal=SVC)
    ids = [a["Id"] for a in da.list_accounts()["Accounts"]]
    assert ids == [o.mgmt.id] + [m.id for m in o.members]
    got = da.describe_account(AccountId=o.members[1].id)["Account"]
    assert got["Id"] == o.members[1].id and got["Status"] == "ACTIVE"
    fails(o.mc[1].list_accounts, "AccessDeniedException")
