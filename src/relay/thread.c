/* Stopping the relay's worker threads (thread.h). */
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
