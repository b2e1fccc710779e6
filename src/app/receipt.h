/*
 * Read receipts: opening a conversation (or reading it while new messages
 * arrive) marks its newest inbound message read, once per message:
 * POST /v1/conversations/{id}/read {"message": id}.  A failed request is
 * forgotten, so the next look tries again.
 *
 * Ownership: the receipt records belong to app->receipts (receipt_free).
 */
#ifndef TTYDESK_RECEIPT_H
#define TTYDESK_RECEIPT_H

struct app;
struct td_conversation;

/* Call before model_mark_read(): only a message still unread is marked. */
void receipt_mark(struct app *app, struct td_conversation *c);
void receipt_free(struct app *app);

#endif
