/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of org/ou.c, org/policy.c and org/created_account.c: OU
 * nesting depth, policy document checks, SCP evaluation and the
 * CreateAccount status on the business clock.
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "org/account.h"
#include "org/created_account.h"
#include "org/organization.h"
#include "org/ou.h"
#include "org/policy.h"
#include "store/store.h"

static struct store *
om_store(void)
{
	struct store	*st;
	struct err	 e;
	char		 path[512];

	snprintf(path, sizeof(path), "%s", test_db("om"));
	CHECK_INT(store_open(path, STORE_EMULATOR, &st, &e), 0);
	return (st);
}

static struct principal
om_org(struct store *st, const char *email, struct organization *o)
{
	struct account		 a;
	struct access_key	 k;
	struct principal	 p;
	struct err		 e;

	CHECK_INT(account_create(st, NULL, email, NULL, NULL, &a, &k, &e), 0);
	snprintf(p.account_id, sizeof(p.account_id), "%s", a.id);
	CHECK_INT(org_create(st, &p, NULL, o, &e), 0);
	return (p);
}

TEST(ou_ids_and_depth_limit)
{
	struct store		*st = om_store();
	struct organization	 o, o2;
	struct org_unit		 u;
	struct principal	 p;
	struct err		 e;
	char			 parent[OU_ID_MAX + 1];
	int			 i;

	CHECK(root_id_valid("r-ab12"));
	CHECK(!root_id_valid("r-AB12"));
	CHECK(ou_id_valid("ou-ab12-cd34ef56"));
	CHECK(!ou_id_valid("ou-ab12-cd34"));
	CHECK(!ou_id_valid("ou-ab12cd34ef56"));
	p = om_org(st, "depth@example.com", &o);
	snprintf(parent, sizeof(parent), "%s", o.root_id);
	for (i = 1; i <= OU_DEPTH_MAX; i++) {
		CHECK_INT(ou_create(st, &p, parent, "level", NULL, 0, &o2, &u,
		    &e), 0);
		CHECK_INT(u.depth, i);
		CHECK(strncmp(u.id + 3, o.root_id + 2, 4) == 0);
		snprintf(parent, sizeof(parent), "%s", u.id);
	}
	CHECK_INT(ou_create(st, &p, parent, "level", NULL, 0, &o2, &u, &e), -1);
	CHECK_STR(e.reason, "OU_DEPTH_LIMIT_EXCEEDED");
	/* Same name, same parent. */
	CHECK_INT(ou_create(st, &p, o.root_id, "level", NULL, 0, &o2, &u, &e),
	    -1);
	CHECK_STR(e.aws_type, "DuplicateOrganizationalUnitException");
	store_close(st);
}

TEST(policy_documents_are_checked)
{
	struct err	 e;
	char		 big[6000];

	CHECK(policy_json_valid("{\"a\": [1, 2.5e3, true, null, \"x\\\"y\"]}"));
	CHECK(!policy_json_valid("{\"a\": }"));
	CHECK(!policy_json_valid("{\"a\": 1} trailing"));
	CHECK(!policy_json_valid("{'a': 1}"));
	CHECK_INT(policy_check_content("SERVICE_CONTROL_POLICY",
	    "{\"Version\":\"2012-10-17\",\"Statement\":[]}", &e), 0);
	CHECK_INT(policy_check_content("SERVICE_CONTROL_POLICY",
	    "{\"Version\":\"2012-10-17\"}", &e), -1);
	CHECK_STR(e.aws_type, "MalformedPolicyDocumentException");
	CHECK_INT(policy_check_content("TAG_POLICY", "[]", &e), -1);
	CHECK_STR(e.aws_type, "MalformedPolicyDocumentException");
	CHECK_INT(policy_content_max("SERVICE_CONTROL_POLICY"), 5120);
	CHECK_INT(policy_content_max("TAG_POLICY"), 10000);
	CHECK_INT(policy_content_max("BACKUP_POLICY"), 10000);
	CHECK_INT(policy_content_max("AISERVICES_OPT_OUT_POLICY"), 2500);
	memset(big, ' ', sizeof(big));
	memcpy(big, "{}", 2);
	big[5121] = '\0';
	CHECK_INT(policy_check_content("SERVICE_CONTROL_POLICY", big, &e), -1);
	CHECK_STR(e.reason, "POLICY_CONTENT_LIMIT_EXCEEDED");
	CHECK_INT(policy_check_content("TAG_POLICY", big, &e), 0);
}

