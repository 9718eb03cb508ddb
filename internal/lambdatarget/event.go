package lambdatarget

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// event is everything the request event (§5.2) is built from. Values are taken as the listener
// left them: forwarding headers are already in Header (LAM-14) and Host is the host to forward.
type event struct {
	TargetGroupARN string
	Method         string
	// Path is the raw path as received, without the query (§12.7).
	Path string
	// RawQuery is the query string as received, undecoded (LAM-11).
	RawQuery string
	// Host becomes the "host" header; "" for none.
	Host   string
	Header http.Header
	Body   []byte
	// MultiValue selects multiValueQueryStringParameters/multiValueHeaders (LAM-10).
	MultiValue bool
}

// notUTF8Error says which part of the request is not valid UTF-8 (LAM-13).
type notUTF8Error struct{ field string }

func (e *notUTF8Error) Error() string { return e.field + ": not valid UTF-8" }

// appendJSON appends the event as JSON, fields in the order of AWS's examples: requestContext,
// httpMethod, path, query, headers, body, isBase64Encoded. It fails only for text that is not
// valid UTF-8 (LAM-13).
func (e *event) appendJSON(dst []byte) ([]byte, error) {
	var ok bool
	dst = append(dst, `{"requestContext":{"elb":{"targetGroupArn":`...)
	if dst, ok = appendString(dst, e.TargetGroupARN); !ok {
		return nil, &notUTF8Error{"targetGroupArn"}
	}
	dst = append(dst, `}},"httpMethod":`...)
	if dst, ok = appendString(dst, e.Method); !ok {
		return nil, &notUTF8Error{"method"}
	}
	dst = append(dst, `,"path":`...)
	if dst, ok = appendString(dst, e.Path); !ok {
		return nil, &notUTF8Error{"path"}
	}
	if dst, ok = e.appendQuery(dst); !ok {
		return nil, &notUTF8Error{"query string"}
	}
	var err error
	if dst, err = e.appendHeaders(dst); err != nil {
		return nil, err
	}
	return e.appendBody(dst)
}

// queryParam is one key=value of the query string, both undecoded (LAM-11).
type queryParam struct{ key, value string }

// appendQuery writes queryStringParameters (last value wins) or multiValueQueryStringParameters
// (every value in arrival order), `{}` when there is no query (LAM-10, LAM-11, T1-T3). Keys are
// sorted so that events are deterministic. Pairs are split on '&' only; a key without '=' has the
// value "", and empty pairs (as in `?&a=1`) are skipped.
func (e *event) appendQuery(dst []byte) ([]byte, bool) {
	if e.MultiValue {
		dst = append(dst, `,"multiValueQueryStringParameters":{`...)
	} else {
		dst = append(dst, `,"queryStringParameters":{`...)
	}
	params := parseQuery(e.RawQuery)
	var ok bool
	for i := 0; i < len(params); {
		j := i + 1
		for j < len(params) && params[j].key == params[i].key {
			j++
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, ok = appendString(dst, params[i].key); !ok {
			return dst, false
		}
		dst = append(dst, ':')
		if dst, ok = appendValues(dst, params[i:j], e.MultiValue); !ok {
			return dst, false
		}
		i = j
	}
	return append(dst, '}'), true
}

func appendValues(dst []byte, run []queryParam, multi bool) ([]byte, bool) {
	if !multi {
		return appendString(dst, run[len(run)-1].value)
	}
	var ok bool
	dst = append(dst, '[')
	for k, p := range run {
		if k > 0 {
			dst = append(dst, ',')
		}
		if dst, ok = appendString(dst, p.value); !ok {
			return dst, false
		}
	}
	return append(dst, ']'), true
}

// parseQuery splits a raw query into pairs, stably sorted by key so that equal keys are adjacent
// and keep their arrival order.
func parseQuery(raw string) []queryParam {
	if raw == "" {
		return nil
	}
	params := make([]queryParam, 0, strings.Count(raw, "&")+1)
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		key, value, _ := strings.Cut(part, "=")
		params = append(params, queryParam{key, value})
	}
	slices.SortStableFunc(params, func(a, b queryParam) int { return strings.Compare(a.key, b.key) })
	return params
}

