# SPDX-License-Identifier: MIT
"""Cost Explorer's tags, cost categories and the dimensions from the CUR's
product and line item columns (docs/billing.md "Tags and cost
categories"): GetCostAndUsage grouped and filtered by TAG and
COST_CATEGORY (every MatchOption), GetTags, GetCostCategories,
ListCostAllocationTags, ListCostCategoryDefinitions, and AZ,
LEGAL_ENTITY_NAME, INVOICING_ENTITY, SAVINGS_PLANS_TYPE, PLATFORM, TENANCY,
DATABASE_ENGINE; with boto3 and the aws CLI, compared with sums this test
computes from the CUR file it writes (parsed here with the csv module).
The same bill as legacy CUR (a column per tag) and as CUR 2.0 (JSON maps)
gives the same answers; a customer sees its own accounts' tags only."""

import csv
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of
from test_ce import DAY, Portal, World, month_after

# (product, usage type, operation, region, os, tenancy, db engine, sp type)
SERVICES = [
    ("AmazonEC2", "BoxUsage:m5.large", "RunInstances", "us-east-1", "Linux", "Shared", "", ""),
    ("AmazonEC2", "BoxUsage:c5.large", "RunInstances:0002", "us-east-1", "Windows", "Dedicated", "",
     "ComputeSavingsPlans"),
    ("AmazonRDS", "InstanceUsage:db.r5.large", "CreateDBInstance", "eu-west-1", "", "",
     "PostgreSQL", ""),
    ("AmazonS3", "TimedStorage-ByteHrs", "PutObject", "eu-west-1", "", "", "", ""),
]
OWNERS = ["alice", "Bob", "bob", ""]           # "" untagged; Bob and bob differ in case
ENVS = ["prod", "staging", "prod-eu", ""]
TEAMS = ["Platform", "Data", ""]


def tags_of(i, k):
    """Account i's usage of service k: its tags and cost category."""
    tags = {}
    if OWNERS[(i + k) % 4]:
        tags["Owner"] = OWNERS[(i + k) % 4]
    if ENVS[(i * 2 + k) % 4]:
        tags["Environment"] = ENVS[(i * 2 + k) % 4]
    if k == 0:
        tags["aws:createdBy"] = "IAMUser:ci"
    if i == 0:
        tags["Project"] = "apollo"      # customer A's account a1 only
    team = TEAMS[(i + 2 * k) % 3]
    return tags, ({"Team": team} if team else {})


LEGACY = ["bill/PayerAccountId", "bill/BillingPeriodStartDate", "bill/InvoicingEntity",
          "lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate",
          "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
          "lineItem/AvailabilityZone", "lineItem/LegalEntity", "product/region",
          "product/operatingSystem", "product/tenancy", "product/databaseEngine",
          "pricing/term", "lineItem/CurrencyCode", "lineItem/UnblendedCost",
          "lineItem/UsageAmount", "savingsPlan/OfferingType", "resourceTags/user:Owner",
          "resourceTags/user:Environment", "resourceTags/aws:createdBy", "resourceTags/user:Project",
          "costCategory/Team"]
V2 = ["bill_payer_account_id", "bill_billing_period_start_date", "bill_invoicing_entity",
      "line_item_usage_account_id", "line_item_line_item_type", "line_item_usage_start_date",
      "line_item_product_code", "line_item_usage_type", "line_item_operation",
      "line_item_availability_zone", "line_item_legal_entity", "product_region_code",
      "product", "pricing_term", "line_item_currency_code", "line_item_unblended_cost",
      "line_item_usage_amount", "savings_plan_offering_type", "resource_tags", "cost_category"]