TEST(scp_deny_and_missing_allow)
{
	struct store		*st = om_store();
	struct organization	 o, o2;
	struct principal	 p;
	struct policy		 pol;
	struct arena		 a;
	struct err		 e;
	struct create_account_req c;
	int64_t			 now;
	int			 denied;

	arena_init(&a);
	p = om_org(st, "scp@example.com", &o);
	CHECK_INT(created_account_create(st, &p, "kid@example.com", "kid", NULL,
	    0, &c, &now, &e), 0);
	CHECK_INT(store_begin(st, STORE_WRITE, &e), 0);
	CHECK_INT(policy_scp_denies_locked(st, &o, c.account_id,
	    "organizations:LeaveOrganization", &denied, &e), 0);
	CHECK_INT(denied, 0);
	store_rollback(st);
	CHECK_INT(policy_create(st, &a, &p, "SERVICE_CONTROL_POLICY", "deny",
	    "", "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":"
	    "[\"organizations:Leave*\"],\"Resource\":\"*\"}}", NULL, 0, &o2,
	    &pol, &e), 0);
	CHECK_INT(policy_attach(st, &p, pol.id, c.account_id, &e), 0);
	CHECK_INT(store_begin(st, STORE_WRITE, &e), 0);
	CHECK_INT(policy_scp_denies_locked(st, &o, c.account_id,
	    "organizations:LeaveOrganization", &denied, &e), 0);
	CHECK_INT(denied, 1);
	CHECK_INT(policy_scp_denies_locked(st, &o, c.account_id,
	    "organizations:DescribeOrganization", &denied, &e), 0);
	CHECK_INT(denied, 0);
	/* The management account is never subject to SCPs. */
	CHECK_INT(policy_scp_denies_locked(st, &o, o.management_id,
	    "organizations:LeaveOrganization", &denied, &e), 0);
	CHECK_INT(denied, 0);
	store_rollback(st);
	/* Without FullAWSAccess the account allows nothing. */
	CHECK_INT(policy_detach(st, &p, POLICY_FULL_ACCESS_ID, c.account_id,
	    &e), 0);
	CHECK_INT(store_begin(st, STORE_WRITE, &e), 0);
	CHECK_INT(policy_scp_denies_locked(st, &o, c.account_id,
	    "organizations:DescribeOrganization", &denied, &e), 0);
	CHECK_INT(denied, 1);
	store_rollback(st);
	arena_release(&a);
	store_close(st);
}

TEST(created_account_status_progression)
{
	struct store			*st = om_store();
	struct organization		 o;
	struct principal		 p;
	struct create_account_req	 c, d;
	struct membership		 m;
	struct err			 e;
	int64_t				 now;

	p = om_org(st, "car@example.com", &o);
	CHECK_INT(created_account_create(st, &p, "made@example.com", "made",
	    NULL, 0, &c, &now, &e), 0);
	CHECK(strncmp(c.id, "car-", 4) == 0);
	CHECK_STR(created_account_state(&c, now), "IN_PROGRESS");
	CHECK_STR(created_account_state(&c, now + CREATE_ACCOUNT_DELAY_MS),
	    "SUCCEEDED");
	CHECK_INT(created_account_status(st, &p, c.id, &d, &now, &e), 0);
	CHECK_STR(created_account_state(&d, now), "IN_PROGRESS");
	CHECK_INT(store_clock_advance(st, CREATE_ACCOUNT_DELAY_MS + 500, &e), 0);
	CHECK_INT(created_account_status(st, &p, c.id, &d, &now, &e), 0);
	CHECK_STR(created_account_state(&d, now), "SUCCEEDED");
	CHECK_INT(strlen(d.account_id), 12);
	/* A created account may not leave for four days. */
	CHECK_INT(store_membership_current(st, d.account_id, &m, &e), 0);
	CHECK_STR(m.joined_method, "CREATED");
	CHECK_INT(created_account_check_wait(st, &m, &e), -1);
	CHECK_STR(e.reason, "WAIT_PERIOD_ACTIVE");
	CHECK_INT(store_clock_advance(st, CREATED_WAIT_MS, &e), 0);
	CHECK_INT(created_account_check_wait(st, &m, &e), 0);
	/* The e-mail is now taken: the next request fails. */
	CHECK_INT(created_account_create(st, &p, "MADE@example.com", "again",
	    NULL, 0, &c, &now, &e), 0);
	CHECK_STR(created_account_state(&c, now + CREATE_ACCOUNT_DELAY_MS),
	    "FAILED");
	CHECK_STR(c.failure_reason, "EMAIL_ALREADY_EXISTS");
	CHECK_INT(created_account_close_quota(10), 250);
	CHECK_INT(created_account_close_quota(4000), 800);
	CHECK_INT(created_account_close_quota(100000), 1000);
	store_close(st);
}
