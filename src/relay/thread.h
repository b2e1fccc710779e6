/*
 * Waiting in and stopping the relay's worker threads.  Each sleeps on a condition
 * variable and leaves its loop when a flag says so; the flag is set and
 * the thread woken under the lock it waits with, so the wake-up cannot
 * fall between its test of the flag and its wait.
 */
#ifndef RELAY_THREAD_H
#define RELAY_THREAD_H

#include <pthread.h>
#include <stdbool.h>

/* Sets *flag to value under lock, wakes every waiter of wake and joins
 * thread. */
void relay_thread_stop(pthread_t thread, pthread_mutex_t *lock,
    pthread_cond_t *wake, bool *flag, bool value);

/* pthread_cond_timedwait() on wake (lock held) for at most ms
 * milliseconds from now; its answer. */
int relay_thread_wait_ms(pthread_cond_t *wake, pthread_mutex_t *lock,
    long ms);

#endif