def write_bill(w, path, fmt):
    """The payer's bill of w.month, as legacy CUR or CUR 2.0."""
    accts = [w.a1.id, w.a2.id, w.b1.id, w.stray.id]
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(LEGACY if fmt == "legacy" else V2)
        for d in w.days:
            for i, acct in enumerate(accts):
                for k, (code, ut, op, region, os_, ten, eng, sp) in enumerate(SERVICES):
                    tags, cc = tags_of(i, k)
                    cost = "%d.%03d" % (1 + i + 2 * k, d.day)
                    az = region + "ab"[(i + k) % 2] if k != 3 else ""
                    legal = "AWS EMEA SARL" if region.startswith("eu") else "Amazon Web Services, Inc."
                    common = [w.msp.id, w.month.isoformat() + "T00:00:00Z", legal, acct, "Usage",
                              d.isoformat() + "T10:00:00Z", code, ut, op, az, legal, region]
                    if fmt == "legacy":
                        out.writerow(common + [os_, ten, eng, "OnDemand", "USD", cost, "1", sp,
                                               tags.get("Owner", ""), tags.get("Environment", ""),
                                               tags.get("aws:createdBy", ""), tags.get("Project", ""),
                                               cc.get("Team", "")])
                    else:
                        prod = {"operating_system": os_, "tenancy": ten, "database_engine": eng}
                        ctags = {("user:" + k2 if not k2.startswith("aws:") else k2): v
                                 for k2, v in tags.items()}
                        out.writerow(common + [json.dumps({k2: v for k2, v in prod.items() if v}),
                                               "OnDemand", "USD", cost, "1", sp,
                                               json.dumps(ctags), json.dumps(cc)])
    return path


def lines(path):
    """The bill's lines as dicts of CE-level fields, read back from the file."""
    out = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if "lineItem/UsageAccountId" in r:
                tags = {k[len("resourceTags/"):].replace("user:", "", 1): v
                        for k, v in r.items() if k.startswith("resourceTags/") and v}
                cc = {k[len("costCategory/"):]: v for k, v in r.items()
                      if k.startswith("costCategory/") and v}
                out.append({"account": r["lineItem/UsageAccountId"],
                            "cost": Decimal(r["lineItem/UnblendedCost"]),
                            "tags": tags, "cc": cc, "AZ": r["lineItem/AvailabilityZone"],
                            "PLATFORM": r["product/operatingSystem"],
                            "TENANCY": r["product/tenancy"],
                            "DATABASE_ENGINE": r["product/databaseEngine"],
                            "LEGAL_ENTITY_NAME": r["lineItem/LegalEntity"],
                            "INVOICING_ENTITY": r["bill/InvoicingEntity"],
                            "SAVINGS_PLANS_TYPE": r["savingsPlan/OfferingType"]})
    return out


NONE = {"AZ": "NoAZ", "PLATFORM": "NoPlatform", "TENANCY": "NoTenancy",
        "DATABASE_ENGINE": "NoDatabaseEngine", "SAVINGS_PLANS_TYPE": "NoSavingsPlansType"}
PLATFORM = {"Linux": "Linux/UNIX"}


def dim_value(line, dim):
    v = line[dim]
    if dim == "PLATFORM":
        v = PLATFORM.get(v, v)
    return v or NONE[dim]


def sums(ls, key, accounts=None):
    out = defaultdict(Decimal)
    for line in ls:
        if accounts is None or line["account"] in accounts:
            out[key(line)] += line["cost"]
    return dict(out)


def groups(r, n=1):
    got = defaultdict(Decimal)
    for month in r["ResultsByTime"]:
        for g in month["Groups"]:
            got[tuple(g["Keys"]) if n > 1 else g["Keys"][0]] += \
                Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
    return {k: v for k, v in got.items() if v}


@pytest.fixture
def world(srv, new_account, tmp_path):
    w = World(srv, new_account, str(tmp_path), days_on=70)
    w.month = month_after(w.joined)
    w.days = [w.month + i * DAY for i in range(5)]
    w.path = write_bill(w, str(tmp_path / "legacy.csv"), "legacy")
    w.ingest(w.path)
    w.ls = lines(w.path)
    w.period = {"Start": w.days[0].isoformat(), "End": (w.days[-1] + DAY).isoformat()}
    w.ce = client(srv, w.msp, service="ce")
    return w


def cau(w, c=None, **kw):
    return (c or w.ce).get_cost_and_usage(TimePeriod=w.period, Granularity="MONTHLY",
                                          Metrics=["UnblendedCost"], **kw)


