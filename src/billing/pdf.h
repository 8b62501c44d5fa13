/* SPDX-License-Identifier: MIT */
/*
 * The PDF of an invoice, credit note or adjustment invoice, drawn with
 * libharu (Debian libhpdf): the MSP's name and address and the customer's
 * (frozen on the document), number, dates, period covered, the lines by
 * account and service, adjustments, subtotal, tax, total, "Page i of N",
 * as many A4 pages as the lines need, under a band of the brand's colour
 * with its logo (invoice_logo: the PNG frozen at issue, a draft's the
 * MSP's of the day; none for an SVG-only brand) and name. Built-in
 * Helvetica (WinAnsi): characters it cannot show become '?'. The output
 * depends only on the document (the PDF dates are the issue date; the
 * brand, parties and logo are frozen at issue), so an issued invoice's
 * PDF is the same bytes every time, whatever the MSP changes later.
 */
#ifndef BILLING_PDF_H
#define BILLING_PDF_H

#include "billing/invoice.h"
#include "core/buf.h"
#include "core/err.h"

/* Appends the PDF to out; *pages_out (may be NULL) the page count. Reads
 * the logo in a transaction of its own (the caller has none open). */
int	invoice_pdf(struct store *, struct arena *, const struct invoice_doc *,
	    struct buf *out, int *pages_out /* OUT */, struct err *);

#endif
