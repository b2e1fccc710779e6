/* Health, readiness and metrics routes (health.c). */
#ifndef RELAY_HEALTH_H
#define RELAY_HEALTH_H

#include "http.h"

void health_live(struct req *q);    /* GET /healthz */
void health_ready(struct req *q);   /* GET /readyz */
void health_metrics(struct req *q); /* GET /metrics */

#endif
