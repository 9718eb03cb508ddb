package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// maxFileRead bounds what file() and friends read: templates read small files (policies,
// scripts), and a stray reference to a large artifact must not exhaust memory.
const maxFileRead = 16 << 20

// functions returns Terraform's function library as far as load balancer templates use it:
// go-cty's stdlib (the generic functions Terraform itself wraps) plus Terraform's own file,
// encoding, hashing, conversion and collection functions, written here because Terraform keeps
// them in internal packages. baseDir is path.module, against which file paths are read.
func functions(baseDir string, read func(string)) map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc, "pow": stdlib.PowFunc,
		"signum": stdlib.SignumFunc, "parseint": stdlib.ParseIntFunc,
		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
		"upper": stdlib.UpperFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc,
		"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"trimsuffix": stdlib.TrimSuffixFunc, "trimspace": stdlib.TrimSpaceFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "index": stdlib.IndexFunc,
		"keys": stdlib.KeysFunc, "length": lengthFunc, "lookup": stdlib.LookupFunc,
		"merge": stdlib.MergeFunc, "range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc, "csvdecode": stdlib.CSVDecodeFunc,
		"jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc,
		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"replace":          replaceFunc,
		"tostring":         convertFunc(cty.String),
		"tonumber":         convertFunc(cty.Number),
		"tobool":           convertFunc(cty.Bool),
		"tolist":           convertFunc(cty.List(cty.DynamicPseudoType)),
		"toset":            convertFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":            convertFunc(cty.Map(cty.DynamicPseudoType)),
		"base64encode":     stringFunc(func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil }),
		"base64decode":     stringFunc(base64Decode),
		"base64sha256":     stringFunc(func(s string) (string, error) { return digest(sha256.New, []byte(s), true), nil }),
		"base64sha512":     stringFunc(func(s string) (string, error) { return digest(sha512.New, []byte(s), true), nil }),
		"md5":              stringFunc(func(s string) (string, error) { return digest(md5.New, []byte(s), false), nil }),
		"sha1":             stringFunc(func(s string) (string, error) { return digest(sha1.New, []byte(s), false), nil }),
		"sha256":           stringFunc(func(s string) (string, error) { return digest(sha256.New, []byte(s), false), nil }),
		"sha512":           stringFunc(func(s string) (string, error) { return digest(sha512.New, []byte(s), false), nil }),
		"urlencode":        stringFunc(func(s string) (string, error) { return url.QueryEscape(s), nil }),
		"startswith":       stringPredicate(strings.HasPrefix),
		"endswith":         stringPredicate(strings.HasSuffix),
		"strcontains":      stringPredicate(strings.Contains),
		"basename":         stringFunc(func(s string) (string, error) { return filepath.Base(s), nil }),
		"dirname":          stringFunc(func(s string) (string, error) { return filepath.Dir(s), nil }),
		"abspath":          stringFunc(func(s string) (string, error) { return filepath.Abs(s) }),
		"file":             fileFunc(baseDir, read, func(b []byte) string { return string(b) }),
		"filebase64":       fileFunc(baseDir, read, func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }),
		"filebase64sha256": fileFunc(baseDir, read, func(b []byte) string { return digest(sha256.New, b, true) }),
		"filebase64sha512": fileFunc(baseDir, read, func(b []byte) string { return digest(sha512.New, b, true) }),
		"filemd5":          fileFunc(baseDir, read, func(b []byte) string { return digest(md5.New, b, false) }),
		"filesha1":         fileFunc(baseDir, read, func(b []byte) string { return digest(sha1.New, b, false) }),
		"filesha256":       fileFunc(baseDir, read, func(b []byte) string { return digest(sha256.New, b, false) }),
		"fileexists":       fileExistsFunc(baseDir),
		"one":              oneFunc,
		"sum":              sumFunc,
		"alltrue":          boolFoldFunc(true),
		"anytrue":          boolFoldFunc(false),
		"cidrsubnet":       cidrSubnetFunc,
		"cidrhost":         cidrHostFunc,
		"cidrnetmask":      cidrNetmaskFunc,
	}
	fs["templatefile"] = templateFileFunc(baseDir, read, fs)
	return fs
}

