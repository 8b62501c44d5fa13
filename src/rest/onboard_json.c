/* SPDX-License-Identifier: MIT */
/* The onboarding desk's JSON shapes: see onboard_json.h. */
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "rest/onboard_json.h"

json_t *
onboard_json_time(int64_t ms)
{
	char	 iso[32];

	if (ms == 0)
		return (json_null());
	clock_iso8601(ms, iso, sizeof(iso));
	return (json_string(iso));
}

json_t *
msp_json(const struct msp *m)
{
	char	 terms[32];

	payment_terms_text(m->payment_terms_days, terms, sizeof(terms));
	return (json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:s, s:I, s:s, "
	    "s:s, s:b}",
	    "AccountId", m->account_id, "Name", m->name,
	    "Address", m->address, "PublicUrl", m->public_url,
	    "GapThresholdMinutes", (json_int_t)m->gap_threshold_min,
	    "UpdatedAt", onboard_json_time(m->updated_at),
	    "LegalName", m->legal_name, "TaxId", m->tax_id,
	    "PaymentTermsDays", (json_int_t)m->payment_terms_days,
	    "PaymentTerms", terms,
	    "PaymentInstructions", m->payment_instructions,
	    "HourlyResourceData", m->hourly_resource_data != 0));
}

json_t *
customer_json(const struct customer *c)
{
	char	 rate[24];

	char	 terms[32];

	tax_rate_format(c->tax_rate, rate, sizeof(rate));
	if (c->payment_terms_days >= 0)
		payment_terms_text(c->payment_terms_days, terms, sizeof(terms));
	else
		snprintf(terms, sizeof(terms), "default");
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:s, s:s, "
	    "s:s, s:s}",
	    "CustomerId", c->id, "Name", c->name,
	    "ContactEmail", c->contact_email, "Currency", c->currency,
	    "TaxRate", rate, "AccountCount", (json_int_t)c->naccounts,
	    "CreatedAt", onboard_json_time(c->created_at),
	    "UpdatedAt", onboard_json_time(c->updated_at),
	    "Address", c->address, "TaxId", c->tax_id,
	    "PaymentTerms", terms,
	    "PaymentInstructions", c->payment_instructions));
}

json_t *
brand_json(const struct msp_brand *b)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "Name",
	    b->name, "Color", b->color, "SupportEmail", b->support_email,
	    "SupportUrl", b->support_url,
	    "LogoType", json_string_or_null(b->logo_type[0] != '\0' ?
	    b->logo_type : NULL), "PdfLogo",
	    json_string_or_null(brand_pdf_logo(b)), "Set", b->updated_at != 0));
}

json_t *
onboard_result_json(const struct onboard_result *r)
{
	json_t	*o;

	o = json_pack("{s:s, s:i, s:s, s:o, s:s}", "OnboardingId", r->id,
	    "Case", r->case_no, "HandshakeId", r->handshake_id,
	    "PlanUrl", json_string_or_null(r->plan_url),
	    "State", onboard_state_name(r->state));
	json_object_set_new(o, "PreviousOrganizationId",
	    json_string_or_null(r->prev_org_id));
	if (r->case_no == 3)
		json_object_set_new(o, "Members", json_integer(r->members));
	json_object_set_new(o, "Route", json_string(onboard_route_name(
	    r->route)));
	json_object_set_new(o, "RecommendedRoute", json_string(
	    onboard_route_name(onboard_route_best(r->case_no))));
	if (r->route == ONBOARD_ROUTE_BILLING_TRANSFER) {
		json_object_set_new(o, "TransferId",
		    json_string(r->transfer_id));
		json_object_set_new(o, "TransferStart",
		    onboard_json_time(r->transfer_start));
	}
	return (o);
}

static json_t *
event_json(const struct onboard_event *ev)
{
	json_t	*o;

	o = json_pack("{s:o, s:s}", "At", onboard_json_time(ev->at),
	    "Event", ev->kind);
	if (ev->actor[0] != '\0')
		json_object_set_new(o, "Actor", json_string(ev->actor));
	if (ev->handshake_id[0] != '\0')
		json_object_set_new(o, "HandshakeId",
		    json_string(ev->handshake_id));
	if (ev->account_id[0] != '\0')
		json_object_set_new(o, "AccountId", json_string(ev->account_id));
	if (ev->org_id[0] != '\0')
		json_object_set_new(o, "OrganizationId",
		    json_string(ev->org_id));
	if (ev->proposed_at != 0)
		json_object_set_new(o, "ProposedAt",
		    onboard_json_time(ev->proposed_at));
	if (ev->detail[0] != '\0')
		json_object_set_new(o, "Detail", json_string(ev->detail));
	return (o);
}

static json_t *
step_json(const struct onboard_step *s)
{
	return (json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
	    "Step", s->n, "Key", s->key, "Title", s->title,
	    "Console", s->console, "Effect", s->effect, "Status", s->status,
	    "DoneAt", onboard_json_time(s->done_at),
	    "Detail", json_string_or_null(s->detail)));
}

