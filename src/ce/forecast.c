/* SPDX-License-Identifier: MIT */
/*
 * GetCostForecast: ordinary least squares over the recent daily series,
 * with a prediction interval. A forecast is a statistical estimate, so the
 * fit runs in double; the amounts are rounded to nano-units once, at the
 * end. See ce.h for the method.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ce/ce.h"

void
ce_linear_fit(const double *y, size_t n, double *a_out, double *b_out,
    double *s_out)
{
	double	 tbar = 0, ybar = 0, sxx = 0, sxy = 0, sse = 0, a, b;
	size_t	 i;

	for (i = 0; i < n; i++) {
		tbar += (double)i;
		ybar += y[i];
	}
	tbar /= (double)n;
	ybar /= (double)n;
	for (i = 0; i < n; i++) {
		sxx += ((double)i - tbar) * ((double)i - tbar);
		sxy += ((double)i - tbar) * (y[i] - ybar);
	}
	b = sxx > 0 ? sxy / sxx : 0;
	a = ybar - b * tbar;
	for (i = 0; i < n; i++) {
		double r = y[i] - (a + b * (double)i);
		sse += r * r;
	}
	*a_out = a;
	*b_out = b;
	*s_out = n > 2 ? sqrt(sse / (double)(n - 2)) : 0;
}

/* The two-sided normal quantile for a central interval of `level` %. */
static double
z_of(int level)
{
	/* Acklam's rational approximation of the inverse normal CDF. */
	static const double a[] = { -3.969683028665376e+01,
	    2.209460984245205e+02, -2.759285104469687e+02,
	    1.383577518672690e+02, -3.066479806614716e+01,
	    2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01,
	    1.615858368580409e+02, -1.556989798598866e+02,
	    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03,
	    -3.223964580411365e-01, -2.400758277161838e+00,
	    -2.549732539343734e+00, 4.374664141464968e+00,
	    2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03,
	    3.224671290700398e-01, 2.445134137142996e+00,
	    3.754408661907416e+00 };
	double	 p = 1 - (1 - level / 100.0) / 2, q, r;

	if (p > 0.97575) {
		q = sqrt(-2 * log(1 - p));
		return (-(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q +
		    c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q +
		    d[3]) * q + 1));
	}
	q = p - 0.5;
	r = q * q;
	return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r +
	    a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r +
	    b[4]) * r + 1));
}

int
ce_forecast_run(struct store *st, struct arena *a, const struct ce_scope *sc,
    enum ce_metric metric, int64_t start, int64_t end, int monthly,
    const struct ce_expr *filter, int level, struct ce_forecast *out,
    struct err *e)
{
	struct ce_query	 q;
	struct ce_result res;
	int64_t		 today = ce_today(st), d, nb, b;
	double		*y, fa, fb, fs, tbar, sxx = 0, z;
	size_t		 n, first, i, k;
	double		 var_total = 0, mean_total = 0;

	memset(out, 0, sizeof(*out));
	if (start >= end)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL,
		    "the start date must be before the end date"));
	if (start < today)
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL,
		    "the start date must be today or later"));
	if (end - start > (monthly ? 366 : 93))
		return (err_set(e, ERR_INVALID, AWSERR(ValidationException),
		    NULL,
		    "a forecast covers at most %s", monthly ? "12 months" :
		    "3 months"));
	memset(&q, 0, sizeof(q));
	q.start = today - CE_FORECAST_HISTORY;
	q.end = today;
	q.filter = filter;
	if (ce_query_run(st, a, sc, &q, &res, e) == -1)
		return (-1);
	for (first = 0; first < res.nbuckets; first++)
		if (res.total[first][metric] != 0)
			break;
	n = res.nbuckets - first;
	if (first == res.nbuckets || n < 3)
		return (err_set(e, ERR_NOT_FOUND,
		    AWSERR(DataUnavailableException),
		    NULL, "there are fewer than 3 days of cost data to "
		    "forecast from"));
	y = arena_alloc(a, n * sizeof(*y));
	for (i = 0; i < n; i++)
		y[i] = (double)res.total[first + i][metric] / 1e9;
	ce_linear_fit(y, n, &fa, &fb, &fs);
	tbar = (double)(n - 1) / 2;
	for (i = 0; i < n; i++)
		sxx += ((double)i - tbar) * ((double)i - tbar);
	z = z_of(level);
	nb = 0;
	out->bstart = arena_alloc(a, (size_t)(end - start) * sizeof(int64_t));
	out->bend = arena_alloc(a, (size_t)(end - start) * sizeof(int64_t));
	out->mean = arena_zalloc(a, (size_t)(end - start) * sizeof(int64_t));
	out->lo = arena_zalloc(a, (size_t)(end - start) * sizeof(int64_t));
	out->hi = arena_zalloc(a, (size_t)(end - start) * sizeof(int64_t));
	for (d = start; d < end; d = b) {
		double	 bm = 0, bv = 0;

		b = monthly ? ce_month_next(d) : d + 1;
		if (b > end)
			b = end;
		for (int64_t x = d; x < b; x++) {
			double t = (double)(n - 1) + (double)(x - today + 1);
			double m = fa + fb * t;
			double v = fs * fs * (1 + 1.0 / (double)n +
			    (sxx > 0 ? (t - tbar) * (t - tbar) / sxx : 0));

			bm += m > 0 ? m : 0;
			bv += v;
		}
		out->bstart[nb] = d;
		out->bend[nb] = b;
		out->mean[nb] = (int64_t)llround(bm * 1e9);
		out->lo[nb] = (int64_t)llround(fmax(0, bm - z * sqrt(bv)) * 1e9);
		out->hi[nb] = (int64_t)llround((bm + z * sqrt(bv)) * 1e9);
		mean_total += bm;
		var_total += bv;
		nb++;
	}
	out->nbuckets = (size_t)nb;
	out->total = (int64_t)llround(mean_total * 1e9);
	out->total_lo = (int64_t)llround(fmax(0, mean_total - z *
	    sqrt(var_total)) * 1e9);
	out->total_hi = (int64_t)llround((mean_total + z * sqrt(var_total)) *
	    1e9);
	k = 0;
	(void)k;
	snprintf(out->currency, sizeof(out->currency), "%s", res.currency);
	return (0);
}
