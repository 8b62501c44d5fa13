# SPDX-License-Identifier: MIT
"""Resource-level data as Cost Explorer keeps it (docs/billing.md "Hourly and
resource-level data"). AWS's GetCostAndUsageWithResources reference: "Hourly
granularity is only available for EC2-Instances (Elastic Compute Cloud)
resource-level data. All other resource-level data is available at daily
granularity", both for the last 14 days; GetCostAndUsage HOURLY covers every
service without resources. The CUR written here has EC2 instances (BoxUsage:
"Amazon Elastic Compute Cloud - Compute"), EBS volumes (AmazonEC2 but "EC2 -
Other") and S3 buckets, each billed at three hours of each day; every sum is
computed here from the lines written. Runs on SQLite and, with
PAYERLINK_TEST_PG, PostgreSQL."""

import os
from collections import defaultdict
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of, sql
from test_attack import svc_call
from test_ce import DAY
from test_ce_hourly import EC2, HDR, HOURS, World, hour_period, hourly_on

S3 = "Amazon Simple Storage Service"
OTHER = "EC2 - Other"
OLD = ("Start date is more than 14 days ago for hourly granularity. Please adjust start "
       "date as we support only 14 days of data at hourly granularity.")


class Resources(World):
    """World's MSP, customers and month; its CUR: per account, day and hour of
    HOURS two instances, one gp3 volume and one bucket."""

    def write(self, name="res.csv", bump=0):
        rows = []
        for d in self.days:
            for i, acct in enumerate((self.a1.id, self.b1.id)):
                for h in HOURS:
                    for r in range(2):
                        rows.append((acct, d, h, "AmazonEC2", "BoxUsage:m5.large", "RunInstances",
                                     Decimal("%d.%02d%d" % (1 + i + r + bump, d.day, h % 10)),
                                     "i-%s%d" % (acct[-6:], r), EC2))
                    rows.append((acct, d, h, "AmazonEC2", "EBS:VolumeUsage.gp3", "CreateVolume-Gp3",
                                 Decimal("0.0%d%d" % (i + 1, h % 10)), "vol-%s" % acct[-6:], OTHER))
                    rows.append((acct, d, h, "AmazonS3", "TimedStorage-ByteHrs", "StandardStorage",
                                 Decimal("0.%02d%d" % (d.day, i + 1)), "bucket-%s" % acct[-6:], S3))
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(HDR)
            for acct, d, h, svc, ut, op, c, res, _ in rows:
                f.write("%s,%sT00:00:00Z,%s,Usage,%sT%02d:00:00Z,%s,%s,%s,us-east-1,OnDemand,"
                        "USD,%s,1,%s\n" % (self.msp.id, self.month.isoformat(), acct,
                                           d.isoformat(), h, svc, ut, op, c, res))
        self.lines = rows
        return path

    def sums(self, since, keep, key):
        """Sums of the lines from `since` on that `keep` keeps, per `key`."""
        out = defaultdict(Decimal)
        for line in self.lines:
            if line[1] >= since and keep(line):
                out[key(line)] += line[6]
        return dict(out)


def iso_hour(line):
    return "%sT%02d:00:00Z" % (line[1].isoformat(), line[2])


def groups(pages):
    """{(period start, group keys...): UnblendedCost} of every non-zero group."""
    out = defaultdict(Decimal)
    for p in pages:
        for t in p["ResultsByTime"]:
            for g in t["Groups"]:
                v = Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
                if v:
                    out[(t["TimePeriod"]["Start"],) + tuple(g["Keys"])] += v
    return dict(out)


def all_pages(call, **kw):
    pages, token = [], None
    while True:
        r = call(**(dict(kw, NextPageToken=token) if token else kw))
        pages.append(r)
        token = r.get("NextPageToken")
        if not token:
            return pages


@pytest.fixture
def w(srv, new_account, tmp_path):
    w = Resources(srv, new_account, str(tmp_path))
    hourly_on(w)
    w.ingest(w.write())
    w.since = w.today - 14 * DAY
    return w


# AWS: GetCostAndUsageWithResources
def test_store_keeps_instances_by_hour_others_by_day(w):
    """The rolling store itself: an instance's rows are hours, a bucket's or
    a volume's are days (hour 24), and the other services' hourly rows carry
    no resource."""
    hours = lambda res: sorted({r[0] for r in sql(
        w.srv.db, "SELECT hour FROM billing_hourly WHERE resource_id = ?", (res,))})
    a = w.a1.id[-6:]
    assert hours("i-%s0" % a) == list(HOURS)
    assert hours("bucket-%s" % a) == [24]
    assert hours("vol-%s" % a) == [24]
    n = sql(w.srv.db, "SELECT count(*) FROM billing_hourly WHERE hour < 24 AND "
            "resource_id <> '' AND usage_type <> 'BoxUsage:m5.large'")[0][0]
    assert n == 0
    # 14 days in the window (the 6th to the 19th), 2 accounts: instances 2 x 3
    # hours, the volume and the bucket 3 hours without resource + 1 day each.
    assert sql(w.srv.db, "SELECT count(*) FROM billing_hourly")[0][0] == 14 * 2 * (6 + 2 * 4)


