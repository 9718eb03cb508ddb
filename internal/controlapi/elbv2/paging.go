package elbv2

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/controlapi"
)

// Marker/PageSize paging (A.8): markers are opaque base64 offsets; the last page carries no
// NextMarker, which ends paging in both SDKs (A.5.6).

const (
	maxPageSize     = 400
	defaultPageSize = 400
	markerPrefix    = "albatross:"
)

// page returns the half-open range [start, end) of n items to return and the NextMarker ("" on
// the last page).
func page(f controlapi.Form, n int) (start, end int, next string, err error) {
	size := defaultPageSize
	ps, err := f.Int("PageSize")
	if err != nil {
		return 0, 0, "", err
	}
	if ps != nil {
		if *ps < 1 || *ps > maxPageSize {
			return 0, 0, "", controlapi.Errorf("ValidationError",
				"1 validation error detected: Value '%d' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and %d", *ps, maxPageSize)
		}
		size = *ps
	}
	if m := f.String("Marker"); m != "" {
		start, err = decodeMarker(m)
		if err != nil || start > n {
			return 0, 0, "", controlapi.Errorf("ValidationError", "Invalid Marker %q", m)
		}
	}
	end = min(start+size, n)
	if end < n {
		next = encodeMarker(end)
	}
	return start, end, next, nil
}

func encodeMarker(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(markerPrefix + strconv.Itoa(offset)))
}

func decodeMarker(m string) (int, error) {
	raw, err := base64.StdEncoding.DecodeString(m)
	if err != nil {
		return 0, err
	}
	s, ok := strings.CutPrefix(string(raw), markerPrefix)
	if !ok {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}
