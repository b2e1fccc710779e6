#include <string.h>

#include <sodium.h>

#include "net_hdrs.h"

void
net_hdrs_wipe(struct curl_slist *list)
{
	for (; list != NULL; list = list->next)
		if (list->data != NULL)
			sodium_memzero(list->data, strlen(list->data));
}

void
net_hdrs_free(struct curl_slist *list)
{
	net_hdrs_wipe(list);
	curl_slist_free_all(list);
}
