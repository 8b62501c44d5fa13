/* SPDX-License-Identifier: MIT */
/* Rebilling arithmetic and rule precedence (src/billing/pricing.c). */
#include <string.h>

#include "billing/money.h"
#include "billing/pricing.h"
#include "test.h"

/* The one format people read: separators, minor units, the code. */
TEST(money_text_formats)
{
	char	 b[MONEY_TEXT_MAX];

	money_text(18366450000000LL, "USD", b, sizeof(b));
	CHECK_STR(b, "18,366.45 USD");
	money_text(10588781400000000LL, "KRW", b, sizeof(b));
	CHECK_STR(b, "10,588,781 KRW");
	/* 2040.785790752 on the Imports page: cents, half-even. */
	money_text(2040785790752LL, "USD", b, sizeof(b));
	CHECK_STR(b, "2,040.79 USD");
	money_text(-500000000LL, "EUR", b, sizeof(b));
	CHECK_STR(b, "-0.50 EUR");
	money_text(999000000LL, NULL, b, sizeof(b));
	CHECK_STR(b, "1.00");
	money_text(1234567890120000000LL, "USD", b, sizeof(b));
	CHECK_STR(b, "1,234,567,890.12 USD");
	minor_text(100000, 0, "KRW", b, sizeof(b));
	CHECK_STR(b, "100,000 KRW");
	minor_text(-123456, 2, "", b, sizeof(b));
	CHECK_STR(b, "-1,234.56");
	minor_text(12345, 3, "KWD", b, sizeof(b));
	CHECK_STR(b, "12.345 KWD");
	/* Axis labels. */
	money_short(1250000000000LL, "USD", b, sizeof(b));
	CHECK_STR(b, "$1.25K");
	money_short(0, "USD", b, sizeof(b));
	CHECK_STR(b, "$0");
	money_short(250000000LL, "USD", b, sizeof(b));
	CHECK_STR(b, "$0.25");
	money_short(999996000000000LL, "USD", b, sizeof(b));
	CHECK_STR(b, "$1M");
	money_short(12500000000000000LL, "KRW", b, sizeof(b));
	CHECK_STR(b, "\u20a912.5M");
	money_short(1200000000000LL, "CHF", b, sizeof(b));
	CHECK_STR(b, "1.2K CHF");
	money_short(1200000000000LL, "EUR", b, sizeof(b));
	CHECK_STR(b, "\u20ac1.2K");
	money_short(12300000000000000LL, "KRW", b, sizeof(b));
	CHECK_STR(b, "\u20a912.3M");
	money_short(-1250000000000LL, "USD", b, sizeof(b));
	CHECK_STR(b, "-$1.25K");
}

TEST(rebill_round_half_even)
{
	char	 b[40];

	/* USD: 10.005 -> 10.00, 10.015 -> 10.02, 10.0051 -> 10.01. */
	CHECK_INT(round_minor(10005000000LL, 2), 1000);
	CHECK_INT(round_minor(10015000000LL, 2), 1002);
	CHECK_INT(round_minor(10005000001LL, 2), 1001);
	CHECK_INT(round_minor(-10005000000LL, 2), -1000);
	CHECK_INT(round_minor(-10015000000LL, 2), -1002);
	/* KRW has no minor unit: .5 goes to the even won. */
	CHECK_INT(currency_digits("KRW"), 0);
	CHECK_INT(currency_digits("JPY"), 0);
	CHECK_INT(currency_digits("USD"), 2);
	CHECK_INT(currency_digits("KWD"), 3);
	CHECK_INT(round_minor(307392500000000LL, 0), 307392);
	CHECK_INT(round_minor(307393500000000LL, 0), 307394);
	CHECK_INT(round_minor(307392930540250LL, 0), 307393);
	minor_format(-1387, 2, b, sizeof(b));
	CHECK_STR(b, "-13.87");
	minor_format(5, 2, b, sizeof(b));
	CHECK_STR(b, "0.05");
	minor_format(307393, 0, b, sizeof(b));
	CHECK_STR(b, "307393");
	nano_format(123456789000LL, b, sizeof(b));
	CHECK_STR(b, "123.456789");
	nano_format(210000000000LL, b, sizeof(b));
	CHECK_STR(b, "210.00");
	nano_format(-1500000000LL, b, sizeof(b));
	CHECK_STR(b, "-1.50");
	money_format_min(7, 3, 3, b, sizeof(b));
	CHECK_STR(b, "0.007");
	money_format_min(120, 2, 1, b, sizeof(b));
	CHECK_STR(b, "1.2");
	pct_format(-125000, b, sizeof(b));
	CHECK_STR(b, "-12.5");
	CHECK_INT(div_half_even(5, 2), 2);
	CHECK_INT(div_half_even(7, 2), 4);
	CHECK_INT(div_half_even(-7, 2), -4);
	/* Percentages: 1/10000 percent. */
	{
		int64_t	 p;

		CHECK(pct_parse("-12.5", &p) == 0 && p == -125000);
		CHECK(pct_parse("8.875", &p) == 0 && p == 88750);
		CHECK(pct_parse("1.23456", &p) == -1);
		CHECK(pct_parse("abc", &p) == -1);
		CHECK_INT(apply_pct(100000000000LL, -50000), -5000000000LL);
	}
}