// appendHeaders writes headers (last value wins) or multiValueHeaders (every value in order),
// names lowercased and sorted, with "host" taken from Host (LAM-10, LAM-14, LAM-15, T8).
func (e *event) appendHeaders(dst []byte) ([]byte, error) {
	if e.MultiValue {
		dst = append(dst, `,"multiValueHeaders":{`...)
	} else {
		dst = append(dst, `,"headers":{`...)
	}
	names := make([]string, 0, len(e.Header)+1)
	for name := range e.Header {
		if !strings.EqualFold(name, "Host") {
			names = append(names, name)
		}
	}
	if e.Host != "" {
		names = append(names, "host")
	}
	slices.SortFunc(names, lowerCompare)
	var ok bool
	for i := 0; i < len(names); {
		// Names that differ only in case (possible only for non-canonical keys) are merged.
		j := i + 1
		for j < len(names) && lowerCompare(names[i], names[j]) == 0 {
			j++
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, ok = appendLowerString(dst, names[i]); !ok {
			return nil, &notUTF8Error{"header name"}
		}
		dst = append(dst, ':')
		if dst, ok = e.appendHeaderValues(dst, names[i:j]); !ok {
			return nil, &notUTF8Error{fmt.Sprintf("header %q", strings.ToLower(names[i]))}
		}
		i = j
	}
	return append(dst, '}'), nil
}

// appendHeaderValues writes the value (last one wins) or the array of values of the header names,
// which differ only in case; a header without values is "". It writes straight from e.Header,
// without collecting the values first: this runs for every header of every request.
func (e *event) appendHeaderValues(dst []byte, names []string) ([]byte, bool) {
	host := [1]string{e.Host}
	if e.MultiValue {
		dst = append(dst, '[')
	}
	last, n := "", 0
	for _, name := range names {
		values := e.Header[name]
		if name == "host" && e.Host != "" {
			values = host[:]
		}
		for _, v := range values {
			last = v
			if !e.MultiValue {
				continue
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = appendString(dst, v); !ok {
				return dst, false
			}
			n++
		}
	}
	if !e.MultiValue {
		return appendString(dst, last)
	}
	if n == 0 {
		dst = append(dst, `""`...)
	}
	return append(dst, ']'), true
}

// appendBody writes body and isBase64Encoded by LAM-12: raw text for textual media types without
// a content-encoding, base64 otherwise. An empty body is always `"body":"","isBase64Encoded":false`
// (T7, §12.6).
func (e *event) appendBody(dst []byte) ([]byte, error) {
	dst = append(dst, `,"body":`...)
	if len(e.Body) == 0 {
		return append(dst, `"","isBase64Encoded":false}`...), nil
	}
	if !sendsAsText(e.Header) {
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, e.Body)
		return append(dst, `","isBase64Encoded":true}`...), nil
	}
	var ok bool
	if dst, ok = appendBytes(dst, e.Body); !ok {
		return nil, &notUTF8Error{"body"}
	}
	return append(dst, `,"isBase64Encoded":false}`...), nil
}

// requestPath is the event's path: the path of the request target exactly as the client sent it,
// without the query and without decoding (§12.7). When a url-rewrite transform has changed r.URL
// since, the rewritten path is used in its escaped form.
func requestPath(r *http.Request) string {
	if raw := rawRequestPath(r.RequestURI); raw != "" {
		if raw == r.URL.Path || !strings.Contains(raw, "%") && raw == r.URL.EscapedPath() {
			return raw
		}
		if decoded, err := url.PathUnescape(raw); err == nil && decoded == r.URL.Path {
			return raw
		}
	}
	return r.URL.EscapedPath()
}

// rawRequestPath strips the query and, for an absolute-form target (`GET http://host/p`), the
// scheme and authority.
func rawRequestPath(requestURI string) string {
	p, _, _ := strings.Cut(requestURI, "?")
	if p != "" && p[0] != '/' && p != "*" {
		if _, rest, ok := strings.Cut(p, "://"); ok {
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				return rest[i:]
			}
			return "/"
		}
	}
	return p
}
