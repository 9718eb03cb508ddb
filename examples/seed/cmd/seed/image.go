package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// minLargeBytes is the least size of the generated poster: over the 1 MB Lambda response limit
// even in its binary reading (2^20), and over it by a margin once base64-encoded.
const minLargeBytes = 1_200_000

// logo draws the site's 200×200 picture: an albatross silhouette over a sea at dusk. It is the
// source of bucket/assets/200.jpg (regenerate with go test ./cmd/seed -update).
func logo() image.Image {
	const size = 200
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			var c color.RGBA
			if y < 130 { // sky: orange to deep blue
				t := float64(y) / 130
				c = color.RGBA{uint8(250 - 200*t), uint8(170 - 110*t), uint8(90 + 80*t), 255}
			} else { // sea with a few waves
				w := 10 * math.Sin(float64(x)/9+float64(y)/3)
				c = color.RGBA{20, uint8(70 + w), uint8(120 + w), 255}
			}
			if onBird(float64(x)-100, float64(y)-70) {
				c = color.RGBA{245, 245, 240, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// onBird reports whether (dx, dy) from the centre lies on the bird: two long thin wings in a
// shallow M and a small body.
func onBird(dx, dy float64) bool {
	wing := math.Abs(dx) < 80 && math.Abs(dy-(-0.25*math.Abs(dx)+0.004*dx*dx)) < 3.5-math.Abs(dx)/40
	body := dx*dx/120+dy*dy/16 < 1
	return wing || body
}

// encodeJPEG encodes img at the given quality.
func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

// largePoster returns a JPEG of noise over minLargeBytes. Noise does not compress, so the size is
// reached with a modest picture; a fixed seed keeps the object, and its ETag, the same every run.
func largePoster() ([]byte, error) {
	rng := rand.New(rand.NewPCG(200, 1))
	img := image.NewRGBA(image.Rect(0, 0, 1200, 1000))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.UintN(256))
	}
	b, err := encodeJPEG(img, 95)
	if err != nil {
		return nil, err
	}
	if len(b) < minLargeBytes {
		return nil, fmt.Errorf("large poster is only %d bytes, want at least %d", len(b), minLargeBytes)
	}
	return b, nil
}