# AWS: GetCostAndUsageWithResources GetCostAndUsage GetDimensionValues
def test_instances_hourly_others_daily_boto3(w):
    c = client(w.srv, w.msp, service="ce")
    everything = {"Dimensions": {"Key": "SERVICE", "Values": [EC2, S3, OTHER]}}
    by_res = [{"Type": "DIMENSION", "Key": "RESOURCE_ID"}]
    # HOURLY: EC2 instances' resources only, hour by hour.
    got = groups(all_pages(c.get_cost_and_usage_with_resources,
                           TimePeriod=hour_period(w.since, w.today), Granularity="HOURLY",
                           Metrics=["UnblendedCost"], Filter=everything, GroupBy=by_res))
    want = w.sums(w.since, lambda l: l[8] == EC2, lambda l: (iso_hour(l), l[7]))
    assert got == want
    # HOURLY of S3 alone: AWS keeps no hourly resource data for it.
    r = c.get_cost_and_usage_with_resources(
        TimePeriod=hour_period(w.since, w.today), Granularity="HOURLY",
        Metrics=["UnblendedCost"], Filter={"Dimensions": {"Key": "SERVICE", "Values": [S3]}},
        GroupBy=by_res)
    assert groups([r]) == {}
    assert all(Decimal(t["Total"].get("UnblendedCost", {"Amount": "0"})["Amount"]) == 0
               for t in r["ResultsByTime"])
    # DAILY: every service's resources, day by day, as the lines sum.
    got = groups(all_pages(c.get_cost_and_usage_with_resources,
                           TimePeriod={"Start": w.since.isoformat(), "End": w.today.isoformat()},
                           Granularity="DAILY", Metrics=["UnblendedCost"], Filter=everything,
                           GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}] + by_res))
    want = w.sums(w.since, lambda l: True, lambda l: (l[1].isoformat(), l[8], l[7]))
    assert got == want
    # MONTHLY of one bucket: its 14 days.
    bucket = "bucket-%s" % w.b1.id[-6:]
    r = c.get_cost_and_usage_with_resources(
        TimePeriod={"Start": w.since.isoformat(), "End": w.today.isoformat()},
        Granularity="MONTHLY", Metrics=["UnblendedCost"],
        Filter={"Dimensions": {"Key": "RESOURCE_ID", "Values": [bucket]}})
    assert Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == sum(
        w.sums(w.since, lambda l: l[7] == bucket, lambda l: 0).values())
    # GetCostAndUsage HOURLY: every service, hour by hour, no resources.
    got = groups(all_pages(c.get_cost_and_usage, TimePeriod=hour_period(w.since, w.today),
                           Granularity="HOURLY", Metrics=["UnblendedCost"],
                           GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}]))
    assert got == w.sums(w.since, lambda l: True, lambda l: (iso_hour(l), l[8]))
    # GetDimensionValues RESOURCE_ID: instances, volumes and buckets.
    r = c.get_dimension_values(TimePeriod={"Start": w.since.isoformat(),
                                           "End": w.today.isoformat()}, Dimension="RESOURCE_ID")
    assert [v["Value"] for v in r["DimensionValues"]] == sorted({l[7] for l in w.lines})


