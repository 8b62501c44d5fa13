# SPDX-License-Identifier: MIT
"""The `aws organizations` help examples (awscli/examples/organizations/*.rst)
run against payerlink as written: each command is taken from the file, the
ids the examples hard-code (r-examplerootid111, ou-examplerootid111-...,
p-examplepolicyid111, car-..., 333333333333, ...) are replaced with real
ones, and the output must have the documented shape (every documented key
is present, recursively)."""

import json
import os
import shlex

import pytest

from conftest import aws, client

EXAMPLES = "/usr/lib/python3/dist-packages/awscli/examples/organizations"


def examples(name):
    """[(argv, documented output or None)] of one .rst file."""
    text = open(os.path.join(EXAMPLES, name + ".rst")).read()
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i].strip()
        if not line.startswith("aws organizations"):
            i += 1
            continue
        cmd = line
        i += 1
        # Continuations: a trailing backslash, or indented --options.
        while i < len(lines) and (cmd.endswith("\\") or
                                  lines[i].strip().startswith("--")):
            cmd = cmd.rstrip("\\").rstrip() + " " + lines[i].strip()
            i += 1
        rest = "\n".join(lines[i:])
        doc = None
        nxt = rest.find("aws organizations")
        brace = rest.find("{")
        if brace != -1 and (nxt == -1 or brace < nxt):
            try:
                doc = json.JSONDecoder().raw_decode(rest[brace:])[0]
            except ValueError:
                doc = None
        out.append((shlex.split(cmd)[1:], doc))
    return out


def has_shape(doc, got, path="$"):
    if isinstance(doc, dict):
        assert isinstance(got, dict), (path, got)
        # Key case as the model spells it (some examples say "id").
        keys = {k.lower(): k for k in got}
        for k, v in doc.items():
            assert k.lower() in keys, "%s.%s missing in %r" % (path, k, got)
            has_shape(v, got[keys[k.lower()]], path + "." + k)
    elif isinstance(doc, list) and doc and got:
        assert isinstance(got, list), (path, got)
        has_shape(doc[0], got[0], path + "[0]")


class World:
    def __init__(self, srv, new_account, feature_set="ALL"):
        self.srv = srv
        self.mgmt = new_account(name="Master Account", email="bill@example.com")
        self.c = client(srv, self.mgmt)
        self.org = self.c.create_organization(FeatureSet=feature_set)["Organization"]
        self.root = self.c.list_roots()["Roots"][0]["Id"]
        self.member = new_account(name="Developer Test Account")
        h = self.c.invite_account_to_organization(
            Target={"Id": self.member.id, "Type": "ACCOUNT"})["Handshake"]
        client(srv, self.member).accept_handshake(HandshakeId=h["Id"])
        self.ids = {"r-examplerootid111": self.root,
                    "333333333333": self.member.id,
                    "444444444444": self.member.id,
                    "111111111111": self.mgmt.id}

    def run(self, name, index=0, expect_rc=0):
        argv, doc = examples(name)[index]
        argv = [self.ids.get(a, a) for a in argv]
        rc, out, err = aws(self.srv, self.mgmt, *argv)
        assert rc == expect_rc, (name, argv, err)
        if doc is not None and expect_rc == 0:
            has_shape(doc, out)
        return out


@pytest.fixture
def world(srv, new_account):
    return World(srv, new_account)


@pytest.fixture
def delayed_world(delayed, new_account):
    """A World on the emulator that keeps CreateAccount asynchronous, as the
    examples show it (IN_PROGRESS first)."""
    return World(delayed, lambda **kw: new_account(server=delayed, **kw))


