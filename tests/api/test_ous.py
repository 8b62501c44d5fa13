# SPDX-License-Identifier: MIT
"""Roots and OUs: create, rename, describe, delete, list, nesting depth;
where accounts sit (ListChildren, ListParents, ListAccountsForParent) and
MoveAccount, with AWS's errors; boto3 and the aws CLI."""

import re

import pytest

from conftest import aws, client
from orgkit import Org, cli_fails, cli_ok, fails, org  # noqa: F401


# AWS: CreateOrganizationalUnit DescribeOrganizationalUnit
def test_create_and_describe_ou(org):
    ou = org.ou("Production")
    suffix = org.root[2:]
    assert re.fullmatch(r"ou-%s-[a-z0-9]{8}" % suffix, ou["Id"]), ou
    assert ou["Name"] == "Production"
    assert ou["Arn"] == "arn:aws:organizations::%s:ou/%s/%s" % (
        org.mgmt.id, org.org["Id"], ou["Id"])
    got = org.c.describe_organizational_unit(OrganizationalUnitId=ou["Id"])
    assert got["OrganizationalUnit"] == ou


# AWS: CreateOrganizationalUnit DuplicateOrganizationalUnitException
def test_duplicate_ou_name_under_same_parent(org):
    a = org.ou("Dev")
    fails(org.c.create_organizational_unit, "DuplicateOrganizationalUnitException",
          ParentId=org.root, Name="Dev")
    # The same name under another parent is fine.
    org.ou("Dev", parent=a["Id"])


# AWS: CreateOrganizationalUnit ParentNotFoundException
def test_create_ou_unknown_parent(org):
    fails(org.c.create_organizational_unit, "ParentNotFoundException",
          ParentId="ou-%s-zzzzzzzz" % org.root[2:], Name="X")
    fails(org.c.create_organizational_unit, "InvalidInputException",
          ParentId="bad", Name="X")


# AWS: CreateOrganizationalUnit ConstraintViolationException OU_DEPTH_LIMIT_EXCEEDED
def test_ou_depth_limit_is_five(org):
    parent = org.root
    for i in range(5):
        parent = org.ou("L%d" % (i + 1), parent)["Id"]
    fails(org.c.create_organizational_unit, "ConstraintViolationException",
          "OU_DEPTH_LIMIT_EXCEEDED", ParentId=parent, Name="L6")


# AWS: UpdateOrganizationalUnit DuplicateOrganizationalUnitException
def test_rename_ou(org):
    a, b = org.ou("A"), org.ou("B")
    got = org.c.update_organizational_unit(OrganizationalUnitId=a["Id"], Name="A2")
    assert got["OrganizationalUnit"]["Name"] == "A2"
    assert got["OrganizationalUnit"]["Id"] == a["Id"]
    fails(org.c.update_organizational_unit, "DuplicateOrganizationalUnitException",
          OrganizationalUnitId=a["Id"], Name="B")


# AWS: UpdateOrganizationalUnit DuplicateOrganizationalUnitException (its own name)
def test_rename_to_its_own_name_is_duplicate(org):
    a = org.ou("Same")
    r = fails(org.c.update_organizational_unit, "DuplicateOrganizationalUnitException",
              OrganizationalUnitId=a["Id"], Name="Same")
    assert r["Error"]["Message"] == "An OU with the same name already exists."
    got = org.c.describe_organizational_unit(OrganizationalUnitId=a["Id"])
    assert got["OrganizationalUnit"]["Name"] == "Same"


# AWS: UpdateOrganizationalUnit OrganizationalUnitNotFoundException
# AWS: DescribeOrganizationalUnit OrganizationalUnitNotFoundException
# AWS: DeleteOrganizationalUnit OrganizationalUnitNotFoundException
def test_unknown_ou(org):
    missing = "ou-%s-00000000" % org.root[2:]
    fails(org.c.describe_organizational_unit, "OrganizationalUnitNotFoundException",
          OrganizationalUnitId=missing)
    fails(org.c.update_organizational_unit, "OrganizationalUnitNotFoundException",
          OrganizationalUnitId=missing, Name="x")
    fails(org.c.delete_organizational_unit, "OrganizationalUnitNotFoundException",
          OrganizationalUnitId=missing)


# AWS: DeleteOrganizationalUnit OrganizationalUnitNotEmptyException
def test_delete_ou_must_be_empty(org):
    a = org.ou("A")
    b = org.ou("B", a["Id"])
    fails(org.c.delete_organizational_unit, "OrganizationalUnitNotEmptyException",
          OrganizationalUnitId=a["Id"])
    org.c.delete_organizational_unit(OrganizationalUnitId=b["Id"])
    org.c.move_account(AccountId=org.members[0].id, SourceParentId=org.root,
                       DestinationParentId=a["Id"])
    fails(org.c.delete_organizational_unit, "OrganizationalUnitNotEmptyException",
          OrganizationalUnitId=a["Id"])
    org.c.move_account(AccountId=org.members[0].id, SourceParentId=a["Id"],
                       DestinationParentId=org.root)
    org.c.delete_organizational_unit(OrganizationalUnitId=a["Id"])
    fails(org.c.describe_organizational_unit, "OrganizationalUnitNotFoundException",
          OrganizationalUnitId=a["Id"])


# AWS: ListOrganizationalUnitsForParent
def test_list_ous_pages(org):
    made = sorted(org.ou("OU%02d" % i)["Id"] for i in range(5))
    org.ou("Nested", made[0])
    seen, kw = [], {}
    while True:
        page = org.c.list_organizational_units_for_parent(ParentId=org.root,
                                                          MaxResults=2, **kw)
        assert len(page["OrganizationalUnits"]) <= 2
        seen += [u["Id"] for u in page["OrganizationalUnits"]]
        if "NextToken" not in page:
            break
        kw = {"NextToken": page["NextToken"]}
    assert sorted(seen) == made