# AWS: GetCostAndUsageWithResources
def test_resources_with_the_aws_cli(w):
    period = "Start=%s,End=%s" % (w.since.isoformat(), w.today.isoformat())
    s3 = '{"Dimensions": {"Key": "SERVICE", "Values": ["%s"]}}' % S3
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage-with-resources",
                       "--time-period", period, "--granularity", "DAILY",
                       "--metrics", "UnblendedCost", "--filter", s3,
                       "--group-by", "Type=DIMENSION,Key=RESOURCE_ID")
    assert rc == 0, err
    assert groups([out]) == w.sums(w.since, lambda l: l[8] == S3,
                                   lambda l: (l[1].isoformat(), l[7]))
    assert len(out["ResultsByTime"]) == 14
    # HOURLY: the S3 filter finds nothing; the EC2 filter the instances' hours.
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage-with-resources",
                       "--time-period", "Start=%sT00:00:00Z,End=%sT00:00:00Z" % (
                           w.since.isoformat(), w.today.isoformat()),
                       "--granularity", "HOURLY", "--metrics", "UnblendedCost", "--filter", s3,
                       "--group-by", "Type=DIMENSION,Key=RESOURCE_ID")
    assert rc == 0, err
    assert groups([out]) == {}
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage-with-resources",
                       "--time-period", "Start=%sT00:00:00Z,End=%sT00:00:00Z" % (
                           (w.today - 2 * DAY).isoformat(), w.today.isoformat()),
                       "--granularity", "HOURLY", "--metrics", "UnblendedCost",
                       "--filter", '{"Dimensions": {"Key": "SERVICE", "Values": ["%s"]}}' % EC2,
                       "--group-by", "Type=DIMENSION,Key=RESOURCE_ID")
    assert rc == 0, err
    assert groups([out]) == w.sums(w.today - 2 * DAY, lambda l: l[8] == EC2,
                                   lambda l: (iso_hour(l), l[7]))
    assert len(out["ResultsByTime"]) == 48


# AWS: GetCostAndUsageWithResources ValidationException
def test_14_days_for_every_granularity(w):
    """AWS: "The range must be within the last 14 days (the start date cannot
    be earlier than 14 days ago)", for daily resource data too, with the
    words AWS answers."""
    c = client(w.srv, w.msp, service="ce")
    old = w.since - DAY
    s3 = {"Dimensions": {"Key": "SERVICE", "Values": [S3]}}
    for gran, period in (("DAILY", {"Start": old.isoformat(), "End": w.today.isoformat()}),
                         ("MONTHLY", {"Start": old.isoformat(), "End": w.today.isoformat()}),
                         ("HOURLY", hour_period(old, w.today))):
        with pytest.raises(ClientError) as ei:
            c.get_cost_and_usage_with_resources(TimePeriod=period, Granularity=gran,
                                                Metrics=["UnblendedCost"], Filter=s3)
        assert error_of(ei)[0] == "ValidationException"
        assert ei.value.response["Error"]["Message"] == OLD, gran
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage-with-resources",
                       "--time-period", "Start=%s,End=%s" % (old.isoformat(),
                                                             w.today.isoformat()),
                       "--granularity", "DAILY", "--metrics", "UnblendedCost",
                       "--filter", '{"Dimensions": {"Key": "SERVICE", "Values": ["%s"]}}' % S3)
    assert rc != 0 and "ValidationException" in err and "14 days ago" in err
    # The resources' call needs its Filter (a required member of AWS's
    # model): the CLI checks before sending, the server too.
    period = {"Start": w.since.isoformat(), "End": w.today.isoformat()}
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage-with-resources",
                       "--time-period", "Start=%(Start)s,End=%(End)s" % period,
                       "--granularity", "DAILY", "--metrics", "UnblendedCost")
    assert rc != 0 and "filter" in err.lower()
    st, _, b = svc_call(w.srv, w.msp, "CE", "GetCostAndUsageWithResources",
                        {"TimePeriod": period, "Granularity": "DAILY",
                         "Metrics": ["UnblendedCost"]})
    assert st == 400 and b["__type"] == "ValidationException", b
    assert "Filter" in b["Message"]
    # Days before the window were never kept.
    assert sql(w.srv.db, "SELECT count(*) FROM billing_hourly WHERE day < ?",
               (w.since.isoformat(),))[0][0] == 0


# AWS: GetCostAndUsageWithResources
def test_customer_sees_its_own_resources_at_its_prices(w):
    since = w.since
    for acct, markup in ((w.a1, Decimal(10)), (w.b1, Decimal(0))):
        c = client(w.srv, acct, service="ce")
        got = groups(all_pages(
            c.get_cost_and_usage_with_resources,
            TimePeriod={"Start": since.isoformat(), "End": w.today.isoformat()},
            Granularity="DAILY", Metrics=["UnblendedCost"],
            Filter={"Dimensions": {"Key": "SERVICE", "Values": [S3, EC2]}},
            GroupBy=[{"Type": "DIMENSION", "Key": "RESOURCE_ID"}]))
        want = w.sums(since, lambda l: l[0] == acct.id and l[8] in (S3, EC2),
                      lambda l: (l[1].isoformat(), l[7]))
        # Priced per row: the markup rounds each day's row to the cent's
        # billionth, so compare each group within a billionth per line.
        assert set(got) == set(want)
        for k, v in want.items():
            assert abs(got[k] - v * (100 + markup) / 100) <= Decimal("0.00000001"), k
