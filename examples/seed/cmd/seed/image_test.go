package main

import (
	"bytes"
	"flag"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite bucket/assets/200.jpg from logo()")

// TestLogoFile checks that the committed bucket/assets/200.jpg is a 200×200 JPEG drawn by logo().
// The pixels are compared loosely because JPEG is lossy; -update rewrites the file.
func TestLogoFile(t *testing.T) {
	file := filepath.Join("..", "..", "bucket", "assets", "200.jpg")
	if *update {
		b, err := encodeJPEG(logo(), 85)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s is not a JPEG: %v", file, err)
	}
	if b := img.Bounds(); b.Dx() != 200 || b.Dy() != 200 {
		t.Fatalf("%s is %dx%d, want 200x200", file, b.Dx(), b.Dy())
	}
	want := logo()
	for _, p := range [][2]int{{100, 70}, {5, 5}, {100, 190}} {
		gr, gg, gb, _ := img.At(p[0], p[1]).RGBA()
		wr, wg, wb, _ := want.At(p[0], p[1]).RGBA()
		if diff(gr, wr)+diff(gg, wg)+diff(gb, wb) > 3*0x1800 {
			t.Errorf("pixel %v = %x,%x,%x, want near %x,%x,%x (run go test -update)", p, gr, gg, gb, wr, wg, wb)
		}
	}
}

func diff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestLargePoster checks the generated object is a JPEG over the limit and the same every run, so
// its ETag is stable across demo runs.
func TestLargePoster(t *testing.T) {
	t.Parallel()
	a, err := largePoster()
	if err != nil {
		t.Fatal(err)
	}
	b, err := largePoster()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("largePoster is not deterministic")
	}
	if _, err := jpeg.DecodeConfig(bytes.NewReader(a)); err != nil {
		t.Errorf("large poster is not a JPEG: %v", err)
	}
	if len(a) <= 1<<20 {
		t.Errorf("large poster is %d bytes, want over 1 MiB", len(a))
	}
}
