package elberr

import "strconv"

// phrases are the reason phrases the ALB puts on its status lines and in its pages. The ALB
// speaks nginx (ERR-BODY: "503 Service Temporarily Unavailable"), so every code nginx knows uses
// nginx's phrase, even where it differs from RFC 9110 (302, 405, 408, 413, 414, 503, 504). The
// ALB-only codes have no phrase anywhere; the choices (§12 item 20) are in
// docs/headers-and-errors.md.
var phrases = map[int]string{
	301: "Moved Permanently",
	302: "Moved Temporarily",
	303: "See Other",
	307: "Temporary Redirect",
	308: "Permanent Redirect",
	400: "Bad Request",
	401: "Unauthorized",
	403: "Forbidden",
	404: "Not Found",
	405: "Not Allowed",
	408: "Request Time-out",
	411: "Length Required",
	413: "Request Entity Too Large",
	414: "Request-URI Too Large",
	429: "Too Many Requests",
	460: "Client Closed Request",
	463: "Too Many X-Forwarded-For Addresses",
	464: "Incompatible Protocol Version",
	500: "Internal Server Error",
	501: "Not Implemented",
	502: "Bad Gateway",
	503: "Service Temporarily Unavailable",
	504: "Gateway Time-out",
	505: "HTTP Version Not Supported",
	507: "Insufficient Storage",
	561: "Unauthorized",
}

// pages holds every page, built once at start-up so that writing one formats nothing.
var pages = buildPages()

func buildPages() map[int]string {
	m := make(map[int]string, len(phrases))
	for code, phrase := range phrases {
		m[code] = renderPage(strconv.Itoa(code) + " " + phrase)
	}
	return m
}

// renderPage is the ERR-BODY template: 92 bytes of markup plus the status text twice.
func renderPage(status string) string {
	return "<html>\r\n<head><title>" + status + "</title></head>\r\n<body>\r\n<center><h1>" +
		status + "</h1></center>\r\n</body>\r\n</html>\r\n"
}

// Reason returns the reason phrase the ALB sends with code (ERR-BODY), or "" for a code the ALB
// never generates by itself.
func Reason(code int) string { return phrases[code] }

// Page returns the HTML body the ALB sends with code (ERR-BODY), or "" for a code the ALB never
// generates by itself. The result is shared and costs nothing to fetch.
func Page(code int) string { return pages[code] }

// Codes returns every status code that has a reason phrase and a page, in no particular order.
func Codes() []int {
	codes := make([]int, 0, len(phrases))
	for code := range phrases {
		codes = append(codes, code)
	}
	return codes
}
