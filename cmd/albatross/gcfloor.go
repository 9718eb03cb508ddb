package main

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/gcfloor"
)

// defaultGCFloor is --gc-floor's default: at 1.5 KB allocated per proxied request, a collection
// every 20,000 requests or so instead of every 2,500 (docs/engine.md, "The collector's floor").
const defaultGCFloor = 32 << 20

// byteSize is a flag value in bytes, written as a count with an optional KiB, MiB or GiB.
type byteSize uint64

func (b *byteSize) String() string {
	switch n := uint64(*b); {
	case n != 0 && n%(1<<30) == 0:
		return strconv.FormatUint(n>>30, 10) + "GiB"
	case n != 0 && n%(1<<20) == 0:
		return strconv.FormatUint(n>>20, 10) + "MiB"
	case n != 0 && n%(1<<10) == 0:
		return strconv.FormatUint(n>>10, 10) + "KiB"
	default:
		return strconv.FormatUint(n, 10)
	}
}

func (b *byteSize) Set(s string) error {
	digits, unit := s, uint64(1)
	for _, u := range []struct {
		suffix string
		size   uint64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if d, ok := strings.CutSuffix(s, u.suffix); ok {
			digits, unit = d, u.size
			break
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n > (1<<40)/unit {
		return fmt.Errorf("want a size such as 32MiB, 0 or a byte count up to 1024GiB, got %q", s)
	}
	*b = byteSize(n * unit)
	return nil
}

// startGCFloor starts the collector's floor unless it is 0 or the operator set GOGC or
// GOMEMLIMIT, whose choice it would overrule; the returned function stops it.
func startGCFloor(log *slog.Logger, floor byteSize) (stop func()) {
	if floor == 0 {
		return func() {}
	}
	if why := gcfloor.Skipped(os.LookupEnv); why != "" {
		log.Info("the collector's floor is off: the environment sets the collector", "reason", why)
		return func() {}
	}
	return gcfloor.Start(uint64(floor)).Stop
}
