package controlapi

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
)

// QueryNamespace is the ELBv2 XML namespace (A.1).
const QueryNamespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"

// MarshalResult renders the Query protocol success envelope (A.3):
// <OpResponse xmlns=...><OpResult>result</OpResult><ResponseMetadata>...</ResponseMetadata>
// </OpResponse>. result is a struct whose fields carry xml tags; nil gives the empty
// <OpResult/> that clients still require.
func MarshalResult(op, requestID string, result any) ([]byte, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: op + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: QueryNamespace}}}
	wrapper := xml.StartElement{Name: xml.Name{Local: op + "Result"}}
	if err := enc.EncodeToken(root); err != nil {
		return nil, err
	}
	if result == nil {
		if err := enc.EncodeToken(wrapper); err != nil {
			return nil, err
		}
		if err := enc.EncodeToken(wrapper.End()); err != nil {
			return nil, err
		}
	} else if err := enc.EncodeElement(result, wrapper); err != nil {
		return nil, err
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// queryError is the Query protocol error envelope (A.4): RequestId is a sibling of Error.
type queryError struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// MarshalQueryError renders e as an ErrorResponse document.
func MarshalQueryError(e *Error, requestID string) []byte {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	out, err := xml.Marshal(queryError{Xmlns: QueryNamespace, Type: typ, Code: e.Code, Message: e.Message, RequestID: requestID})
	if err != nil {
		return nil // a struct of strings always marshals
	}
	return append(out, '\n')
}

// WriteQueryResult writes a success envelope with status 200 and Content-Type text/xml.
func WriteQueryResult(w http.ResponseWriter, r *http.Request, op string, result any) {
	body, err := MarshalResult(op, RequestID(r), result)
	if err != nil {
		WriteQueryError(w, r, &Error{Code: "InternalFailure", Message: err.Error(), Status: http.StatusInternalServerError})
		return
	}
	writeXML(w, http.StatusOK, body)
}

// WriteQueryError writes e in the Query protocol's error shape with e.Status.
func WriteQueryError(w http.ResponseWriter, r *http.Request, e *Error) {
	for k, vs := range e.Header {
		w.Header()[k] = vs
	}
	writeXML(w, e.Status, MarshalQueryError(e, RequestID(r)))
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
