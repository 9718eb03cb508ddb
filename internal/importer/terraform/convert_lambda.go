package terraform

import (
	"fmt"
	"path/filepath"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/lambdacode"
)

func (c *converter) function(inst *instance) {
	ev, b := c.ev, inst.body
	ev.required(b, "function_name")
	f := config.Function{}
	f.FunctionName, _ = ev.str(b, "function_name")
	f.Runtime, _ = ev.str(b, "runtime")
	f.Handler, _ = ev.str(b, "handler")
	f.Description, _ = ev.str(b, "description")
	f.Timeout = ev.intPtr(b, "timeout")
	f.MemorySize = ev.intPtr(b, "memory_size")
	if r := ev.intPtr(b, "reserved_concurrent_executions"); r != nil && *r >= 0 {
		f.ReservedConcurrentExecutions = r // -1, the provider's default, means unreserved
	}
	if env := b.children("environment"); len(env) > 0 {
		if vars, ok := ev.strMap(env[0], "variables"); ok {
			f.Environment = &config.Environment{Variables: vars}
		}
	}
	if _, ok := b.attrs["layers"]; ok {
		ev.notice("%s %s.layers: not loaded; put what the function needs from its layers into its code", ev.ps.location(b.rng), inst.addr)
	}
	f.Code = c.functionCode(inst)
	c.source(fmt.Sprintf("functions[%d]", len(c.cfg.Functions)), inst)
	c.cfg.Functions = append(c.cfg.Functions, f)
}

// functionCode finds the folder the function runs: an archive_file's folder when filename is
// its output_path, a zip package unpacked, or S3 code mapped by --values.
func (c *converter) functionCode(inst *instance) string {
	ev, b := c.ev, inst.body
	if pt, _ := ev.str(b, "package_type"); pt == "Image" || b.attrs["image_uri"] != nil {
		ev.ps.add(b.rng, inst.addr+".image_uri", "container-image functions are not supported; use a zip package")
		return ""
	}
	if name, ok := ev.str(b, "filename"); ok {
		p := resolvePath(ev.root, name)
		if dir, ok := ev.archives[filepath.Clean(p)]; ok {
			// The archive is never written: its sources are what is read (and watched).
			return dir
		}
		ev.read(p)
		dir, err := lambdacode.Folder(p, ev.codeRoot())
		if err != nil {
			a := b.attrs["filename"]
			ev.ps.add(a.expr.Range(), a.path, "cannot use the package: %v", err)
			return ""
		}
		return dir
	}
	bucket, ok1 := ev.str(b, "s3_bucket")
	key, ok2 := ev.str(b, "s3_key")
	if !ok1 || !ok2 {
		ev.ps.add(b.rng, inst.addr, "the function's code is required: filename, or s3_bucket and s3_key")
		return ""
	}
	location := "s3://" + bucket + "/" + key
	local, err := ev.opts.Values.Code(location)
	if err != nil {
		ev.ps.add(b.attrs["s3_key"].expr.Range(), inst.addr+".s3_key", "%v (a local zip or folder for %s, in --values code)", err, location)
		return ""
	}
	ev.read(local)
	dir, err := lambdacode.Folder(local, ev.codeRoot())
	if err != nil {
		ev.ps.add(b.attrs["s3_key"].expr.Range(), inst.addr+".s3_key", "--values code for %s: %v", location, err)
		return ""
	}
	return dir
}
