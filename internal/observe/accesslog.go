package observe

import (
	"crypto/tls"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// maxUserAgent is where the user_agent field is cut (§8.2 field 14: "truncated at 8 KB").
const maxUserAgent = 8 << 10

// timeLayout is ISO 8601 UTC with microseconds, as in `2018-07-02T22:23:00.186641Z` (§8.2).
const timeLayout = "2006-01-02T15:04:05.000000Z"

// AppendAccessLog appends ex as one access-log entry in the ALB format, every field of §8.2 in
// order (1-33), followed by a newline. Fields with no value are "-" (or -1 for the times of a
// request that was never dispatched); quoted fields escape what would break the line (see
// appendQuoted). It does not retain b or ex.
func AppendAccessLog(b []byte, ex *Exchange) []byte {
	b = append(b, logType(ex)...)
	b = append(b, ' ')
	b = ex.Finished.UTC().AppendFormat(b, timeLayout)
	b = appendToken(b, ex.LoadBalancer)
	b = appendClient(b, ex.Client)
	b = appendToken(b, ex.Target)
	b = appendTimes(b, ex)
	b = appendStatus(b, ex.Status)
	b = appendStatus(b, ex.TargetStatus)
	b = append(b, ' ')
	b = strconv.AppendInt(b, ex.ReceivedBytes, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, ex.SentHeaderBytes+ex.BytesSent, 10)
	b = appendRequest(b, ex)
	b = appendQuoted(b, truncate(ex.UserAgent, maxUserAgent))
	cipher, protocol, sni := tlsFields(ex.TLS)
	if ex.SNIDefaultCert {
		sni = "" // TLS-03: the name selected no certificate, the default was served
	}
	b = appendToken(b, cipher)
	b = appendToken(b, protocol)
	b = appendToken(b, ex.TargetGroupARN)
	b = appendQuoted(b, ex.TraceID)
	b = appendQuoted(b, sni)
	b = appendQuoted(b, ex.CertificateARN)
	b = appendPriority(b, ex.MatchedRulePriority)
	b = append(b, ' ')
	b = ex.Received.UTC().AppendFormat(b, timeLayout)
	b = appendQuoted(b, strings.Join(ex.ActionsExecuted, ","))
	b = appendQuoted(b, ex.RedirectURL)
	b = appendQuoted(b, ex.ErrorReason)
	b = appendQuoted(b, ex.Target) // field 26: one item today, "-" for Lambda (LAM-30)
	b = appendQuoted(b, targetStatusList(ex))
	b = appendQuoted(b, ex.Classification)
	b = appendQuoted(b, ex.ClassificationReason)
	b = append(b, ' ')
	b = AppendConnTraceID(b, ex.Client, ex.ListenerPort)
	// Fields 31-33 (TRF-06, §12.9 [amb]): quoted like the other text fields, "-" when empty.
	b = appendQuoted(b, ex.TransformedHost)
	b = appendQuoted(b, ex.TransformedURI)
	b = appendQuoted(b, ex.TransformStatus)
	return append(b, '\n')
}

// logType is field 1: http, https, h2, ws or wss.
func logType(ex *Exchange) string {
	secure := ex.Protocol == "HTTPS"
	switch {
	case ex.WebSocket && secure:
		return "wss"
	case ex.WebSocket:
		return "ws"
	case secure && ex.HTTPVersion == "HTTP/2.0" && ex.TLS != nil && ex.TLS.NegotiatedProtocol == "h2":
		// The connection speaks h2 (ALPN): an "HTTP/2.0" request line refused on an HTTP/1.1
		// connection (505) stays https.
		return "h2"
	case secure:
		return "https"
	}
	return "http"
}

// appendToken appends a space and an unquoted field, "-" when empty.
func appendToken(b []byte, s string) []byte {
	b = append(b, ' ')
	if s == "" {
		return append(b, '-')
	}
	return append(b, s...)
}

// appendClient is field 4. IPv6 addresses are written without brackets: the Athena table's
// regex splits the port at the last colon, so "2001:db8::1:51234" parses as ip and port.
func appendClient(b []byte, c netip.AddrPort) []byte {
	b = append(b, ' ')
	if !c.IsValid() {
		return append(b, '-')
	}
	b = c.Addr().AppendTo(b)
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(c.Port()), 10)
}

