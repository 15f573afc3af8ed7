// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the one place the tracepoints of mether_trace.h are defined.
 */
#define CREATE_TRACE_POINTS
#include "mether_trace.h"
