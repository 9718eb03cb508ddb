package observe

// BuildInfoSource returns a source for AddSource with the albatross_build_info gauge: always 1,
// the build in its labels, the usual Prometheus idiom for joining versions onto other series.
func BuildInfoSource(version, revision, goVersion string) func() []Sample {
	sample := []Sample{{
		Name:   "albatross_build_info",
		Help:   "Build of the running binary: module version, VCS revision and Go version; always 1.",
		Labels: []Label{{"version", version}, {"revision", revision}, {"goversion", goVersion}},
		Value:  1,
	}}
	return func() []Sample { return sample }
}
