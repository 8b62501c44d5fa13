/* SPDX-License-Identifier: MIT */
/*
 * `payerlink serve --import-dir DIR`: a thread that ingests the cost and
 * usage files dropped into DIR (*.csv, *.csv.gz; names starting with '.'
 * are ignored, so a writer may upload to ".name" and rename). A file is
 * taken once its size and mtime are unchanged over two scans a second
 * apart (a copy still being written is skipped), ingested as one delivery
 * (payer and period from the file), then moved to DIR/imported/ or
 * DIR/failed/ with NAME.json next to it: the import report, or
 * {"error": "..."}.
 */
#ifndef CLI_IMPORT_DIR_H
#define CLI_IMPORT_DIR_H

#include "core/err.h"

struct store;
struct import_dir;

int	 import_dir_start(struct store *, const char *dir,
	    struct import_dir **out /* OUT */, struct err *);
void	 import_dir_stop(struct import_dir *);

#endif
