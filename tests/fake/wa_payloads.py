"""WhatsApp Cloud API webhook bodies, built the way Meta sends them.

Shared by the fake Graph API (its customer simulator and status webhooks)
and by the integration tests.  Python standard library only.
"""

import base64
import hashlib
import hmac
import json
import os
import time

_PRODUCT = "whatsapp"


def sign(app_secret, body):
	"""The X-Hub-Signature-256 header value for a raw body (bytes)."""
	if isinstance(app_secret, str):
		app_secret = app_secret.encode()
	mac = hmac.new(app_secret, body, hashlib.sha256).hexdigest()
	return "sha256=" + mac


def _wamid(who, marker):
	# Real wamids are base64 of a small binary record: the customer's
	# number, a marker, and an uppercase hex id.  Tests only need them to
	# look real and be unique.
	who = (who or "0").encode()[:40]
	rand = os.urandom(9).hex().upper().encode()
	raw = b"\x1c\x18" + bytes([len(who)]) + who + marker + rand + b"\x00"
	return "wamid." + base64.b64encode(raw).decode()


def new_outbound_wamid(recipient):
	"""A fresh id for a message the business sent."""
	return _wamid(recipient, b"\x15\x02\x00\x11\x18\x12")


def new_inbound_wamid(sender):
	"""A fresh id for a message a customer sent."""
	return _wamid(sender, b"\x15\x02\x00\x12\x18\x14")


def new_media_id():
	return str(10 ** 15 + int.from_bytes(os.urandom(6), "big"))


class Customer:
	"""A WhatsApp user.  Phone customers have wa_id; customers who hide
	their number have only user_id (BSUID); linked ones have both."""

	def __init__(self, wa_id=None, user_id=None, name=None, username=None,
	    parent_user_id=None):
		if not wa_id and not user_id:
			raise ValueError("a customer needs wa_id or user_id")
		self.wa_id = wa_id
		self.user_id = user_id
		self.name = name
		self.username = username
		self.parent_user_id = parent_user_id

	@property
	def ident(self):
		"""What the relay reports as `from`: wa_id when known, else BSUID."""
		return self.wa_id or self.user_id

	def contact(self):
		c = {}
		profile = {}
		if self.name is not None:
			profile["name"] = self.name
		if self.username is not None:
			profile["username"] = self.username
		c["profile"] = profile
		if self.wa_id:
			c["wa_id"] = self.wa_id
		if self.user_id:
			c["user_id"] = self.user_id
		if self.parent_user_id:
			c["parent_user_id"] = self.parent_user_id
		if self.username is not None:
			c["username"] = self.username
		return c

	def to_dict(self):
		return {k: v for k, v in (("wa_id", self.wa_id),
		    ("user_id", self.user_id), ("name", self.name),
		    ("username", self.username)) if v is not None}


def phone_customer(n, name=None):
	"""A deterministic phone customer number n (wa_id 1555010xxxx)."""
	return Customer(wa_id="1555%07d" % n, name=name or "Customer %d" % n)


def bsuid_customer(n, name=None, username=None):
	"""A customer who hides their phone number: BSUID only."""
	return Customer(user_id="US.%020d" % (13491208655302741918 + n),
	    name=name or "Hidden %d" % n, username=username)


def envelope(values, waba_id="102290129340398", field="messages"):
	"""The outer whatsapp_business_account envelope around change values."""
	changes = [{"field": field, "value": v} for v in values]
	return {"object": "whatsapp_business_account",
	    "entry": [{"id": waba_id, "changes": changes}]}


def metadata(phone_number_id, display_phone_number):
	return {"display_phone_number": display_phone_number,
	    "phone_number_id": phone_number_id}


def message_value(phone_number_id, display, customer, messages):
	"""A `messages` change value: contacts + messages from one customer."""
	return {"messaging_product": _PRODUCT,
	    "metadata": metadata(phone_number_id, display),
	    "contacts": [customer.contact()],
	    "messages": messages}


def status_value(phone_number_id, display, statuses):
	return {"messaging_product": _PRODUCT,
	    "metadata": metadata(phone_number_id, display),
	    "statuses": statuses}


MESSAGE_TYPES = ("text", "reply", "image", "video", "audio", "voice",
    "document", "sticker", "location", "contacts", "button_reply",
    "list_reply", "button", "reaction", "unreaction", "order", "unsupported")


