/* SPDX-License-Identifier: MIT */
/* Files compiled into the binary by tools/embed.c (migrations, web assets). */
#ifndef CORE_EMBED_H
#define CORE_EMBED_H

#include <stddef.h>

struct embed_file {
	const char		*name;	/* base name, e.g. "001_init.sql" */
	const unsigned char	*data;	/* NUL-terminated */
	size_t			 len;
};

/* Both tables end with an entry whose name is NULL. */
extern const struct embed_file	embed_migrations[];
extern const struct embed_file	embed_assets[];

#endif