# AWS: CreateOrganizationalUnit DescribeOrganizationalUnit UpdateOrganizationalUnit ListOrganizationalUnitsForParent ListChildren ListRoots MoveAccount ListAccountsForParent ListParents DeleteOrganizationalUnit
def test_ou_examples_as_written(world):
    ou = world.run("create-organizational-unit")["OrganizationalUnit"]
    assert ou["Name"] == "AccountingOU"
    world.ids["ou-examplerootid111-exampleouid111"] = ou["Id"]
    world.run("describe-organizational-unit")
    # The example renames the OU to the name the create example gave it;
    # renaming an OU to its own name is DuplicateOrganizationalUnitException.
    world.c.update_organizational_unit(OrganizationalUnitId=ou["Id"],
                                       Name="Accounting")
    out = world.run("update-organizational-unit")
    assert out["OrganizationalUnit"]["Name"] == "AccountingOU"
    out = world.run("list-organizational-units-for-parent")
    assert [u["Id"] for u in out["OrganizationalUnits"]] == [ou["Id"]]
    out = world.run("list-roots")
    assert out["Roots"][0]["Id"] == world.root
    world.run("move-account")
    out = world.run("list-accounts-for-parent")
    assert [a["Id"] for a in out["Accounts"]] == [world.member.id]
    out = world.run("list-parents")
    assert out["Parents"] == [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    out = world.run("list-children")
    assert out["Children"] == []
    world.c.move_account(AccountId=world.member.id, SourceParentId=ou["Id"],
                         DestinationParentId=world.root)
    world.run("delete-organizational-unit")


# AWS: CreatePolicy DescribePolicy AttachPolicy ListPolicies ListPoliciesForTarget ListTargetsForPolicy DetachPolicy UpdatePolicy DeletePolicy DisablePolicyType EnablePolicyType
def test_policy_examples_as_written(world):
    # The examples attach SCPs to a root that has them enabled.
    world.c.enable_policy_type(RootId=world.root, PolicyType="SERVICE_CONTROL_POLICY")
    ou = world.c.create_organizational_unit(ParentId=world.root,
                                            Name="Accounting")["OrganizationalUnit"]
    world.ids["ou-examplerootid111-exampleouid111"] = ou["Id"]
    out = world.run("create-policy", 1)
    pol = out["Policy"]["PolicySummary"]
    assert pol["Name"] == "AllowAllS3Actions"
    world.ids["p-examplepolicyid111"] = pol["Id"]
    world.run("describe-policy")
    world.run("attach-policy", 0)
    world.run("attach-policy", 1)
    out = world.run("list-policies")
    assert {p["Id"] for p in out["Policies"]} == {"p-FullAWSAccess", pol["Id"]}
    out = world.run("list-policies-for-target")
    assert {p["Id"] for p in out["Policies"]} == {"p-FullAWSAccess", pol["Id"]}
    out = world.run("list-targets-for-policy")
    assert {t["Type"] for t in out["Targets"]} == {"ROOT", "ACCOUNT",
                                                   "ORGANIZATIONAL_UNIT"}
    world.run("detach-policy")
    for i in range(len(examples("update-policy"))):
        world.run("update-policy", i)
    world.c.detach_policy(PolicyId=pol["Id"], TargetId=world.member.id)
    world.run("delete-policy")
    out = world.run("disable-policy-type")
    assert out["Root"]["PolicyTypes"] == []
    out = world.run("enable-policy-type")
    assert out["Root"]["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY",
                                           "Status": "ENABLED"}]


# AWS: CreateAccount DescribeCreateAccountStatus ListCreateAccountStatus
def test_create_account_examples_as_written(delayed_world):
    world = delayed_world
    out = world.run("create-account")
    car = out["CreateAccountStatus"]
    assert car["State"] == "IN_PROGRESS"
    world.ids["car-examplecreateaccountrequestid111"] = car["Id"]
    out = world.run("list-create-account-status", 1)
    assert [s["Id"] for s in out["CreateAccountStatuses"]] == [car["Id"]]
    world.srv.advance(10)
    out = world.run("describe-create-account-status")
    assert out["CreateAccountStatus"]["State"] == "SUCCEEDED"
    out = world.run("list-create-account-status", 0)
    assert [s["Id"] for s in out["CreateAccountStatuses"]] == [car["Id"]]


# AWS: EnableAllFeatures
def test_enable_all_features_example_as_written(srv, new_account):
    w = World(srv, new_account, feature_set="CONSOLIDATED_BILLING")
    out = w.run("enable-all-features")
    assert out["Handshake"]["Action"] == "ENABLE_ALL_FEATURES"
