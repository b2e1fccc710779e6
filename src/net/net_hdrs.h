/*
 * curl header lists that carry a bearer token (an agent's to the relay,
 * or the business access token to the Graph API): every line is zeroed
 * before curl frees the list, so the freed heap keeps no copy.  Used by
 * the relay client (net.c) and by the relay's sender and fetcher.
 */
#ifndef NET_HDRS_H
#define NET_HDRS_H

#include <curl/curl.h>

/* Zero every header string of list (NULL is fine). */
void net_hdrs_wipe(struct curl_slist *list);
/* net_hdrs_wipe(), then curl_slist_free_all(). */
void net_hdrs_free(struct curl_slist *list);

#endif