# AWS: GetCostAndUsage
def test_group_by_tag_with_the_aws_cli(world):
    """GroupBy TAG Owner: "Owner$alice", and "Owner$" for untagged lines,
    each the sum of the file's lines with that tag."""
    w = world
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage", "--time-period",
                       "Start=%s,End=%s" % (w.period["Start"], w.period["End"]),
                       "--granularity", "MONTHLY", "--metrics", "UnblendedCost",
                       "--group-by", "Type=TAG,Key=Owner")
    assert rc == 0, err
    r = out
    assert r["GroupDefinitions"] == [{"Type": "TAG", "Key": "Owner"}]
    want = sums(w.ls, lambda l: "Owner$" + l["tags"].get("Owner", ""))
    assert {"Owner$alice", "Owner$Bob", "Owner$bob", "Owner$"} <= set(want)
    assert groups(r) == want
    # An AWS-generated tag by its own key.
    r = cau(w, GroupBy=[{"Type": "TAG", "Key": "aws:createdBy"}])
    assert groups(r) == sums(w.ls, lambda l: "aws:createdBy$" + l["tags"].get("aws:createdBy", ""))


# AWS: GetCostAndUsage
def test_group_by_tag_and_cost_category(world):
    w = world
    r = cau(w, GroupBy=[{"Type": "TAG", "Key": "Environment"},
                        {"Type": "COST_CATEGORY", "Key": "Team"}])
    assert r["GroupDefinitions"] == [{"Type": "TAG", "Key": "Environment"},
                                     {"Type": "COST_CATEGORY", "Key": "Team"}]
    assert groups(r, 2) == sums(w.ls, lambda l: ("Environment$" + l["tags"].get("Environment", ""),
                                                 "Team$" + l["cc"].get("Team", "")))
    # A key no line has: everything under "Nope$".
    r = cau(w, GroupBy=[{"Type": "TAG", "Key": "Nope"}])
    assert groups(r) == {"Nope$": sum(l["cost"] for l in w.ls)}


def tag_filter(w, key, values, opts, kind="Tags"):
    f = {kind: {"Key": key, "Values": values}}
    if opts:
        f[kind]["MatchOptions"] = opts
    r = cau(w, Filter=f)
    return Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"])


# AWS: GetCostAndUsage ValidationException
def test_tag_and_cost_category_filters_with_every_match_option(world):
    w = world

    def want(pred, field="tags", key="Owner"):
        return sum(l["cost"] for l in w.ls if pred(l[field].get(key)))

    assert tag_filter(w, "Owner", ["alice"], None) == want(lambda v: v == "alice")
    assert tag_filter(w, "Owner", ["bob"], ["EQUALS", "CASE_SENSITIVE"]) == want(lambda v: v == "bob")
    assert tag_filter(w, "Owner", ["bob"], ["EQUALS", "CASE_INSENSITIVE"]) == \
        want(lambda v: v in ("bob", "Bob"))
    assert tag_filter(w, "Owner", [], ["ABSENT"]) == want(lambda v: v is None)
    assert tag_filter(w, "Environment", ["prod"], ["STARTS_WITH"]) == \
        want(lambda v: v is not None and v.startswith("prod"), key="Environment")
    assert tag_filter(w, "Environment", ["-eu"], ["ENDS_WITH"]) == \
        want(lambda v: v is not None and v.endswith("-eu"), key="Environment")
    assert tag_filter(w, "Environment", ["AGI"], ["CONTAINS", "CASE_INSENSITIVE"]) == \
        want(lambda v: v is not None and "agi" in v.lower(), key="Environment")
    assert tag_filter(w, "Team", ["Data"], None, kind="CostCategories") == \
        want(lambda v: v == "Data", field="cc", key="Team")
    assert tag_filter(w, "Team", [], ["ABSENT"], kind="CostCategories") == \
        want(lambda v: v is None, field="cc", key="Team")
    # Combined with a dimension: Not untagged And EC2.
    r = cau(w, Filter={"And": [{"Not": {"Tags": {"Key": "Owner", "MatchOptions": ["ABSENT"]}}},
                               {"Dimensions": {"Key": "AZ", "Values": ["us-east-1a"]}}]})
    assert Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == \
        sum(l["cost"] for l in w.ls if "Owner" in l["tags"] and l["AZ"] == "us-east-1a")
    for bad in ({"Tags": {"Key": "Owner", "Values": ["a"], "MatchOptions": ["GREATER_THAN_OR_EQUAL"]}},
                {"Tags": {"Key": "Owner"}},
                {"Tags": {"Key": "Owner", "Values": ["a"], "MatchOptions": ["STARTS_WITH", "CONTAINS"]}},
                {"CostCategories": {"Values": ["a"]}}):
        with pytest.raises(ClientError) as exc:
            cau(w, Filter=bad)
        assert error_of(exc)[0] == "ValidationException", bad
    with pytest.raises(ClientError) as exc:
        cau(w, GroupBy=[{"Type": "TAG"}])
    assert error_of(exc)[0] == "ValidationException"


