package observe

import "github.com/albatross-lb/albatross/internal/tlsconf"

// opensslCipher is the OpenSSL name of a suite, the form the ALB writes in ssl_cipher (§8.2
// field 15) and tls_cipher; the table is tlsconf's, shared with x-amzn-tls-cipher-suite (TLS-06).
func opensslCipher(id uint16) string { return tlsconf.OpenSSLCipher(id) }
