/* SPDX-License-Identifier: MIT */
/* Time: see clock.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

int64_t
clock_real_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Howard Hinnant's days_from_civil: exact, no time zone, no tables. */
int64_t
clock_days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

void
clock_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t		 era;
	unsigned	 doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

void
clock_iso8601(int64_t ms, char *buf, size_t len)
{
	int64_t		 secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int64_t		 days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t		 rem = secs - days * 86400;
	int		 y;
	unsigned	 m, d;

	clock_civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
	    (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60));
}

static int
digits(const char *s, int n, int *out)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return (0);
}

int
clock_parse_amz(const char *s, int64_t *ms_out)
{
	int	 y, mo, d, h, mi, se;

	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return (-1);
	if (digits(s, 4, &y) || digits(s + 4, 2, &mo) || digits(s + 6, 2, &d) ||
	    digits(s + 9, 2, &h) || digits(s + 11, 2, &mi) ||
	    digits(s + 13, 2, &se))
		return (-1);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return (-1);
	*ms_out = (clock_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se) * 1000;
	return (0);
}

int
month_valid(const char *m)
{
	return (m != NULL && strlen(m) == 7 && isdigit((unsigned char)m[0]) &&
	    isdigit((unsigned char)m[1]) && isdigit((unsigned char)m[2]) &&
	    isdigit((unsigned char)m[3]) && m[4] == '-' &&
	    ((m[5] == '0' && m[6] >= '1' && m[6] <= '9') ||
	    (m[5] == '1' && m[6] >= '0' && m[6] <= '2')));
}

int
month_bounds(const char *m, int64_t *start, int64_t *end)
{
	int	 y, mo;

	if (!month_valid(m))
		return (-1);
	y = (m[0] - '0') * 1000 + (m[1] - '0') * 100 + (m[2] - '0') * 10 +
	    (m[3] - '0');
	mo = (m[5] - '0') * 10 + (m[6] - '0');
	*start = clock_days_from_civil(y, (unsigned)mo, 1) * MS_PER_DAY;
	*end = (mo == 12 ? clock_days_from_civil(y + 1, 1, 1) :
	    clock_days_from_civil(y, (unsigned)mo + 1, 1)) * MS_PER_DAY;
	return (0);
}