# AWS: ListOrganizationalUnitsForParent ParentNotFoundException
# AWS: ListChildren ParentNotFoundException
# AWS: ListAccountsForParent ParentNotFoundException
def test_list_unknown_parent(org):
    missing = "ou-%s-00000000" % org.root[2:]
    for fn, kw in ((org.c.list_organizational_units_for_parent, {}),
                   (org.c.list_accounts_for_parent, {}),
                   (org.c.list_children, {"ChildType": "ACCOUNT"})):
        fails(fn, "ParentNotFoundException", ParentId=missing, **kw)


# AWS: ListChildren ListParents ListAccountsForParent MoveAccount
def test_tree_children_parents_and_move(org):
    m = org.members[0]
    ou = org.ou("Prod")
    kids = org.c.list_children(ParentId=org.root, ChildType="ACCOUNT")["Children"]
    assert sorted(k["Id"] for k in kids) == sorted([org.mgmt.id, m.id])
    assert all(k["Type"] == "ACCOUNT" for k in kids)
    ous = org.c.list_children(ParentId=org.root,
                              ChildType="ORGANIZATIONAL_UNIT")["Children"]
    assert ous == [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert org.c.list_parents(ChildId=m.id)["Parents"] == [
        {"Id": org.root, "Type": "ROOT"}]
    org.c.move_account(AccountId=m.id, SourceParentId=org.root,
                       DestinationParentId=ou["Id"])
    assert org.c.list_parents(ChildId=m.id)["Parents"] == [
        {"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert org.c.list_parents(ChildId=ou["Id"])["Parents"] == [
        {"Id": org.root, "Type": "ROOT"}]
    accts = org.c.list_accounts_for_parent(ParentId=ou["Id"])["Accounts"]
    assert [a["Id"] for a in accts] == [m.id]
    assert accts[0]["JoinedMethod"] == "INVITED" and accts[0]["Status"] == "ACTIVE"
    root_accts = org.c.list_accounts_for_parent(ParentId=org.root)["Accounts"]
    assert [a["Id"] for a in root_accts] == [org.mgmt.id]


# AWS: ListParents ChildNotFoundException
def test_list_parents_unknown_child(org, new_account):
    stranger = new_account()
    fails(org.c.list_parents, "ChildNotFoundException", ChildId=stranger.id)
    fails(org.c.list_parents, "ChildNotFoundException",
          ChildId="ou-%s-00000000" % org.root[2:])


# AWS: MoveAccount SourceParentNotFoundException
# AWS: MoveAccount DestinationParentNotFoundException
# AWS: MoveAccount DuplicateAccountException
# AWS: MoveAccount AccountNotFoundException
def test_move_account_errors(org, new_account):
    m = org.members[0]
    ou = org.ou("A")
    missing = "ou-%s-00000000" % org.root[2:]
    fails(org.c.move_account, "SourceParentNotFoundException", AccountId=m.id,
          SourceParentId=missing, DestinationParentId=ou["Id"])
    fails(org.c.move_account, "DestinationParentNotFoundException", AccountId=m.id,
          SourceParentId=org.root, DestinationParentId=missing)
    fails(org.c.move_account, "DuplicateAccountException", AccountId=m.id,
          SourceParentId=ou["Id"], DestinationParentId=org.root)
    fails(org.c.move_account, "AccountNotFoundException", AccountId=new_account().id,
          SourceParentId=org.root, DestinationParentId=ou["Id"])


# AWS: CreateOrganizationalUnit AccessDeniedException
# AWS: ListChildren AccessDeniedException
# AWS: CreateOrganizationalUnit AWSOrganizationsNotInUseException
def test_member_and_standalone_callers(org, new_account):
    fails(org.mc[0].create_organizational_unit, "AccessDeniedException",
          ParentId=org.root, Name="x")
    fails(org.mc[0].list_children, "AccessDeniedException", ParentId=org.root,
          ChildType="ACCOUNT")
    lone = client(org.srv, new_account())
    fails(lone.create_organizational_unit, "AWSOrganizationsNotInUseException",
          ParentId=org.root, Name="x")


# AWS: CreateOrganizationalUnit ListOrganizationalUnitsForParent MoveAccount ListParents DeleteOrganizationalUnit
def test_ous_with_aws_cli(srv, org):
    out = cli_ok(srv, org.mgmt, "create-organizational-unit", "--parent-id",
                 org.root, "--name", "AccountingOU")
    ou = out["OrganizationalUnit"]
    assert ou["Name"] == "AccountingOU"
    out = cli_ok(srv, org.mgmt, "list-organizational-units-for-parent",
                 "--parent-id", org.root)
    assert [u["Id"] for u in out["OrganizationalUnits"]] == [ou["Id"]]
    m = org.members[0]
    cli_ok(srv, org.mgmt, "move-account", "--account-id", m.id,
           "--source-parent-id", org.root, "--destination-parent-id", ou["Id"])
    out = cli_ok(srv, org.mgmt, "list-parents", "--child-id", m.id)
    assert out["Parents"] == [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    cli_fails(srv, org.mgmt, "OrganizationalUnitNotEmptyException",
              "delete-organizational-unit", "--organizational-unit-id", ou["Id"])
    out = cli_ok(srv, org.mgmt, "list-accounts-for-parent", "--parent-id", ou["Id"])
    assert [a["Id"] for a in out["Accounts"]] == [m.id]
