# SPDX-License-Identifier: MIT
"""Roots and OUs: create, rename, describe, delete, list, nesting depth;
where accounts sit (ListChildren, ListParents, ListAccountsForParent) and
MoveAccount, with AWS's errors; boto3 and the aws CLI."""

import re

from conftest import client
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


def test_organization_page_shows_the_tree(srv, new_account):
    """The console's Organization page shows the root, the OUs nested as
    they are, and each account under its parent with its name and id
    (issue 23: it was one flat list)."""
    from test_attack import Browser
    mgmt = new_account(name="Tree Payer", password="tree-pass-1")
    c = client(srv, mgmt)
    c.create_organization(FeatureSet="ALL")
    root = c.list_roots()["Roots"][0]["Id"]
    prod = c.create_organizational_unit(ParentId=root, Name="Prod")["OrganizationalUnit"]
    web = c.create_organizational_unit(ParentId=prod["Id"], Name="Web")["OrganizationalUnit"]
    placed = {}
    for name, parent in (("Shop", web["Id"]), ("Lab", root)):
        a = new_account(name=name)
        h = c.invite_account_to_organization(Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
        client(srv, a).accept_handshake(HandshakeId=h["Id"])
        if parent != root:
            c.move_account(AccountId=a.id, SourceParentId=root, DestinationParentId=parent)
        placed[name] = a.id
    b = Browser(srv)
    st, _, _ = b.sign_in(mgmt["Email"], "tree-pass-1")
    assert st == 303
    st, _, page = b.req("GET", "/organization")
    assert st == 200
    tree = re.search(r'<ul class="tree" id="org-tree">(.*)</ul></form>', page, re.S).group(1)

    def under(container_attr, html):
        """The HTML inside the <li> that carries container_attr."""
        i = html.index(container_attr)
        depth, j = 0, html.rindex("<li", 0, i)
        for m in re.finditer(r"<(/?)li\b", html[j:]):
            depth += -1 if m.group(1) else 1
            if depth == 0:
                return html[j:j + m.end()]
        raise AssertionError(container_attr)
    prod_li = under('data-ou="%s"' % prod["Id"], tree)
    web_li = under('data-ou="%s"' % web["Id"], prod_li)
    assert "<strong>Prod</strong> <code>%s</code>" % prod["Id"] in prod_li
    assert "<strong>Web</strong> <code>%s</code>" % web["Id"] in web_li
    assert 'data-account="%s"' % placed["Shop"] in web_li
    assert "Shop <code>%s</code>" % placed["Shop"] in web_li
    # Lab sits at the root, outside Prod; the management account too.
    assert 'data-account="%s"' % placed["Lab"] not in prod_li
    assert "Lab <code>%s</code>" % placed["Lab"] in tree
    assert 'data-account="%s"' % mgmt.id in tree and "management account" in tree
    assert 'data-root="%s"' % root in tree
