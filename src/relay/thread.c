/* Waiting in and stopping the relay's worker threads (thread.h). */
#include <time.h>

#include "thread.h"

void
relay_thread_stop(pthread_t thread, pthread_mutex_t *lock,
    pthread_cond_t *wake, bool *flag, bool value)
{
	pthread_mutex_lock(lock);
	*flag = value;
	pthread_cond_broadcast(wake);
	pthread_mutex_unlock(lock);
	pthread_join(thread, NULL);
}

int
relay_thread_wait_ms(pthread_cond_t *wake, pthread_mutex_t *lock, long ms)
{
	struct timespec until;

	/* The condition variables keep the default clock, the wall clock. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return pthread_cond_timedwait(wake, lock, &until);
}
