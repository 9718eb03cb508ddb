package wire

// Class is a desync tier, ordered so that a larger value is worse (DSY-01). Its values and
// String match router.Classification so that the two can be converted without a table.
type Class uint8

// Desync tiers.
const (
	Compliant Class = iota
	Acceptable
	Ambiguous
	Severe
)

// String is the access log's classification field: "" for Compliant, which the log writes as "-".
func (c Class) String() string {
	switch c {
	case Acceptable:
		return "Acceptable"
	case Ambiguous:
		return "Ambiguous"
	case Severe:
		return "Severe"
	}
	return ""
}

// Reason is why a request got its Class: http-desync-guardian's classification reasons, named
// as the access log's classification_reason field writes them.
type Reason uint8

// Classification reasons. The zero value is a compliant request. The tier of each is in
// reasonTable; docs/engine.md says when each one is reported.
const (
	ReasonNone Reason = iota
	// Acceptable.
	ReasonNonCompliantHeader
	ReasonSpaceInURI
	ReasonNonCompliantVersion
	ReasonGetHeadZeroContentLength
	ReasonNonCrLfLineTermination
	// Ambiguous.
	ReasonEmptyHeader
	ReasonAmbiguousURI
	ReasonUndefinedContentLengthSemantics
	ReasonUndefinedTransferEncodingSemantics
	ReasonDuplicateContentLength
	ReasonBothTeClPresent
	ReasonSuspiciousHeader
	ReasonMultilineHeader
	ReasonPartialHeaderLine
	ReasonMissingLastEmptyLine
	ReasonMissingHeaderColon
	ReasonMissingURI
	// Severe.
	ReasonBadHeader
	ReasonBadURI
	ReasonBadVersion
	ReasonMultipleContentLength
	ReasonBadContentLength
	ReasonMultipleTransferEncodingChunked
	ReasonBadTransferEncoding
	ReasonBadMethod
	numReasons
)

// reasonTable gives each reason its log name and its tier.
var reasonTable = [numReasons]struct {
	name  string
	class Class
}{
	ReasonNone:                               {"", Compliant},
	ReasonNonCompliantHeader:                 {"NonCompliantHeader", Acceptable},
	ReasonSpaceInURI:                         {"SpaceInUri", Acceptable},
	ReasonNonCompliantVersion:                {"NonCompliantVersion", Acceptable},
	ReasonGetHeadZeroContentLength:           {"GetHeadZeroContentLength", Acceptable},
	ReasonNonCrLfLineTermination:             {"NonCrLfLineTermination", Acceptable},
	ReasonEmptyHeader:                        {"EmptyHeader", Ambiguous},
	ReasonAmbiguousURI:                       {"AmbiguousUri", Ambiguous},
	ReasonUndefinedContentLengthSemantics:    {"UndefinedContentLengthSemantics", Ambiguous},
	ReasonUndefinedTransferEncodingSemantics: {"UndefinedTransferEncodingSemantics", Ambiguous},
	ReasonDuplicateContentLength:             {"DuplicateContentLength", Ambiguous},
	ReasonBothTeClPresent:                    {"BothTeClPresent", Ambiguous},
	ReasonSuspiciousHeader:                   {"SuspiciousHeader", Ambiguous},
	ReasonMultilineHeader:                    {"MultilineHeader", Ambiguous},
	ReasonPartialHeaderLine:                  {"PartialHeaderLine", Ambiguous},
	ReasonMissingLastEmptyLine:               {"MissingLastEmptyLine", Ambiguous},
	ReasonMissingHeaderColon:                 {"MissingHeaderColon", Ambiguous},
	ReasonMissingURI:                         {"MissingUri", Ambiguous},
	ReasonBadHeader:                          {"BadHeader", Severe},
	ReasonBadURI:                             {"BadUri", Severe},
	ReasonBadVersion:                         {"BadVersion", Severe},
	ReasonMultipleContentLength:              {"MultipleContentLength", Severe},
	ReasonBadContentLength:                   {"BadContentLength", Severe},
	ReasonMultipleTransferEncodingChunked:    {"MultipleTransferEncodingChunked", Severe},
	ReasonBadTransferEncoding:                {"BadTransferEncoding", Severe},
	ReasonBadMethod:                          {"BadMethod", Severe},
}

// String is the access log's classification_reason field, "" for a compliant request.
func (r Reason) String() string {
	if r >= numReasons {
		return "Unknown"
	}
	return reasonTable[r].name
}

// Class is the tier the reason puts a request in.
func (r Reason) Class() Class {
	if r >= numReasons {
		return Severe
	}
	return reasonTable[r].class
}

// Verdict is a request's classification: the worst tier found and the first reason of that
// tier, which is what the guardian reports when several apply.
type Verdict struct {
	Class  Class
	Reason Reason
}

// note keeps the worse of v and r; of two reasons of one tier, the first wins.
func (v *Verdict) note(r Reason) {
	if c := r.Class(); c > v.Class {
		v.Class, v.Reason = c, r
	}
}
