package lambda

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

// maxJSONBody bounds a JSON request: a 50 MB zip is about 67 MB in base64.
const maxJSONBody = 70 << 20

// decodeJSON reads the request body into v.
func decodeJSON(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if e := controlapi.BodyError(r, err); e != nil {
		return e
	}
	if err != nil {
		return err
	}
	if len(data) > maxJSONBody {
		return &controlapi.Error{Code: "RequestTooLargeException", Status: http.StatusRequestEntityTooLarge, Message: "Request too large"}
	}
	if len(data) == 0 {
		data = []byte("{}")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return controlapi.Errorf("InvalidRequestContentException", "Could not parse request body into json: %v", err)
	}
	return nil
}

type listResult struct {
	Functions  []functionConfiguration `json:"Functions"`
	NextMarker string                  `json:"NextMarker,omitempty"`
}

// listFunctions pages with Marker/MaxItems (C.5); markers are offsets.
func (h *Handler) listFunctions(w http.ResponseWriter, r *http.Request) {
	snap := h.opts.Store.Snapshot()
	q := r.URL.Query()
	start, size := 0, 50
	if m := q.Get("Marker"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > len(snap.Functions) {
			h.fail(w, invalidParameter("Invalid Marker %q", m))
			return
		}
		start = n
	}
	if s := q.Get("MaxItems"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			h.fail(w, invalidParameter("MaxItems must be between 1 and 10000"))
			return
		}
		size = min(n, 50)
	}
	end := min(start+size, len(snap.Functions))
	out := listResult{Functions: []functionConfiguration{}}
	for i := start; i < end; i++ {
		out.Functions = append(out.Functions, renderConfiguration(&snap.Functions[i]))
	}
	if end < len(snap.Functions) {
		out.NextMarker = strconv.Itoa(end)
	}
	controlapi.WriteJSON(w, http.StatusOK, out)
}

type getResult struct {
	Configuration functionConfiguration `json:"Configuration"`
	Code          map[string]string     `json:"Code"`
	Tags          map[string]string     `json:"Tags,omitempty"`
	Concurrency   *concurrency          `json:"Concurrency,omitempty"`
}

type concurrency struct {
	ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions"`
}

func (h *Handler) getFunction(w http.ResponseWriter, r *http.Request) {
	_, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	out := getResult{Configuration: renderConfiguration(fn), Tags: fn.Tags,
		// The code lives on this host; Location points at its directory.
		Code: map[string]string{"RepositoryType": "S3", "Location": "file://" + fn.Spec.Code}}
	if n := fn.Spec.ReservedConcurrentExecutions; n != nil {
		out.Concurrency = &concurrency{ReservedConcurrentExecutions: n}
	}
	controlapi.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) getFunctionConfiguration(w http.ResponseWriter, r *http.Request) {
	_, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	controlapi.WriteJSON(w, http.StatusOK, renderConfiguration(fn))
}

// createInput is the CreateFunction request body.
type createInput struct {
	FunctionName string
	Runtime      string
	Role         string
	Handler      string
	Description  string
	Timeout      *int
	MemorySize   *int
	Environment  *environment
	Tags         map[string]string
	PackageType  string
	Code         struct {
		ZipFile         []byte // base64 in JSON, which encoding/json decodes
		S3Bucket        string
		ImageURI        string `json:"ImageUri"`
		SourceKMSKeyArn string
	}
}

// createFunction unpacks the zip, adds the function and starts it; the response is 201 with the
// configuration (Lambda's status for CreateFunction).
func (h *Handler) createFunction(w http.ResponseWriter, r *http.Request) {
	var in createInput
	if err := decodeJSON(r, &in); err != nil {
		h.fail(w, err)
		return
	}
	if in.FunctionName == "" {
		h.fail(w, invalidParameter("FunctionName is required"))
		return
	}
	if err := validateFunctionName(in.FunctionName); err != nil {
		h.fail(w, err)
		return
	}
	if in.PackageType == "Image" || in.Code.ImageURI != "" || in.Code.S3Bucket != "" || len(in.Code.ZipFile) == 0 {
		h.fail(w, invalidParameter("Albatross runs zip packages uploaded as Code.ZipFile (e.g. --zip-file fileb://function.zip)"))
		return
	}
	code, err := h.unpack(r.Context(), in.FunctionName, in.Code.ZipFile)
	if err != nil {
		h.fail(w, err)
		return
	}
	spec := config.Function{FunctionName: in.FunctionName, Runtime: in.Runtime, Handler: in.Handler,
		Code: code.Dir, Timeout: in.Timeout, MemorySize: in.MemorySize, Description: in.Description}
	if in.Environment != nil {
		spec.Environment = &config.Environment{Variables: in.Environment.Variables}
	}
	var rec state.Function
	err = h.opts.Store.Update(r.Context(), func(snap *state.Snapshot, api *state.Resources) error {
		if snap.Function(in.FunctionName) != nil {
			return conflict("Function already exist: " + in.FunctionName)
		}
		rec = state.Function{ARN: snap.Config.FunctionARN(in.FunctionName), Source: state.SourceAPI,
			LastModified: h.opts.Store.Now(), CodeSHA256: code.SHA256, CodeSize: code.Size, Role: in.Role,
			RevisionID: controlapi.NewRequestID(), Tags: in.Tags, Spec: spec}
		api.Functions = append(api.Functions, rec)
		return nil
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	controlapi.WriteJSON(w, http.StatusCreated, renderConfiguration(&rec))
}

// updateCodeInput is the UpdateFunctionCode request body.
type updateCodeInput struct {
	ZipFile  []byte
	S3Bucket string
	ImageURI string `json:"ImageUri"`
}

func (h *Handler) updateFunctionCode(w http.ResponseWriter, r *http.Request) {
	var in updateCodeInput
	if err := decodeJSON(r, &in); err != nil {
		h.fail(w, err)
		return
	}
	if len(in.ZipFile) == 0 {
		h.fail(w, invalidParameter("Albatross updates code from Code.ZipFile only (e.g. --zip-file fileb://function.zip)"))
		return
	}
	_, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	code, err := h.unpack(r.Context(), fn.Spec.FunctionName, in.ZipFile)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.change(w, r, fn.Spec.FunctionName, func(f *state.Function) error {
		f.Spec.Code, f.CodeSHA256, f.CodeSize = code.Dir, code.SHA256, code.Size
		return nil
	})
}

// change applies edit to an API-made function and answers with its new configuration. The
// store restarts the function when its settings or code changed.
func (h *Handler) change(w http.ResponseWriter, r *http.Request, name string, edit func(f *state.Function) error) {
	var rec state.Function
	err := h.opts.Store.Update(r.Context(), func(snap *state.Snapshot, api *state.Resources) error {
		f := api.Function(name)
		if f == nil {
			if snap.Function(name) != nil {
				return fileOwned(name)
			}
			return notFound(snap.Config.FunctionARN(name))
		}
		if err := edit(f); err != nil {
			return err
		}
		f.LastModified, f.RevisionID = h.opts.Store.Now(), controlapi.NewRequestID()
		rec = *f
		return nil
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	controlapi.WriteJSON(w, http.StatusOK, renderConfiguration(&rec))
}

func fileOwned(name string) error {
	return conflict("Function " + name + " is defined in the configuration file; change it there (Albatross reloads the file on change)")
}

// BodyLimit returns the most body bytes a Lambda API request to path may carry: the synchronous
// Invoke payload limit for invocations (B.3), a base64 zip package for everything else.
func BodyLimit(path string) int64 {
	if strings.HasSuffix(path, "/invocations") {
		return maxSyncPayload
	}
	return maxJSONBody
}
