package main

import "testing"

func TestByteSizeFlag(t *testing.T) {
	tests := []struct {
		in      string
		want    byteSize
		printed string
		bad     bool
	}{
		{in: "0", want: 0, printed: "0"},
		{in: "32MiB", want: 32 << 20, printed: "32MiB"},
		{in: "1GiB", want: 1 << 30, printed: "1GiB"},
		{in: "512KiB", want: 512 << 10, printed: "512KiB"},
		{in: "1000", want: 1000, printed: "1000"},
		{in: "1024GiB", want: 1 << 40, printed: "1024GiB"},
		{in: "1025GiB", bad: true},
		{in: "32MB", bad: true},
		{in: "-1", bad: true},
		{in: "MiB", bad: true},
		{in: "", bad: true},
	}
	for _, tc := range tests {
		var b byteSize
		err := b.Set(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("Set(%q) = %d, want an error", tc.in, b)
			}
			continue
		}
		if err != nil || b != tc.want || b.String() != tc.printed {
			t.Errorf("Set(%q) = %d (%s), %v; want %d (%s)", tc.in, b, b.String(), err, tc.want, tc.printed)
		}
	}
}