def inbound_message(customer, mtype="text", text=None, timestamp=None,
    wamid=None, context=None, media_id=None, mime_type=None, sha256=None,
    caption=None, filename=None, latitude=None, longitude=None,
    name=None, address=None, reaction_to=None, emoji=None, payload=None,
    button_id=None, title=None, description=None):
	"""One messages[] element of the given kind.

	mtype is one of MESSAGE_TYPES ("reply" is a text with a context,
	"voice" an audio with voice=true, "unreaction" a reaction with an empty
	emoji).  Media kinds take media_id/mime_type/sha256 (the fake fills them
	in from its media store)."""
	if mtype not in MESSAGE_TYPES:
		raise ValueError("unknown message type %r" % (mtype,))
	if timestamp is None:
		timestamp = int(time.time())
	m = {}
	if customer.wa_id:
		m["from"] = customer.wa_id
	m["id"] = wamid or new_inbound_wamid(customer.ident)
	m["timestamp"] = str(int(timestamp))
	if context:
		m["context"] = dict(context)
	if mtype in ("text", "reply"):
		m["type"] = "text"
		m["text"] = {"body": text if text is not None else "Hello"}
		if mtype == "reply" and "context" not in m:
			raise ValueError("a reply needs context={'from', 'id'}")
	elif mtype in ("image", "video", "audio", "voice", "document",
	    "sticker"):
		kind = "audio" if mtype == "voice" else mtype
		media = {"id": media_id or new_media_id(),
		    "mime_type": mime_type or _DEFAULT_MIME[mtype],
		    "sha256": sha256 or base64.b64encode(os.urandom(32)).decode()}
		if mtype == "voice":
			media["voice"] = True
		if caption is not None and kind in ("image", "video",
		    "document"):
			media["caption"] = caption
		if kind == "document":
			media["filename"] = filename or "invoice.pdf"
		if kind == "sticker":
			media["animated"] = False
		m["type"] = kind
		m[kind] = media
	elif mtype == "location":
		loc = {"latitude": latitude if latitude is not None
		    else 48.8584, "longitude": longitude if longitude
		    is not None else 2.2945}
		if name is not None:
			loc["name"] = name
		if address is not None:
			loc["address"] = address
		m["type"] = "location"
		m["location"] = loc
	elif mtype == "contacts":
		m["type"] = "contacts"
		m["contacts"] = [{"name": {"formatted_name": name or "Ana Diaz",
		    "first_name": "Ana", "last_name": "Diaz"},
		    "phones": [{"phone": "+1 555 0199", "type": "CELL",
		    "wa_id": "15550199"}]}]
	elif mtype == "button_reply":
		m["type"] = "interactive"
		m["interactive"] = {"type": "button_reply", "button_reply": {
		    "id": button_id or "yes", "title": title or "Yes"}}
	elif mtype == "list_reply":
		m["type"] = "interactive"
		m["interactive"] = {"type": "list_reply", "list_reply": {
		    "id": button_id or "opt-2", "title": title or "Option 2",
		    "description": description or "The second option"}}
	elif mtype == "button":
		m["type"] = "button"
		m["button"] = {"payload": payload or "TRACK_ORDER",
		    "text": text or "Track my order"}
	elif mtype in ("reaction", "unreaction"):
		if not reaction_to:
			raise ValueError("a reaction needs reaction_to=<wamid>")
		m["type"] = "reaction"
		m["reaction"] = {"message_id": reaction_to,
		    "emoji": "" if mtype == "unreaction" else (emoji or
		    "\U0001f44d")}
	elif mtype == "order":
		m["type"] = "order"
		m["order"] = {"catalog_id": "1234567890", "text": text or "",
		    "product_items": [{"product_retailer_id": "SKU-1",
		    "quantity": 2, "item_price": 12.5, "currency": "EUR"}]}
	elif mtype == "unsupported":
		m["type"] = "unsupported"
		m["errors"] = [{"code": 131051, "title":
		    "Message type unknown", "message": "Message type unknown",
		    "error_data": {"details":
		    "Message type is currently not supported."}}]
	return m


_DEFAULT_MIME = {"image": "image/jpeg", "video": "video/mp4",
    "audio": "audio/mpeg", "voice": "audio/ogg; codecs=opus",
    "document": "application/pdf", "sticker": "image/webp"}


def status(wamid, state, recipient=None, timestamp=None, error=None):
	"""One statuses[] element.  error: (code, title, details) for failed."""
	if timestamp is None:
		timestamp = int(time.time())
	s = {"id": wamid, "status": state, "timestamp": str(int(timestamp))}
	if recipient:
		s["recipient_id"] = recipient
	if state != "failed":
		s["conversation"] = {"id": os.urandom(16).hex(),
		    "origin": {"type": "service"}}
		s["pricing"] = {"billable": True, "pricing_model": "PMP",
		    "category": "service"}
	elif error:
		code, title, details = error
		s["errors"] = [{"code": code, "title": title, "message": title,
		    "error_data": {"details": details}}]
	return s


def to_bytes(body):
	if isinstance(body, (bytes, bytearray)):
		return bytes(body)
	return json.dumps(body, ensure_ascii=False).encode()