# AWS: GetTags InvalidNextTokenException
def test_get_tags_keys_values_search_and_pages(world):
    w = world
    r = w.ce.get_tags(TimePeriod=w.period)
    assert r["Tags"] == sorted({k for l in w.ls for k in l["tags"]}) == \
        ["Environment", "Owner", "Project", "aws:createdBy"]
    assert r["ReturnSize"] == r["TotalSize"] == 4
    owners = sorted({l["tags"]["Owner"] for l in w.ls if "Owner" in l["tags"]})
    r = w.ce.get_tags(TimePeriod=w.period, TagKey="Owner")
    assert r["Tags"] == owners
    r = w.ce.get_tags(TimePeriod=w.period, TagKey="Owner", SearchString="BO")
    assert r["Tags"] == ["Bob", "bob"]
    # A filter narrows the lines whose tags are listed.
    r = w.ce.get_tags(TimePeriod=w.period, TagKey="Owner",
                      Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [w.a1.id]}})
    assert r["Tags"] == sorted({l["tags"]["Owner"] for l in w.ls
                                if l["account"] == w.a1.id and "Owner" in l["tags"]})
    # Pages of one, the token good for its own request only.
    got, tok = [], None
    while True:
        kw = {"NextPageToken": tok} if tok else {}
        r = w.ce.get_tags(TimePeriod=w.period, TagKey="Owner", MaxResults=1, **kw)
        got += r["Tags"]
        assert r["TotalSize"] == len(owners)
        tok = r.get("NextPageToken")
        if not tok:
            break
    assert got == owners
    with pytest.raises(ClientError) as exc:
        w.ce.get_tags(TimePeriod=w.period, TagKey="Environment", NextPageToken="bm9wZQ")
    assert error_of(exc)[0] == "InvalidNextTokenException"
    # The aws CLI too.
    rc, out, err = aws(w.srv, w.msp, "ce", "get-tags", "--time-period",
                       "Start=%s,End=%s" % (w.period["Start"], w.period["End"]),
                       "--tag-key", "Environment")
    assert rc == 0, err
    assert out["Tags"] == sorted({l["tags"]["Environment"] for l in w.ls
                                              if "Environment" in l["tags"]})


def by_cost(totals, desc=True):
    """Keys by their sum (largest first with desc), ties by name."""
    return sorted(totals, key=lambda k: ((-totals[k] if desc else totals[k]), k))