TEST(rebill_fx_conversion)
{
	int64_t	 rate;

	CHECK(fx_rate_parse("1387.25", &rate) == 0);
	CHECK_INT(rate, 1387250000000LL);
	CHECK(fx_rate_parse("-1", &rate) == -1);
	CHECK(fx_rate_parse("0", &rate) == -1);
	CHECK(fx_rate_parse("1.0000000001", &rate) == -1);
	/* 123.456789 USD x 1387.25 = 171265.43054025 KRW, exactly. */
	CHECK_INT(fx_convert(123456789000LL, rate), 171265430540250LL);
	/* -10 USD -> -13872.5 KRW. */
	CHECK_INT(fx_convert(-10000000000LL, rate), -13872500000000LL);
	/* Sub-nano results round half-even: 0.000000001 x 0.5 = 0. */
	CHECK(fx_rate_parse("0.5", &rate) == 0);
	CHECK_INT(fx_convert(1, rate), 0);
	CHECK_INT(fx_convert(3, rate), 2);
	/* A large amount does not overflow on the way (128-bit product). */
	CHECK(fx_rate_parse("1500", &rate) == 0);
	CHECK_INT(fx_convert(5000000000000000LL, rate), 7500000000000000000LL);
}

static struct pricing_rule
rule(const char *cust, const char *acct, const char *svc, const char *usage,
    int64_t pct, const char *from, const char *to)
{
	struct pricing_rule	 r;

	memset(&r, 0, sizeof(r));
	snprintf(r.customer_id, sizeof(r.customer_id), "%s", cust);
	snprintf(r.account_id, sizeof(r.account_id), "%s", acct);
	snprintf(r.service, sizeof(r.service), "%s", svc);
	snprintf(r.usage_type, sizeof(r.usage_type), "%s", usage);
	snprintf(r.valid_from, sizeof(r.valid_from), "%s", from);
	snprintf(r.valid_to, sizeof(r.valid_to), "%s", to);
	r.percent = pct;
	r.level = (cust[0] ? SCOPE_CUSTOMER : 0) | (acct[0] ? SCOPE_ACCOUNT : 0) |
	    (svc[0] ? SCOPE_SERVICE : 0) | (usage[0] ? SCOPE_USAGE : 0);
	return (r);
}

TEST(rebill_rule_precedence)
{
	struct pricing_rule		 v[6];
	const struct pricing_rule	*m;
	struct pricing_ctx		 c;
	struct invoice_usage		 u;
	int64_t				 aws, billed;

	v[0] = rule("", "", "", "", 100000, "2026-01", "");
	v[1] = rule("cus-a", "", "", "", -50000, "2026-01", "");
	v[2] = rule("cus-a", "111111111111", "", "", 200000, "2026-01", "");
	v[3] = rule("cus-a", "", "AmazonS3", "", -500000, "2026-01", "");
	v[4] = rule("cus-a", "", "", "BoxUsage:t3.micro", 1000000, "2026-01", "");
	v[5] = rule("cus-a", "", "AmazonRDS", "", 300000, "2026-03", "2026-04");
	/* usage type > service > account > customer > global */
	m = pricing_match(v, 6, "cus-a", "111111111111", "AmazonEC2",
	    "BoxUsage:t3.micro", "2026-02");
	CHECK(m == &v[4]);
	m = pricing_match(v, 6, "cus-a", "111111111111", "AmazonS3", "X",
	    "2026-02");
	CHECK(m == &v[3]);
	m = pricing_match(v, 6, "cus-a", "111111111111", "AmazonEC2", "X",
	    "2026-02");
	CHECK(m == &v[2]);
	m = pricing_match(v, 6, "cus-a", "222222222222", "AmazonEC2", "X",
	    "2026-02");
	CHECK(m == &v[1]);
	m = pricing_match(v, 6, "cus-b", "333333333333", "AmazonEC2", "X",
	    "2026-02");
	CHECK(m == &v[0]);
	/* Validity: the RDS rule only in March and April. */
	m = pricing_match(v, 6, "cus-a", "222222222222", "AmazonRDS", "X",
	    "2026-02");
	CHECK(m == &v[1]);
	m = pricing_match(v, 6, "cus-a", "222222222222", "AmazonRDS", "X",
	    "2026-04");
	CHECK(m == &v[5]);
	CHECK(pricing_match(v, 6, "cus-a", "2", "S", "X", "2025-12") == NULL);
	/* Rating: tax is never marked up; partner discounts are hidden. */
	memset(&c, 0, sizeof(c));
	c.rules = v;
	c.nrules = 6;
	c.customer_id = "cus-b";
	c.period = "2026-02";
	memset(&u, 0, sizeof(u));
	u.account_id = "333333333333";
	u.product_code = "AmazonEC2";
	u.usage_type = "X";
	u.pricing_term = "OnDemand";
	u.line_item_type = "Usage";
	u.unblended = 100000000000LL;
	pricing_rate(&c, &u, &aws, &billed);
	CHECK_INT(billed, 110000000000LL);
	u.line_item_type = "Tax";
	pricing_rate(&c, &u, &aws, &billed);
	CHECK_INT(aws, 100000000000LL);
	CHECK_INT(billed, 0);
	u.line_item_type = "EdpDiscount";
	pricing_rate(&c, &u, &aws, &billed);
	CHECK_INT(billed, 0);
	CHECK(pricing_partner_only("SppDiscount"));
	CHECK(!pricing_partner_only("Usage"));
}
