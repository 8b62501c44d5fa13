/* SPDX-License-Identifier: MIT */
/* A tiny log API in the manner of OpenBSD's log.c: lines on stderr. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

void	log_init(int verbose);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Prints "payerlink: msg" on stderr: the CLI's one way to report failure. */
void	log_cli_error(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