json_t *
onboard_view_json(const struct onboard_view *v, int flags)
{
	json_t	*o, *arr;
	size_t	 i;

	o = json_pack("{s:s, s:i, s:s, s:n, s:s}", "OnboardingId", v->o.id,
	    "Case", v->o.case_no, "HandshakeId", v->o.handshake_id,
	    "PlanUrl", "State", onboard_state_name(v->state));
	json_object_set_new(o, "CustomerName", json_string(v->customer.name));
	json_object_set_new(o, "AccountId", json_string(v->o.account_id));
	json_object_set_new(o, "Email", json_string(v->o.email));
	json_object_set_new(o, "MspName", json_string(v->msp_name));
	json_object_set_new(o, "MspAccountId",
	    json_string(v->o.msp_account_id));
	json_object_set_new(o, "MspOrganizationId",
	    json_string(v->o.msp_org_id));
	if (!(flags & ONBOARD_JSON_CUSTOMER)) {
		json_object_set_new(o, "CustomerId",
		    json_string(v->o.customer_id));
		json_object_set_new(o, "Notes", json_string(v->o.notes));
		json_object_set_new(o, "RequestedBy",
		    json_string(v->o.requested_by));
	}
	json_object_set_new(o, "RequestedAt",
	    onboard_json_time(v->o.requested_at));
	json_object_set_new(o, "PreviousOrganizationId",
	    json_string_or_null(v->o.prev_org_id));
	if (v->o.case_no == 3) {
		json_object_set_new(o, "MembersAtRequest",
		    json_integer(v->o.prev_members));
		json_object_set_new(o, "MembersLeft",
		    json_integer(v->members_left));
	}
	json_object_set_new(o, "ContactFirst",
	    json_boolean(v->contact_first));
	json_object_set_new(o, "InvitationState", v->hs_found ?
	    json_string(v->hs.state) : json_null());
	json_object_set_new(o, "InvitationExpiresAt", v->hs_found ?
	    onboard_json_time(v->hs.expires_at) : json_null());
	json_object_set_new(o, "ViewedAt", onboard_json_time(v->viewed_at));
	json_object_set_new(o, "ProposedMoveAt",
	    onboard_json_time(v->proposed_at));
	json_object_set_new(o, "ProposedMoveNote",
	    json_string_or_null(v->proposed_note));
	json_object_set_new(o, "LeftPreviousPayerAt",
	    onboard_json_time(v->left_prev_at));
	json_object_set_new(o, "JoinedAt", onboard_json_time(v->joined_at));
	json_object_set_new(o, "BillingGapMinutes", v->gap_ms >= 0 ?
	    json_integer(v->gap_ms / 60000) : json_null());
	json_object_set_new(o, "BillingGapSeconds", v->gap_ms >= 0 ?
	    json_integer(v->gap_ms / 1000) : json_null());
	json_object_set_new(o, "GapFlagged", json_boolean(v->gap_flagged));
	json_object_set_new(o, "GapThresholdMinutes",
	    json_integer(v->gap_threshold_min));
	json_object_set_new(o, "Route", json_string(v->route.route));
	if (v->route.transfer_id[0] != '\0') {
		json_object_set_new(o, "TransferId",
		    json_string(v->route.transfer_id));
		json_object_set_new(o, "TransferStatus", v->transfer_found ?
		    json_string(v->transfer.status) : json_null());
		json_object_set_new(o, "TransferStart", onboard_json_time(
		    v->transfer_found ? v->transfer.start_at :
		    v->route.start_at));
		json_object_set_new(o, "TransferEnd", onboard_json_time(
		    v->transfer_found ? v->transfer.end_at : 0));
	}
	if (flags & ONBOARD_JSON_SUMMARY)
		return (o);
	arr = json_array();
	for (i = 0; i < v->noptions; i++)
		json_array_append_new(arr, json_pack("{s:s, s:b, s:s, s:s}",
		    "Route", onboard_route_name(v->options[i].route),
		    "Recommended", v->options[i].recommended,
		    "Title", v->options[i].title,
		    "Summary", v->options[i].summary));
	json_object_set_new(o, "RouteOptions", arr);
	arr = json_array();
	for (i = 0; i < v->nevents; i++)
		json_array_append_new(arr, event_json(&v->events[i]));
	json_object_set_new(o, "Timeline", arr);
	arr = json_array();
	for (i = 0; i < v->nsteps; i++)
		json_array_append_new(arr, step_json(&v->steps[i]));
	json_object_set_new(o, "Steps", arr);
	arr = json_array();
	for (i = 0; i < v->nprereqs; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}",
		    "Key", v->prereqs[i].key,
		    "AccountId", v->prereqs[i].account_id,
		    "Text", v->prereqs[i].text));
	json_object_set_new(o, "Prerequisites", arr);
	return (o);
}

json_t *
onboard_counts_json(const int64_t counts[ONBOARD_NSTATES])
{
	json_t	*o = json_object();
	int	 i;

	for (i = 0; i < ONBOARD_NSTATES; i++)
		json_object_set_new(o, onboard_state_name(
		    (enum onboard_state)i), json_integer(counts[i]));
	return (o);
}

json_t *
audit_json(const struct audit_entry *a)
{
	return (json_pack("{s:I, s:o, s:s, s:s, s:s, s:s}",
	    "Id", (json_int_t)a->id, "At", onboard_json_time(a->at),
	    "Actor", a->actor, "Action", a->action, "Object", a->object,
	    "Detail", a->detail));
}
