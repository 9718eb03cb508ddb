package controlapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SigV4 verifies AWS Signature Version 4 signatures (Authorization header form) for a set of
// credentials. The algorithm is AWS's "Create a signed AWS API request"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
type SigV4 struct {
	// Credentials maps an access key ID to its secret access key.
	Credentials map[string]string
	// MaxSkew bounds the difference between X-Amz-Date and the clock. Zero means 15 minutes,
	// as AWS allows.
	MaxSkew time.Duration
	// Now is the clock. nil means time.Now.
	Now func() time.Time
}

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// maxSignedBody bounds the body read for hashing (CreateFunction carries a base64 zip).
const maxSignedBody = 80 << 20

// Verify checks r's signature and returns a 403 *Error when it is missing or wrong. It reads the
// body to hash it and puts it back so that handlers can read it again.
func (v *SigV4) Verify(r *http.Request) *Error {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return deny("MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	p, e := parseAuthorization(auth)
	if e != nil {
		return e
	}
	secret, ok := v.Credentials[p.accessKey]
	if !ok {
		return deny("InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || !strings.HasPrefix(amzDate, p.date) {
		return deny("IncompleteSignature", "X-Amz-Date must be a valid yyyyMMddTHHmmssZ date matching the credential scope")
	}
	if skew := v.now().Sub(t).Abs(); skew > v.maxSkew() {
		return deny("SignatureDoesNotMatch", "Signature expired: "+amzDate+" is not within "+v.maxSkew().String()+" of the server time")
	}
	payloadHash, e := bodyHash(r)
	if e != nil {
		return e
	}
	canonical := canonicalRequest(r, p.signedHeaders, payloadHash)
	want := signature(secret, amzDate, p.date, p.region, p.service, canonical)
	if !hmac.Equal([]byte(want), []byte(p.signature)) {
		return deny("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return nil
}

// Sign is the client side of Verify (used by `albatross targets`): it sets X-Amz-Date to now and
// an Authorization header signing the host and date headers and body with the access key id and
// secret, for region and service.
func Sign(r *http.Request, body []byte, id, secret, region, service string, now time.Time) {
	amzDate := now.UTC().Format("20060102T150405Z")
	r.Header.Set("X-Amz-Date", amzDate)
	signed := []string{"host", "x-amz-date"}
	canonical := canonicalRequest(r, signed, hexSHA256(body))
	date := amzDate[:8]
	scope := date + "/" + region + "/" + service + "/aws4_request"
	r.Header.Set("Authorization", sigV4Algorithm+" Credential="+id+"/"+scope+", SignedHeaders="+
		strings.Join(signed, ";")+", Signature="+signature(secret, amzDate, date, region, service, canonical))
}

// signature returns the hex signature of a canonical request made at amzDate, scoped to date,
// region and service.
func signature(secret, amzDate, date, region, service, canonical string) string {
	scope := date + "/" + region + "/" + service + "/aws4_request"
	toSign := sigV4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hexSHA256([]byte(canonical))
	return hex.EncodeToString(hmacSHA256(signingKey(secret, date, region, service), []byte(toSign)))
}

func (v *SigV4) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *SigV4) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return 15 * time.Minute
}

func deny(code, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: http.StatusForbidden}
}

type authorization struct {
	accessKey, date, region, service, signature string
	signedHeaders                               []string
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/elasticloadbalancing/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=hex".
func parseAuthorization(h string) (authorization, *Error) {
	var a authorization
	alg, rest, _ := strings.Cut(h, " ")
	if alg != sigV4Algorithm {
		return a, deny("IncompleteSignature", "Authorization must use "+sigV4Algorithm)
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(val, "/")
			if len(f) != 5 || f[4] != "aws4_request" {
				return a, deny("IncompleteSignature", "Credential must be AKID/date/region/service/aws4_request")
			}
			a.accessKey, a.date, a.region, a.service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			a.signedHeaders = strings.Split(val, ";")
		case "Signature":
			a.signature = val
		}
	}
	if a.accessKey == "" || len(a.signedHeaders) == 0 || a.signature == "" {
		return a, deny("IncompleteSignature", "Authorization needs Credential, SignedHeaders and Signature")
	}
	return a, nil
}

// bodyHash returns the hex SHA-256 of the body (or the client's X-Amz-Content-Sha256 claim,
// which it signed) and restores the body.
func bodyHash(r *http.Request) (string, *Error) {
	if r.Body == nil {
		return hexSHA256(nil), nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSignedBody+1))
	if err != nil || len(body) > maxSignedBody {
		return "", &Error{Code: "RequestEntityTooLarge", Message: "request body too large or unreadable", Status: http.StatusRequestEntityTooLarge}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" {
		return claimed, nil
	}
	return hexSHA256(body), nil
}

// canonicalRequest builds the canonical request. Services other than S3 encode the path twice:
// the client signs the escaped path escaped again (aws-sdk-go-v2 v4 signer, botocore).
func canonicalRequest(r *http.Request, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(uriEncode(path, false) + "\n")
	b.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		b.WriteString(h + ":" + headerValue(r, h) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + payloadHash)
	return b.String()
}

func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vals := r.Header.Values(name)
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ (and '/' unless encodeSlash).
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

func hexSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