// digest hashes b with h, hex-encoded or base64-encoded as Terraform's functions return.
func digest(h func() hash.Hash, b []byte, b64 bool) string {
	d := h()
	d.Write(b)
	if b64 {
		return base64.StdEncoding.EncodeToString(d.Sum(nil))
	}
	return hex.EncodeToString(d.Sum(nil))
}

func base64Decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("invalid base64: %w", err)
	}
	return string(b), nil
}

// stringFunc wraps a string-to-string function.
func stringFunc(f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(s), nil
		},
	})
}

func stringPredicate(f func(s, part string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "part", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

// replaceFunc is Terraform's replace: a substring, or a regular expression written /like this/.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(s, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
	},
})

// convertFunc is tostring, tolist and the other type conversion functions.
func convertFunc(want cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			got := args[0].Type()
			if got == cty.DynamicPseudoType {
				return want, nil
			}
			out, err := convert.Convert(cty.UnknownVal(got), want)
			if err != nil {
				return cty.NilType, function.NewArgErrorf(0, "cannot convert %s to %s", got.FriendlyName(), want.FriendlyNameForConstraint())
			}
			return out.Type(), nil
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			return convert.Convert(args[0], ret)
		},
	})
}

// fileFunc reads a file relative to the module folder and renders its bytes.
func fileFunc(baseDir string, read func(string), render func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := resolvePath(baseDir, args[0].AsString())
			read(p)
			b, err := readBounded(p)
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(render(b)), nil
		},
	})
}

func fileExistsFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			st, err := os.Stat(resolvePath(baseDir, args[0].AsString()))
			return cty.BoolVal(err == nil && st.Mode().IsRegular()), nil
		},
	})
}

func resolvePath(baseDir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(baseDir, p)
}

func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileRead {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxFileRead)
	}
	return os.ReadFile(path)
}

// templateFileFunc renders a file as an HCL template with the given variables and the same
// function library (templatefile itself excepted, as in Terraform, so a template cannot recurse).
func templateFileFunc(baseDir string, read func(string), fs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := resolvePath(baseDir, args[0].AsString())
			read(path)
			src, err := readBounded(path)
			if err != nil {
				return cty.NilVal, err
			}
			expr, diags := hclsyntax.ParseTemplate(src, path, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, diags
			}
			vars := map[string]cty.Value{}
			if v := args[1]; v.IsKnown() && !v.IsNull() && (v.Type().IsObjectType() || v.Type().IsMapType()) {
				vars = v.AsValueMap()
			}
			nested := make(map[string]function.Function, len(fs))
			for k, f := range fs {
				if k != "templatefile" {
					nested[k] = f
				}
			}
			out, diags := expr.Value(&hcl.EvalContext{Variables: vars, Functions: nested})
			if diags.HasErrors() {
				return cty.NilVal, diags
			}
			return out, nil
		},
	})
}

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() {
			return cty.NilVal, function.NewArgErrorf(0, "must be a list, set or tuple")
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(cty.DynamicPseudoType), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.NilVal, function.NewArgErrorf(0, "must have no more than one element")
	},
})

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() || v.LengthInt() == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "must be a non-empty list or set of numbers")
		}
		total := cty.NumberIntVal(0)
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			n, err := convert.Convert(e, cty.Number)
			if err != nil || n.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "every element must be a number")
			}
			total = total.Add(n)
		}
		return total, nil
	},
})

func boolFoldFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.IsNull() {
					return cty.False, nil
				}
				if e.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

// lengthFunc is Terraform's length: of a string (in characters), a collection, a tuple or an
// object (its attributes).
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true, AllowNull: true}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		switch ty := v.Type(); {
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		case !v.IsKnown():
			return cty.UnknownVal(cty.Number), nil
		case v.IsNull():
			return cty.NilVal, function.NewArgErrorf(0, "must not be null")
		case ty == cty.String:
			return stdlib.Strlen(v)
		}
		return stdlib.Length(v)
	},
})
