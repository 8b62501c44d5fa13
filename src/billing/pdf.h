/* SPDX-License-Identifier: MIT */
/*
 * The PDF of an invoice, credit note or adjustment invoice, drawn with
 * libharu (Debian libhpdf): the MSP's name and address and the customer's
 * (frozen on the document), number, dates, period covered, the lines by
 * account and service, adjustments, subtotal, tax, total, "Page i of N",
 * as many A4 pages as the lines need. Built-in Helvetica (WinAnsi):
 * characters it cannot show become '?'. The output depends only on the
 * document (the PDF dates are the issue date), so an issued invoice's PDF
 * is the same bytes every time.
 */
#ifndef BILLING_PDF_H
#define BILLING_PDF_H

#include "billing/invoice.h"
#include "core/buf.h"
#include "core/err.h"

/* Appends the PDF to out; *pages_out (may be NULL) the page count. */
int	invoice_pdf(const struct invoice_doc *, struct buf *out,
	    int *pages_out /* OUT */, struct err *);

#endif
