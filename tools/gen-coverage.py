#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generates docs/coverage.md from src/aws/ops.def, src/core/errors.def, the
newest botocore model of AWS Organizations, and the `# AWS:` markers in
tests/api/*.py. `tools/gen-coverage.py --check` fails when the committed
file is stale.

The model is read from tools/model/organizations.json, an extract (each
operation and its errors, the botocore version) of the newest model found,
so that the file is the same on every machine: Debian's python3-botocore
(1.29) has 55 operations, AWS 63. `tools/gen-coverage.py --refresh-model`
writes the extract again from the botocore of $PAYERLINK_NEWEST_PYTHON or of
the `python3` on PATH (the machine image's), when it is newer.

The documented disagreements with moto's suite come from
tests/moto/disagreements.txt."""

import glob
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTRACT = os.path.join(ROOT, "tools", "model", "organizations.json")
DEBIAN = "/usr/lib/python3/dist-packages/botocore/data/organizations/2016-11-28/service-2.json"

_DUMP = r"""
import json, botocore, botocore.session
m = botocore.session.get_session().get_service_model("organizations")
print(json.dumps({"botocore": botocore.__version__,
                  "api_version": m.api_version,
                  "operations": {o: sorted(e.name for e in
                                           m.operation_model(o).error_shapes)
                                 for o in sorted(m.operation_names)}},
                 indent=1, sort_keys=True))
"""


def refresh_model():
    """Writes the extract from the newest botocore on this machine."""
    best = None
    for py in (os.environ.get("PAYERLINK_NEWEST_PYTHON"), shutil.which("python3"),
               "/usr/bin/python3"):
        if not py:
            continue
        p = subprocess.run([py, "-c", _DUMP], capture_output=True, text=True)
        if p.returncode != 0:
            continue
        m = json.loads(p.stdout)
        if best is None or len(m["operations"]) > len(best["operations"]):
            best = m
    if best is None:
        print("no botocore found")
        return 1
    os.makedirs(os.path.dirname(EXTRACT), exist_ok=True)
    with open(EXTRACT, "w") as f:
        f.write(json.dumps(best, indent=1, sort_keys=True) + "\n")
    print("tools/model/organizations.json: botocore %s, %d operations"
          % (best["botocore"], len(best["operations"])))
    return 0


def load_model():
    if os.path.exists(EXTRACT):
        return json.load(open(EXTRACT))
    if os.path.exists(DEBIAN):
        m = json.load(open(DEBIAN))
        return {"botocore": "Debian's", "operations": m["operations"]}
    return {"botocore": "none", "operations": {}}


# Cost Explorer's 47 operations in the newest model payerlink was checked
# against (botocore 1.43.11, ce/2017-10-25; Debian's python3-botocore has
# 37). tests/api/test_ce_coverage.py compares this list with the newest
# boto3 found on PATH. An operation payerlink does not implement answers
# UnknownOperationException (HTTP 400), as AWS answers an operation it does
# not know; the reason it is left out is beside it.
CE_MODEL = [
    "CreateAnomalyMonitor", "CreateAnomalySubscription", "CreateCostCategoryDefinition",
    "DeleteAnomalyMonitor", "DeleteAnomalySubscription", "DeleteCostCategoryDefinition",
    "DescribeCostCategoryDefinition", "GetAnomalies", "GetAnomalyMonitors",
    "GetAnomalySubscriptions", "GetApproximateUsageRecords", "GetCommitmentPurchaseAnalysis",
    "GetCostAndUsage", "GetCostAndUsageComparisons", "GetCostAndUsageWithResources",
    "GetCostCategories", "GetCostComparisonDrivers", "GetCostForecast", "GetDimensionValues",
    "GetReservationCoverage", "GetReservationPurchaseRecommendation",
    "GetReservationUtilization", "GetRightsizingRecommendation",
    "GetSavingsPlanPurchaseRecommendationDetails", "GetSavingsPlansCoverage",
    "GetSavingsPlansPurchaseRecommendation", "GetSavingsPlansUtilization",
    "GetSavingsPlansUtilizationDetails", "GetTags", "GetUsageForecast",
    "ListCommitmentPurchaseAnalyses", "ListCostAllocationTagBackfillHistory",
    "ListCostAllocationTags", "ListCostCategoryDefinitions",
    "ListCostCategoryResourceAssociations", "ListSavingsPlansPurchaseRecommendationGeneration",
    "ListTagsForResource", "ProvideAnomalyFeedback", "StartCommitmentPurchaseAnalysis",
    "StartCostAllocationTagBackfill", "StartSavingsPlansPurchaseRecommendationGeneration",
    "TagResource", "UntagResource", "UpdateAnomalyMonitor", "UpdateAnomalySubscription",
    "UpdateCostAllocationTagsStatus", "UpdateCostCategoryDefinition",
]
_CATS = ("cost categories are defined, with their rules, in the payer's AWS account; payerlink "
         "reads their names and values from the CUR (ListCostCategoryDefinitions, "
         "GetCostCategories) and keeps no rules to describe or change")
_TAGS = ("cost allocation tags are activated in the payer's AWS account and the CUR carries the "
         "active ones; payerlink lists them (ListCostAllocationTags, GetTags) and changes "
         "nothing at AWS")
_ANOM = ("payerlink's detection is one fixed monitor per caller (GetAnomalyMonitors); "
         "monitors, subscriptions and feedback are not written through the API yet")
_RECO = "needs AWS's price list and utilisation metrics, which a CUR does not carry"
_CERES = "Cost Explorer's own resources (monitors, subscriptions, cost categories) do not exist yet"
CE_WHY = {
    "CreateAnomalyMonitor": _ANOM, "CreateAnomalySubscription": _ANOM,
    "DeleteAnomalyMonitor": _ANOM, "DeleteAnomalySubscription": _ANOM,
    "GetAnomalies": _ANOM, "GetAnomalyMonitors": _ANOM, "GetAnomalySubscriptions": _ANOM,
    "ProvideAnomalyFeedback": _ANOM, "UpdateAnomalyMonitor": _ANOM,
    "UpdateAnomalySubscription": _ANOM,
    "CreateCostCategoryDefinition": _CATS, "DeleteCostCategoryDefinition": _CATS,
    "DescribeCostCategoryDefinition": _CATS, "UpdateCostCategoryDefinition": _CATS,
    "GetCostCategories": _CATS, "ListCostCategoryDefinitions": _CATS,
    "ListCostCategoryResourceAssociations": _CATS, "GetTags": _TAGS,
    "ListCostAllocationTags": _TAGS, "UpdateCostAllocationTagsStatus": _TAGS,
    "ListCostAllocationTagBackfillHistory": _TAGS, "StartCostAllocationTagBackfill": _TAGS,
    "GetApproximateUsageRecords": ("it estimates, before the opt-in, the records hourly and "
                                   "resource-level data would hold (AWS charges per record); "
                                   "payerlink's opt-in costs nothing, and before it the "
                                   "rollups keep no resource ids to count"),
    "GetReservationPurchaseRecommendation": _RECO, "GetRightsizingRecommendation": _RECO,
    "GetSavingsPlanPurchaseRecommendationDetails": _RECO,
    "GetSavingsPlansPurchaseRecommendation": _RECO,
    "ListSavingsPlansPurchaseRecommendationGeneration": _RECO,
    "StartSavingsPlansPurchaseRecommendationGeneration": _RECO,
    "GetCommitmentPurchaseAnalysis": _RECO, "ListCommitmentPurchaseAnalyses": _RECO,
    "StartCommitmentPurchaseAnalysis": _RECO,
    "GetUsageForecast": "not written yet",
    "ListTagsForResource": _CERES, "TagResource": _CERES, "UntagResource": _CERES,
}


def defs(path, macro):
    out = []
    for line in open(os.path.join(ROOT, path)):
        m = re.match(r"\s*%s\(([^)]*)\)" % macro, line)
        if m:
            out.append([x.strip() for x in m.group(1).split(",")])
    return out


def markers():
    """name -> set of test ids whose `# AWS:` marker names it."""
    seen = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/api/*.py"))):
        pending, depth = [], 0   # depth: open brackets of a decorator
        for line in open(path):
            m = re.match(r"\s*# AWS: (.*)", line)
            if m:
                pending += re.findall(r"[A-Za-z_]+", m.group(1))
                continue
            t = re.match(r"\s*def (test_\w+)", line)
            if t:
                tid = "%s::%s" % (os.path.basename(path), t.group(1))
                for name in pending:
                    seen.setdefault(name, set()).add(tid)
                pending, depth = [], 0
            elif pending and (depth > 0 or line.strip().startswith("@")):
                # A decorator, possibly over several lines.
                depth += line.count("(") + line.count("[") - line.count(")") - line.count("]")
            elif pending:
                pending = []
    return seen


def moto_section():
    """docs/coverage.md's account of moto's Organizations suite."""
    spec = importlib.util.spec_from_file_location(
        "moto_suite", os.path.join(ROOT, "tools", "moto-suite.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    records = mod.disagreements()
    meta = [r for r in records if "suite" in r][0]
    disagree = [r for r in records if "tests" in r]
    names = sorted({t for r in disagree for t in r["tests"]})
    runs, skips = int(meta["runs"]), int(meta["skips"])
    lines = ["", "## moto's Organizations suite", "",
             "%s run unmodified in moto's server mode against" % meta["suite"],
             "`payerlink serve --emulator`: `tools/moto-suite.py`, a step of `make test`",
             "when `PAYERLINK_MOTO_DIR` points at a moto checkout (skipped, saying so,",
             "otherwise). %d of its tests only call moto's own backend and are"
             % int(meta["deselected"]),
             "deselected; %d skip themselves in server mode. Where moto and AWS disagree,"
             % skips,
             "payerlink does as AWS documents and the test stays failing, listed below",
             "with what AWS says; the run fails on any other failure, and when a listed",
             "test starts to pass.", "",
             "Result: of %d tests that run, **%d pass, %d fail as documented below, 0 fail"
             % (runs, runs - len(names), len(names)),
             "otherwise**; %d skipped in server mode." % skips, "",
             "| moto tests | AWS documents | moto does | payerlink does |",
             "|---|---|---|---|"]

    def cell(text):
        return text.replace("|", "\\|")

    for r in disagree:
        tests = "<br>".join("`%s`" % t for t in r["tests"])
        aws = "%s (%s)" % (r["aws"], r["source"])
        lines.append("| %s | %s | %s | %s |" % (tests, cell(aws), cell(r["moto"]),
                                               cell(r.get("here", ""))))
    lines += ["", "Tests that disagree: %d (a test may disagree for more than one reason)."
              % len(names)]
    return lines


def main():
    ops = defs("src/aws/ops.def", "OP")
    errs = defs("src/core/errors.def", "ERR")
    tests = markers()
    model = load_model()
    implemented = {o[1] for o in ops if o[0] == "ORG"}
    lines = ["# AWS API coverage", "",
             "Generated by `tools/gen-coverage.py` from `src/aws/ops.def`, `src/core/errors.def`,",
             "the AWS Organizations model of botocore %s (%d operations; extracted to"
             % (model["botocore"], len(model["operations"])),
             "`tools/model/organizations.json` by `tools/gen-coverage.py --refresh-model`;",
             "Debian's python3-botocore 1.29 has 55 of them) and the `# AWS:` markers above",
             "the API tests in `tests/api/`. `make test` fails when this file is stale.",
             "Do not edit by hand.", "",
             "## Organizations operations", "",
             "| Operation | Implemented | Tests |", "|---|---|---|"]
    for name in sorted(set(model["operations"]) | implemented):
        t = sorted(tests.get(name, ()))
        lines.append("| %s | %s | %s |" % (name, "yes" if name in implemented else "no",
                                            "<br>".join("`%s`" % x for x in t) or "—"))
    ce_impl = {o[1] for o in ops if o[0] == "CE"}
    lines += ["", "## Cost Explorer operations", "",
              "The %d operations of the newest Cost Explorer model (botocore 1.43, "
              "ce/2017-10-25)." % len(CE_MODEL),
              "One not implemented answers `UnknownOperationException` (HTTP 400), as AWS",
              "answers an operation it does not know; why it is left out is beside it.", "",
              "| Operation | State | Tests |", "|---|---|---|"]
    for name in sorted(set(CE_MODEL) | ce_impl):
        # Cost Explorer is tested in test_ce*.py; TagResource and its
        # kin there are not the Organizations operations of the same name.
        t = sorted(x for x in tests.get(name, ()) if x.startswith("test_ce"))
        state = "yes" if name in ce_impl else "no: " + CE_WHY.get(name, "not written yet")
        lines.append("| %s | %s | %s |" % (name, state, "<br>".join("`%s`" % x for x in t) or "—"))
    other = [o for o in ops if o[0] not in ("ORG", "CE")]
    if other:
        lines += ["", "## Other services", "", "| Service | Operation | Tests |", "|---|---|---|"]
        for o in other:
            t = sorted(tests.get(o[1], ()))
            lines.append("| %s | %s | %s |" % (o[0], o[1], "<br>".join("`%s`" % x for x in t) or "—"))
    answered = set()
    for path in glob.glob(os.path.join(ROOT, "src", "*", "*.c")):
        # The AWS client reads AWS's errors; it answers none of them.
        if os.sep + "awsclient" + os.sep in path:
            continue
        answered |= set(re.findall(r'AWSERR\(([A-Za-z]+Exception)\)', open(path).read()))
    lines += ["", "## Errors", "",
              "The errors of the Organizations model and of the protocol, their HTTP",
              "status, and the tests that assert them. AWS Organizations answers 400 for",
              "client errors. \"never answered\": in the model, but no code path of",
              "payerlink gives it (no such condition here).", "",
              "| Error | HTTP | Tests |", "|---|---|---|"]
    for name, status in errs:
        t = sorted(tests.get(name, ()))
        none = "— (answered, no test)" if name in answered else "never answered"
        lines.append("| %s | %s | %s |" % (name, status, "<br>".join("`%s`" % x for x in t) or none))
    n_impl = len(implemented & set(model["operations"]))
    lines += ["", "Implemented: %d of the model's %d operations (botocore %s)."
              % (n_impl, len(model["operations"]), model["botocore"]),
              "Cost Explorer: %d of the newest model's %d operations." % (
                  len(ce_impl & set(CE_MODEL)), len(CE_MODEL))]
    lines += moto_section() + [""]
    text = "\n".join(lines)
    dest = os.path.join(ROOT, "docs", "coverage.md")
    if "--check" in sys.argv:
        cur = open(dest).read() if os.path.exists(dest) else ""
        if cur != text:
            print("docs/coverage.md is stale: run tools/gen-coverage.py")
            print("0 passed, 1 failed")
            return 1
        print("1 passed, 0 failed")
        return 0
    open(dest, "w").write(text)
    return 0


if __name__ == "__main__":
    sys.exit(refresh_model() if "--refresh-model" in sys.argv else main())
