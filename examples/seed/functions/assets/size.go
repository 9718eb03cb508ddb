package main

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/albatross-lb/albatross/examples/seed/internal/albevent"
)

// maxResponseJSON is the largest response JSON the function hands to the load balancer. The ALB
// answers 502 LambdaResponseTooLarge above "1 MB" (LAM-27); whether that is 10^6 or 2^20 bytes is
// [amb] (spec item 5), so the seed stays under the smaller reading. It bounds the JSON, not the
// object: base64 makes a binary object a third larger, so the largest inline image is about 740 KB.
const maxResponseJSON = 1_000_000

// maxInlineBytes bounds how much of an object is read into memory: a larger object can never fit.
const maxInlineBytes = maxResponseJSON

// presignExpiry is how long the redirect for a large object stays valid.
const presignExpiry = 15 * time.Minute

// encodedSize returns the size of the JSON the Lambda runtime client sends for r.
func encodedSize(r events.ALBTargetGroupResponse) int {
	b, err := json.Marshal(r)
	if err != nil {
		return maxResponseJSON + 1
	}
	return len(b)
}

// tooLarge answers for an object that cannot pass through a Lambda response: a 307 redirect to a
// presigned GET URL of the object, so the client downloads it from S3 directly, with a body that
// says why. The redirect must not be cached beyond the URL's lifetime, hence no-store.
func (s *server) tooLarge(ctx context.Context, key string, size int64) albevent.Response {
	signed, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key},
		s3.WithPresignExpires(presignExpiry))
	if err != nil {
		return plain(http.StatusBadGateway, fmt.Sprintf(
			"%s is %d bytes, over the 1 MB limit of a Lambda response behind a load balancer, and a download link could not be made: %v\n",
			key, size, err))
	}
	r := plain(http.StatusTemporaryRedirect, fmt.Sprintf(
		"%s is %d bytes, over the 1 MB limit of a Lambda response behind a load balancer.\n"+
			"Download it from the bucket directly; this link is valid for %s:\n%s\n",
		key, size, presignExpiry, signed.URL))
	r.Header.Set("Location", signed.URL)
	return r
}

// contentType returns the object's stored type, or one from the key's extension when the object
// was stored without a useful type (S3 then reports a generic octet-stream).
func contentType(key, stored string) string {
	generic := stored == "" || stored == "binary/octet-stream" || stored == "application/octet-stream"
	if !generic {
		return stored
	}
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// sendAsText reports whether a body of this type can travel as a JSON string: textual media types
// that are valid UTF-8. Everything else (images, fonts, archives) is base64-encoded, because a JSON
// string cannot carry arbitrary bytes.
func sendAsText(contentType string, body []byte) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || !utf8.Valid(body) {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml":
		return true
	}
	return false
}