// appendTimes is fields 6-8 in seconds with millisecond precision; -1 when the request was never
// dispatched, and -1 for the target and response times when the target never answered (§8.2).
func appendTimes(b []byte, ex *Exchange) []byte {
	if ex.TargetSent.IsZero() {
		return append(b, " -1 -1 -1"...)
	}
	b = appendSeconds(b, ex.TargetSent.Sub(ex.Received))
	if ex.TargetResponded.IsZero() {
		return append(b, " -1 -1"...)
	}
	b = appendSeconds(b, ex.TargetResponded.Sub(ex.TargetSent))
	// Headers are passed on as soon as they arrive: the response processing time is the
	// load balancer's own turnaround, below a millisecond.
	return append(b, " 0.000"...)
}

func appendSeconds(b []byte, d time.Duration) []byte {
	b = append(b, ' ')
	return strconv.AppendFloat(b, max(d, 0).Seconds(), 'f', 3, 64)
}

// appendStatus is a status field: the code, or "-" when there is none.
func appendStatus(b []byte, status int) []byte {
	b = append(b, ' ')
	if status == 0 {
		return append(b, '-')
	}
	return strconv.AppendInt(b, int64(status), 10)
}

// appendRequest is field 13: `"METHOD scheme://host:port/uri HTTP/x.y"`. A request whose line
// could not be read is `"- scheme://host:port- -"`, as ALB writes it for one ("- http://<the load
// balancer's DNS name>:80- -" in captured entries, docs/observability.md "Refused requests"):
// RequestHost is then the load balancer's DNS name.
func appendRequest(b []byte, ex *Exchange) []byte {
	b = append(b, ` "`...)
	if ex.Method == "" {
		b = append(b, "- "...)
	} else {
		b = appendEscaped(b, ex.Method)
		b = append(b, ' ')
	}
	if ex.Protocol == "HTTPS" {
		b = append(b, "https://"...)
	} else {
		b = append(b, "http://"...)
	}
	b = appendEscaped(b, ex.RequestHost)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(ex.ListenerPort), 10)
	if ex.Method == "" {
		return append(b, `- -"`...)
	}
	b = appendEscaped(b, requestPath(ex.RequestURI))
	b = append(b, ' ')
	b = appendEscaped(b, ex.HTTPVersion)
	return append(b, '"')
}

// requestPath is the URI as sent, without the scheme and authority of an absolute-form target
// (which the request field already shows).
func requestPath(uri string) string {
	if strings.HasPrefix(uri, "/") {
		return uri
	}
	if _, rest, ok := strings.Cut(uri, "://"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return rest[i:]
		}
		return "/"
	}
	return "/" + strings.TrimPrefix(uri, "*")
}

// appendPriority is field 21 (RUL-02): the priority, 0 for the default rule, -1 for an error
// during rule evaluation, "-" when the request never reached the rules.
func appendPriority(b []byte, p int) []byte {
	b = append(b, ' ')
	if p == NotRouted {
		return append(b, '-')
	}
	return strconv.AppendInt(b, int64(p), 10)
}

// targetStatusList is field 27. §12.22: as in AWS's Lambda example, the list is "-" when no
// target:port was involved (Lambda) even though field 10 shows the function's status.
func targetStatusList(ex *Exchange) string {
	if ex.Target == "" || ex.TargetStatus == 0 {
		return ""
	}
	return strconv.Itoa(ex.TargetStatus)
}

// appendQuoted appends a space and s in double quotes, `"-"` when empty.
func appendQuoted(b []byte, s string) []byte {
	if s == "" {
		return append(b, ` "-"`...)
	}
	b = append(b, ` "`...)
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped copies s, writing control characters, DEL, `"` and `\` as \xHH so that a field
// can neither end its quotes nor break the line; parsers that split on quotes (the Athena
// table's regex) keep working. Other bytes, UTF-8 included, are copied as they are.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
			continue
		}
		b = append(b, c)
	}
	return b
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// tlsFields returns ssl_cipher and ssl_protocol as OpenSSL names them (§8.2 fields 15-16; the
// names are tlsconf's, shared with the TLS-06 headers) and the SNI name of a TLS connection, or
// "" for each on a plain connection.
func tlsFields(cs *tls.ConnectionState) (cipher, protocol, sni string) {
	if cs == nil {
		return "", "", ""
	}
	return tlsconf.OpenSSLCipher(cs.CipherSuite), tlsconf.VersionName(cs.Version), cs.ServerName
}
