// Package wire encodes and decodes Jupyter messages as they travel over
// ZeroMQ: the multipart framing, HMAC signing and the typed message
// contents of the Jupyter messaging protocol, version 5.4.
//
// See https://jupyter-client.readthedocs.io/en/stable/messaging.html.
//
// # Framing
//
// A message on the wire is a list of frames:
//
//	identities... "<IDS|MSG>" signature header parent_header metadata content buffers...
//
// The signature is the hex HMAC of the four JSON frames that follow it.
// A [Codec] holds the key; [Codec.Decode] checks the signature in constant
// time and rejects a signature it has seen before (a replayed message).
//
// Package wire never imports the session: it knows messages, not cells.
package wire
