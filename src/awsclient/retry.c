/* SPDX-License-Identifier: MIT */
/*
 * The retry policy of the SDKs' "standard" mode: which outcomes are worth
 * another attempt, how long to wait (exponential backoff, full jitter) and
 * the client-wide quota that stops a fleet of retries from piling onto a
 * service that is down. Pure decisions: call.c does the waiting.
 */
#include <pthread.h>
#include <string.h>

#include "awsclient/internal.h"

/* AWS: the error codes the SDKs read as throttling. */
static const char *const throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException",
	"RequestThrottledException", "TooManyRequestsException",
	"ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded",
	"BandwidthLimitExceeded", "LimitExceededException",
	"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException", NULL
};

/* AWS: the error codes the SDKs read as transient. */
static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "InternalError",
	"InternalFailure", "ServiceUnavailable", "IDPCommunicationError",
	NULL
};

static int
in_list(const char *const *list, const char *code)
{
	size_t	 i;

	for (i = 0; code != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], code) == 0)
			return (1);
	return (0);
}

enum retry_kind
retry_classify(int status, const char *code, int network_error)
{
	if (network_error)
		return (RETRY_NETWORK);
	if (status >= 200 && status < 300)
		return (RETRY_NO);
	if (status == 429 || in_list(throttle_codes, code))
		return (RETRY_THROTTLE);
	if (status == 500 || status == 502 || status == 503 ||
	    status == 504 || in_list(transient_codes, code))
		return (RETRY_TRANSIENT);
	return (RETRY_NO);
}

long
retry_backoff_ms(int attempt, double r)
{
	long	 max = RETRY_BASE_MS;
	int	 i;

	if (r < 0)
		r = 0;
	if (r >= 1)
		r = 0.999999;
	for (i = 1; i < attempt && max < RETRY_CAP_MS; i++)
		max *= 2;
	if (max > RETRY_CAP_MS)
		max = RETRY_CAP_MS;
	return ((long)(r * (double)max));
}

void
retry_quota_init(struct retry_quota *q)
{
	pthread_mutex_init(&q->lock, NULL);
	q->tokens = RETRY_QUOTA_MAX;
}

int
retry_quota_take(struct retry_quota *q, enum retry_kind k, int *cost_out)
{
	int	 cost = k == RETRY_NETWORK ? RETRY_TIMEOUT_COST : RETRY_COST;
	int	 ok = 0;

	pthread_mutex_lock(&q->lock);
	if (q->tokens >= cost) {
		q->tokens -= cost;
		ok = 1;
	}
	pthread_mutex_unlock(&q->lock);
	*cost_out = ok ? cost : 0;
	return (ok);
}

void
retry_quota_give(struct retry_quota *q, int cost)
{
	pthread_mutex_lock(&q->lock);
	q->tokens += cost > 0 ? cost : 1;
	if (q->tokens > RETRY_QUOTA_MAX)
		q->tokens = RETRY_QUOTA_MAX;
	pthread_mutex_unlock(&q->lock);
}