# AWS: GetTags GetCostCategories GetDimensionValues ValidationException
def test_sort_by_cost_and_its_rules(world):
    """SortBy orders the values by a metric's sum over the lines (computed
    here from the file); MaxResults is then how many, with no token; with
    SearchString or NextPageToken it is AWS's ValidationException."""
    w = world
    srt = [{"Key": "UnblendedCost", "SortOrder": "DESCENDING"}]
    envs = sums([l for l in w.ls if "Environment" in l["tags"]],
                lambda l: l["tags"]["Environment"])
    r = w.ce.get_tags(TimePeriod=w.period, TagKey="Environment", SortBy=srt)
    assert r["Tags"] == by_cost(envs) != sorted(envs)
    assert "NextPageToken" not in r
    r = w.ce.get_tags(TimePeriod=w.period, TagKey="Environment", SortBy=srt, MaxResults=2)
    assert r["Tags"] == by_cost(envs)[:2]
    assert (r["ReturnSize"], r["TotalSize"]) == (2, len(envs)) and "NextPageToken" not in r
    # The keys by the cost of the lines that carry each.
    keys = defaultdict(Decimal)
    for l in w.ls:
        for k in l["tags"]:
            keys[k] += l["cost"]
    r = w.ce.get_tags(TimePeriod=w.period, SortBy=[{"Key": "UnblendedCost",
                                                    "SortOrder": "ASCENDING"}])
    assert r["Tags"] == by_cost(keys, desc=False)
    teams = sums([l for l in w.ls if l["cc"]], lambda l: l["cc"]["Team"])
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-categories", "--time-period",
                       "Start=%s,End=%s" % (w.period["Start"], w.period["End"]),
                       "--cost-category-name", "Team", "--sort-by",
                       "Key=UnblendedCost,SortOrder=DESCENDING")
    assert rc == 0, err
    assert out["CostCategoryValues"] == by_cost(teams)
    # GetDimensionValues: by cost, and its Filter narrows the lines.
    accts = sums(w.ls, lambda l: l["account"])
    # Both orders: the ids are random, and one of the two differs from
    # the ids' own order (either may equal it by chance).
    r = w.ce.get_dimension_values(TimePeriod=w.period, Dimension="LINKED_ACCOUNT", SortBy=srt)
    assert [v["Value"] for v in r["DimensionValues"]] == by_cost(accts)
    r = w.ce.get_dimension_values(TimePeriod=w.period, Dimension="LINKED_ACCOUNT", SortBy=[
        {"Key": "UnblendedCost", "SortOrder": "ASCENDING"}])
    assert [v["Value"] for v in r["DimensionValues"]] == by_cost(accts, desc=False)
    r = w.ce.get_dimension_values(TimePeriod=w.period, Dimension="AZ", Filter={
        "Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [w.a1.id]}})
    assert [v["Value"] for v in r["DimensionValues"]] == \
        sorted({dim_value(l, "AZ") for l in w.ls if l["account"] == w.a1.id})
    # A customer: its own lines' values by its own costs.
    ca = client(w.srv, w.a1, service="ce")
    mine = {w.a1.id, w.a2.id}
    r = ca.get_tags(TimePeriod=w.period, TagKey="Environment", SortBy=srt)
    assert r["Tags"] == by_cost(sums([l for l in w.ls if "Environment" in l["tags"]],
                                     lambda l: l["tags"]["Environment"], mine))
    tok = w.ce.get_tags(TimePeriod=w.period, TagKey="Owner", MaxResults=1)["NextPageToken"]
    for bad in ({"SearchString": "b"}, {"NextPageToken": tok}, {"MaxResults": 1001},
                {"SortBy": [{"Key": "NetAmortizedCost"}]}, {"SortBy": [{"Key": "Hours"}]},
                {"SortBy": srt * 2}):
        kw = dict({"SortBy": srt}, **bad)
        with pytest.raises(ClientError) as exc:
            w.ce.get_tags(TimePeriod=w.period, TagKey="Owner", **kw)
        assert error_of(exc)[0] == "ValidationException", bad


# AWS: GetCostCategories
def test_get_cost_categories(world):
    w = world
    r = w.ce.get_cost_categories(TimePeriod=w.period)
    assert r["CostCategoryNames"] == ["Team"] and r["TotalSize"] == 1
    r = w.ce.get_cost_categories(TimePeriod=w.period, CostCategoryName="Team")
    assert r["CostCategoryValues"] == sorted({l["cc"]["Team"] for l in w.ls if l["cc"]})
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-categories", "--time-period",
                       "Start=%s,End=%s" % (w.period["Start"], w.period["End"]),
                       "--cost-category-name", "Team", "--search-string", "dat")
    assert rc == 0, err
    assert out["CostCategoryValues"] == ["Data"]


# AWS: ListCostAllocationTags
def test_list_cost_allocation_tags(world):
    w = world
    r = w.ce.list_cost_allocation_tags()
    assert [(t["TagKey"], t["Type"], t["Status"]) for t in r["CostAllocationTags"]] == [
        ("Environment", "UserDefined", "Active"), ("Owner", "UserDefined", "Active"),
        ("Project", "UserDefined", "Active"), ("aws:createdBy", "AWSGenerated", "Active")]
    r = w.ce.list_cost_allocation_tags(Type="AWSGenerated")
    assert [t["TagKey"] for t in r["CostAllocationTags"]] == ["aws:createdBy"]
    assert w.ce.list_cost_allocation_tags(Status="Inactive")["CostAllocationTags"] == []
    r = w.ce.list_cost_allocation_tags(TagKeys=["Owner", "Nope"])
    assert [t["TagKey"] for t in r["CostAllocationTags"]] == ["Owner"]
    got, tok = [], None
    while True:
        r = w.ce.list_cost_allocation_tags(MaxResults=2, **({"NextToken": tok} if tok else {}))
        got += [t["TagKey"] for t in r["CostAllocationTags"]]
        tok = r.get("NextToken")
        if not tok:
            break
    assert got == ["Environment", "Owner", "Project", "aws:createdBy"]
    with pytest.raises(ClientError) as exc:
        w.ce.list_cost_allocation_tags(Type="Nope")
    assert error_of(exc)[0] == "ValidationException"
    rc, out, err = aws(w.srv, w.msp, "ce", "list-cost-allocation-tags", "--status", "Active")
    assert rc == 0, err
    assert len(out["CostAllocationTags"]) == 4


# AWS: ListCostCategoryDefinitions
def test_list_cost_category_definitions(world):
    w = world
    r = w.ce.list_cost_category_definitions()
    refs = r["CostCategoryReferences"]
    assert [x["Name"] for x in refs] == ["Team"]
    assert refs[0]["Values"] == sorted({l["cc"]["Team"] for l in w.ls if l["cc"]})
    assert refs[0]["NumberOfRules"] == len(refs[0]["Values"])
    assert refs[0]["CostCategoryArn"].startswith("arn:aws:ce::%s:costcategory/" % w.msp.id)
    assert refs[0]["EffectiveStart"] == w.month.isoformat() + "T00:00:00Z"
    assert refs[0]["ProcessingStatus"] == [{"Component": "COST_EXPLORER", "Status": "APPLIED"}]
    before = (w.month - DAY).isoformat() + "T00:00:00Z"
    assert w.ce.list_cost_category_definitions(EffectiveOn=before)["CostCategoryReferences"] == []
    rc, out, err = aws(w.srv, w.msp, "ce", "list-cost-category-definitions")
    assert rc == 0, err
    assert out["CostCategoryReferences"][0]["Name"] == "Team"


DIMS = ["AZ", "LEGAL_ENTITY_NAME", "INVOICING_ENTITY", "SAVINGS_PLANS_TYPE", "PLATFORM",
        "TENANCY", "DATABASE_ENGINE"]


# AWS: GetDimensionValues
def test_the_other_dimensions(world):
    """Each dimension from the CUR's columns: its values, and the costs
    grouped by it, as the file says."""
    w = world
    for dim in DIMS:
        want = sums(w.ls, lambda l: dim_value(l, dim))
        r = cau(w, GroupBy=[{"Type": "DIMENSION", "Key": dim}])
        assert groups(r) == want, dim
        r = w.ce.get_dimension_values(TimePeriod=w.period, Dimension=dim)
        assert [v["Value"] for v in r["DimensionValues"]] == sorted(want), dim
    assert {"Linux/UNIX", "Windows", "NoPlatform"} == set(sums(w.ls, lambda l: dim_value(l, "PLATFORM")))
    rc, out, err = aws(w.srv, w.msp, "ce", "get-dimension-values", "--time-period",
                       "Start=%s,End=%s" % (w.period["Start"], w.period["End"]),
                       "--dimension", "DATABASE_ENGINE")
    assert rc == 0, err
    assert [v["Value"] for v in out["DimensionValues"]] == ["NoDatabaseEngine", "PostgreSQL"]
    r = cau(w, Filter={"Dimensions": {"Key": "LEGAL_ENTITY_NAME", "Values": ["AWS EMEA SARL"]}})
    assert Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == \
        sum(l["cost"] for l in w.ls if l["LEGAL_ENTITY_NAME"] == "AWS EMEA SARL")


# AWS: GetTags
def test_customer_sees_its_own_tags_only(world):
    """Customer B's key: the tags of B's account only; grouping by tag
    sums B's lines (at B's prices: no pricing rule, so AWS's figures)."""
    w = world
    cb = client(w.srv, w.b1, service="ce")
    mine = [l for l in w.ls if l["account"] == w.b1.id]
    r = cb.get_tags(TimePeriod=w.period, TagKey="Owner")
    assert r["Tags"] == sorted({l["tags"]["Owner"] for l in mine if "Owner" in l["tags"]})
    # Project is on customer A's account only: B sees neither key nor value.
    r = cb.get_tags(TimePeriod=w.period)
    assert r["Tags"] == sorted({k for l in mine for k in l["tags"]}) and "Project" not in r["Tags"]
    assert cb.get_tags(TimePeriod=w.period, TagKey="Project")["Tags"] == []
    ca = client(w.srv, w.a2, service="ce")
    assert ca.get_tags(TimePeriod=w.period, TagKey="Project")["Tags"] == ["apollo"]
    r = cau(w, cb, GroupBy=[{"Type": "TAG", "Key": "Owner"}])
    assert groups(r) == sums(mine, lambda l: "Owner$" + l["tags"].get("Owner", ""))
    r = cb.list_cost_allocation_tags()
    assert {t["TagKey"] for t in r["CostAllocationTags"]} == {k for l in mine for k in l["tags"]}


# AWS: GetCostAndUsage
def test_cur2_json_maps_give_the_same_answers(world, tmp_path):
    """The same bill as CUR 2.0 (resource_tags, cost_category and product
    as JSON objects) replaces the legacy delivery: the same answers."""
    w = world
    queries = [dict(GroupBy=[{"Type": "TAG", "Key": "Owner"}, {"Type": "COST_CATEGORY", "Key": "Team"}]),
               dict(GroupBy=[{"Type": "DIMENSION", "Key": "PLATFORM"},
                             {"Type": "DIMENSION", "Key": "DATABASE_ENGINE"}]),
               dict(GroupBy=[{"Type": "DIMENSION", "Key": "AZ"}, {"Type": "TAG", "Key": "aws:createdBy"}])]
    before = [groups(cau(w, **q), 2) for q in queries]
    tags_before = w.ce.get_tags(TimePeriod=w.period)["Tags"]
    rep = w.ingest(write_bill(w, str(tmp_path / "cur2.csv"), "cur2"))
    assert rep["format"] == "CUR 2.0" and rep["unknown_columns"] == [], rep
    assert [groups(cau(w, **q), 2) for q in queries] == before
    assert w.ce.get_tags(TimePeriod=w.period)["Tags"] == tags_before


def test_portal_groups_and_filters_by_tag_and_cost_category(world):
    """The portal's cost analysis: group by TAG:Owner or COST_CATEGORY:Team
    (offered in the group menu), filter by tag=Key=Value (Key= for the
    untagged lines); a customer user only over its customer's lines."""
    w = world
    w.srv.cli("user", "create", "--customer", w.ca, "--email", "tags@a.example",
              "--password", "tags-password", "--json")
    p = Portal(w.srv, "tags@a.example", "tags-password")
    mine = [l for l in w.ls if l["account"] in (w.a1.id, w.a2.id)]
    base = "from=%s&to=%s&granularity=MONTHLY" % (w.days[0].isoformat(), w.days[-1].isoformat())

    def csv_sums(q):
        st, text = p.get("/portal/costs.csv?" + base + "&" + q)
        assert st == 200, text
        got = defaultdict(Decimal)
        for row in list(csv.reader(text.strip().split("\r\n")))[1:]:
            got[row[1]] += Decimal(row[2])
        return dict(got)

    assert csv_sums("group=TAG:Owner") == sums(mine, lambda l: "Owner$" + l["tags"].get("Owner", ""))
    assert csv_sums("group=COST_CATEGORY:Team&tag=Owner%3Dalice") == sums(
        [l for l in mine if l["tags"].get("Owner") == "alice"], lambda l: "Team$" + l["cc"].get("Team", ""))
    assert csv_sums("group=NONE&tag=Owner%3D") == {
        "Total": sum(l["cost"] for l in mine if "Owner" not in l["tags"])}
    st, page = p.get("/portal/costs?" + base + "&group=TAG:Project")
    assert st == 200
    assert 'value="TAG:Project" selected' in page and 'value="COST_CATEGORY:Team"' in page
    assert "apollo" in page and "No Project" in page
    st, page = p.get("/portal/costs?" + base + "&tag=nonsense")
    assert st == 400
