# SPDX-License-Identifier: MIT
"""CreateAccount (asynchronous in AWS, car- status on the business clock;
complete before it answers in the emulator unless serve is given
--create-account-delay), its status operations, the created account's
credentials (payerlink extension) and CloseAccount (PENDING_CLOSURE then
SUSPENDED; SUSPENDED at once in the emulator)."""

import re
import subprocess

from conftest import BIN, client
from orgkit import Org, cli_fails, cli_ok, delayed_org, fails, org  # noqa: F401


def create(o, email, name="Created"):
    return o.c.create_account(Email=email, AccountName=name)["CreateAccountStatus"]


# AWS: CreateAccount DescribeCreateAccountStatus
def test_create_account_in_progress_then_succeeded(delayed, delayed_org):
    srv, org = delayed, delayed_org
    st = create(org, "new1@example.com", "Workload")
    assert re.fullmatch(r"car-[a-z0-9]{8}", st["Id"])
    assert st["State"] == "IN_PROGRESS" and st["AccountName"] == "Workload"
    assert "AccountId" not in st and "CompletedTimestamp" not in st
    srv.advance(10)
    got = org.c.describe_create_account_status(
        CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
    assert got["State"] == "SUCCEEDED"
    assert re.fullmatch(r"\d{12}", got["AccountId"])
    assert got["CompletedTimestamp"] >= got["RequestedTimestamp"]
    acct = org.c.describe_account(AccountId=got["AccountId"])["Account"]
    assert acct["JoinedMethod"] == "CREATED" and acct["Email"] == "new1@example.com"
    assert acct["Name"] == "Workload"
    parents = org.c.list_parents(ChildId=got["AccountId"])["Parents"]
    assert parents == [{"Id": org.root, "Type": "ROOT"}]


# AWS: CreateAccount (status FAILED EMAIL_ALREADY_EXISTS)
def test_create_account_email_taken_fails(delayed, delayed_org):
    srv, org = delayed, delayed_org
    st = create(org, org.members[0]["Email"])
    assert st["State"] == "IN_PROGRESS"
    srv.advance(10)
    got = org.c.describe_create_account_status(
        CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
    assert got["State"] == "FAILED"
    assert got["FailureReason"] == "EMAIL_ALREADY_EXISTS"
    assert "AccountId" not in got


# AWS: CreateAccount (created account credentials, payerlink extension)
def test_created_account_credentials(srv, org):
    st = create(org, "keys@example.com")
    srv.advance(10)
    aid = org.c.describe_create_account_status(
        CreateAccountRequestId=st["Id"])["CreateAccountStatus"]["AccountId"]
    assert srv.cli("account", "keys", "list", aid)["AccessKeys"]
    key = srv.cli("account", "keys", "create", aid)
    me = client(srv, key).describe_organization()["Organization"]
    assert me["Id"] == org.org["Id"]


# AWS: DescribeCreateAccountStatus CreateAccountStatusNotFoundException
def test_unknown_create_account_status(org, srv, new_account):
    fails(org.c.describe_create_account_status, "CreateAccountStatusNotFoundException",
          CreateAccountRequestId="car-00000000")
    other = Org(srv, new_account)
    st = create(other, "other@example.com")
    fails(org.c.describe_create_account_status, "CreateAccountStatusNotFoundException",
          CreateAccountRequestId=st["Id"])
    fails(org.c.describe_create_account_status, "InvalidInputException",
          CreateAccountRequestId="car-BAD")


# AWS: ListCreateAccountStatus
def test_list_create_account_status_filters_and_pages(delayed, delayed_org):
    srv, org = delayed, delayed_org
    ids = sorted(create(org, "l%d@example.com" % i)["Id"] for i in range(3))
    out = org.c.list_create_account_status(States=["IN_PROGRESS"])
    assert sorted(s["Id"] for s in out["CreateAccountStatuses"]) == ids
    srv.advance(10)
    assert org.c.list_create_account_status(
        States=["IN_PROGRESS"])["CreateAccountStatuses"] == []
    seen, kw = [], {}
    while True:
        page = org.c.list_create_account_status(States=["SUCCEEDED"],
                                                MaxResults=2, **kw)
        seen += [s["Id"] for s in page["CreateAccountStatuses"]]
        if "NextToken" not in page:
            break
        kw = {"NextToken": page["NextToken"]}
    assert sorted(seen) == ids


# AWS: CreateAccount ConstraintViolationException ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED
def test_five_concurrent_creations_at_most(delayed, delayed_org):
    srv, org = delayed, delayed_org
    for i in range(5):
        create(org, "c%d@example.com" % i)
    fails(org.c.create_account, "ConstraintViolationException",
          "ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED", Email="c5@example.com",
          AccountName="x")
    srv.advance(10)
    create(org, "c5@example.com")


# AWS: CreateAccount AccessDeniedException
# AWS: CreateAccount AWSOrganizationsNotInUseException
def test_create_account_callers(org, srv, new_account):
    fails(org.mc[0].create_account, "AccessDeniedException",
          Email="m@example.com", AccountName="x")
    fails(client(srv, new_account()).create_account,
          "AWSOrganizationsNotInUseException", Email="m@example.com",
          AccountName="x")


# AWS: CloseAccount
def test_close_account_pending_then_suspended(delayed, delayed_org):
    srv, org = delayed, delayed_org
    m = org.members[0]
    org.c.close_account(AccountId=m.id)
    acct = org.c.describe_account(AccountId=m.id)["Account"]
    assert acct["Status"] == "PENDING_CLOSURE"
    srv.advance(120)
    acct = org.c.describe_account(AccountId=m.id)["Account"]
    assert acct["Status"] == "SUSPENDED"
    listed = {a["Id"]: a["Status"] for a in org.c.list_accounts()["Accounts"]}
    assert listed[m.id] == "SUSPENDED"


# AWS: CloseAccount AccountAlreadyClosedException
def test_close_twice(org):
    org.c.close_account(AccountId=org.members[0].id)
    fails(org.c.close_account, "AccountAlreadyClosedException",
          AccountId=org.members[0].id)


# AWS: CloseAccount ConstraintViolationException CANNOT_CLOSE_MANAGEMENT_ACCOUNT
# AWS: CloseAccount AccountNotFoundException
def test_close_errors(org, new_account):
    fails(org.c.close_account, "ConstraintViolationException",
          "CANNOT_CLOSE_MANAGEMENT_ACCOUNT", AccountId=org.mgmt.id)
    fails(org.c.close_account, "AccountNotFoundException",
          AccountId=new_account().id)


# AWS: CreateGovCloudAccount ConstraintViolationException MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED
def test_govcloud_not_enabled(org):
    fails(org.c.create_gov_cloud_account, "ConstraintViolationException",
          "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED", Email="g@example.com",
          AccountName="gov")


# AWS: CreateAccount DescribeCreateAccountStatus ListCreateAccountStatus
def test_create_account_with_aws_cli(delayed, delayed_org):
    srv, org = delayed, delayed_org
    out = cli_ok(srv, org.mgmt, "create-account", "--email", "cli@example.com",
                 "--account-name", "Production Account")
    car = out["CreateAccountStatus"]
    assert car["State"] == "IN_PROGRESS"
    srv.advance(10)
    out = cli_ok(srv, org.mgmt, "describe-create-account-status",
                 "--create-account-request-id", car["Id"])
    assert out["CreateAccountStatus"]["State"] == "SUCCEEDED"
    out = cli_ok(srv, org.mgmt, "list-create-account-status", "--states", "SUCCEEDED")
    assert [s["Id"] for s in out["CreateAccountStatuses"]] == [car["Id"]]
    cli_fails(srv, org.mgmt, "CreateAccountStatusNotFoundException",
              "describe-create-account-status", "--create-account-request-id",
              "car-zzzzzzzz")


# AWS: CreateAccount (SUCCEEDED with its AccountId when answered, emulator)
# AWS: DescribeCreateAccountStatus ListCreateAccountStatus
def test_create_account_succeeds_at_once_in_the_emulator(org):
    st = create(org, "atonce@example.com", "AtOnce")
    assert st["State"] == "SUCCEEDED" and re.fullmatch(r"\d{12}", st["AccountId"])
    assert st["AccountName"] == "AtOnce"
    assert st["CompletedTimestamp"] >= st["RequestedTimestamp"]
    got = org.c.describe_create_account_status(
        CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
    assert got == st
    acct = org.c.describe_account(AccountId=st["AccountId"])["Account"]
    assert acct["JoinedMethod"] == "CREATED" and acct["Status"] == "ACTIVE"
    listed = org.c.list_create_account_status(States=["SUCCEEDED"])
    assert [s["Id"] for s in listed["CreateAccountStatuses"]] == [st["Id"]]
    assert org.c.list_create_account_status(
        States=["IN_PROGRESS"])["CreateAccountStatuses"] == []
    # A taken e-mail fails at once too, with its reason.
    again = create(org, "atonce@example.com", "Again")
    assert again["State"] == "FAILED" and again["FailureReason"] == "EMAIL_ALREADY_EXISTS"
    assert "AccountId" not in again


# AWS: CreateAccount (no limit of five at once when nothing stays in progress)
def test_more_than_five_creations_in_the_emulator(org):
    ids = [create(org, "many%d@example.com" % i)["AccountId"] for i in range(7)]
    listed = {a["Id"] for a in org.c.list_accounts()["Accounts"]}
    assert set(ids) <= listed


# AWS: CreateAccount InvalidInputException INVALID_PATTERN
def test_malformed_email_refused_at_once(org):
    for bad in ("not-an-email", "a@bcdefg", "two words@example.com", "a@b@example.com"):
        r = fails(org.c.create_account, "InvalidInputException", "INVALID_PATTERN",
                  Email=bad, AccountName="x")
        assert r["Error"]["Message"] == \
            "You provided a value that does not match the required pattern."
    assert org.c.list_create_account_status()["CreateAccountStatuses"] == []


# AWS: CloseAccount (SUSPENDED at once, emulator)
# AWS: CloseAccount AccountAlreadyClosedException
def test_close_account_suspends_at_once_in_the_emulator(org):
    m = org.members[0]
    assert org.c.close_account(AccountId=m.id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    acct = org.c.describe_account(AccountId=m.id)["Account"]
    assert acct["Status"] == "SUSPENDED"
    r = fails(org.c.close_account, "AccountAlreadyClosedException", AccountId=m.id)
    assert r["Error"]["Message"] == "The provided account is already closed."


# AWS: CreateAccount CloseAccount (serve --help names the delays)
def test_serve_help_names_the_delays():
    out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True).stdout
    for flag in ("--create-account-delay SECONDS", "--close-account-delay SECONDS"):
        assert flag in out
    assert "CreateAccount and CloseAccount complete before they" in out
