package config

import rulematch "github.com/albatross-lb/albatross/internal/rule"

// transforms checks a rule's transforms (TRF-01, TRF-02): known types, at most one of each,
// exactly the config matching the type, at least one rewrite, and each regex and replacement
// within 1024 characters, the regex in the RE2 syntax RUL-15 allows.
func (v *validator) transforms(p string, ts []Transform) {
	seen := map[string]int{}
	for i := range ts {
		t := &ts[i]
		tp := idx(p, i)
		var rc *RewriteConfig
		var want, other string
		switch t.Type {
		case TransformHostHeaderRewrite:
			rc, want, other = t.HostHeaderRewriteConfig, "host_header_rewrite_config", "url_rewrite_config"
			if t.URLRewriteConfig != nil {
				v.ps.Add(key(tp, other), "does not match type %q", t.Type)
			}
		case TransformURLRewrite:
			rc, want, other = t.URLRewriteConfig, "url_rewrite_config", "host_header_rewrite_config"
			if t.HostHeaderRewriteConfig != nil {
				v.ps.Add(key(tp, other), "does not match type %q", t.Type)
			}
		case "":
			v.ps.Add(key(tp, "type"), "is required (host-header-rewrite or url-rewrite)")
			continue
		default:
			v.ps.Add(key(tp, "type"), "unknown transform type %q (want host-header-rewrite or url-rewrite)", t.Type)
			continue
		}
		if j, dup := seen[t.Type]; dup {
			v.ps.Add(key(tp, "type"), "only one %s transform per rule (TRF-01), also transforms[%d]", t.Type, j)
		}
		seen[t.Type] = i
		v.rewrites(key(tp, want), rc, t.Type == TransformHostHeaderRewrite)
	}
}

// rewrites checks one HostHeaderRewriteConfig or UrlRewriteConfig.
func (v *validator) rewrites(p string, rc *RewriteConfig, fold bool) {
	if rc == nil || len(rc.Rewrites) == 0 {
		v.ps.Add(key(p, "rewrites"), "at least one rewrite is required (TRF-02)")
		return
	}
	for i, rw := range rc.Rewrites {
		rp := idx(key(p, "rewrites"), i)
		switch {
		case rw.Regex == "":
			v.ps.Add(key(rp, "regex"), "is required (TRF-02)")
		case len(rw.Regex) > rulematch.MaxRewriteLen:
			v.ps.Add(key(rp, "regex"), "must be at most %d characters (TRF-02), got %d", rulematch.MaxRewriteLen, len(rw.Regex))
		default:
			if _, err := rulematch.CompileRegex(rw.Regex, fold); err != nil {
				v.ps.Add(key(rp, "regex"), "%v", err)
			}
		}
		if len(rw.Replace) > rulematch.MaxRewriteLen {
			v.ps.Add(key(rp, "replace"), "must be at most %d characters (TRF-02), got %d", rulematch.MaxRewriteLen, len(rw.Replace))
		}
	}
}
