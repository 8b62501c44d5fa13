/* SPDX-License-Identifier: MIT */
/* Private to store/: column tables that several store files read. */
#ifndef STORE_ROWS_H
#define STORE_ROWS_H

#include "store/org.h"
#include "store/row.h"

/* struct membership under alias m (store/org.c). */
extern const struct row	 store_membership_row;
/* struct member: an account (alias a) and its membership (alias m). */
extern const struct row	 store_member_row;

#endif
