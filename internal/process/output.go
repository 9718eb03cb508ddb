package process

import (
	"bufio"
	"io"
	"os"
)

// maxLine bounds the length of one mirrored line; longer lines are delivered in pieces.
const maxLine = 256 << 10

// attachOutput gives the process plain pipes for stdout and stderr. Pipes are *os.File, so
// exec.Cmd starts no copying goroutine and Wait does not hang on descendants that keep a copy
// of the write end; our readers end when the group is gone.
func (p *Process) attachOutput(output func(Stream, string)) error {
	for _, stream := range []Stream{Stdout, Stderr} {
		r, w, err := os.Pipe()
		if err != nil {
			if f, ok := p.cmd.Stdout.(*os.File); ok {
				_ = f.Close()
			}
			return err
		}
		if stream == Stdout {
			p.cmd.Stdout = w
		} else {
			p.cmd.Stderr = w
		}
		p.output.Add(1)
		go p.mirror(r, stream, output)
	}
	return nil
}

// mirror delivers r's lines to output until EOF, then closes r.
func (p *Process) mirror(r *os.File, stream Stream, output func(Stream, string)) {
	defer p.output.Done()
	defer r.Close()
	br := bufio.NewReaderSize(r, maxLine)
	for {
		line, isPrefix, err := br.ReadLine()
		text, isMarker := p.flusher.strip(string(line))
		if !isMarker && (len(line) > 0 || (err == nil && !isPrefix)) || isMarker && text != "" {
			if output != nil {
				output(stream, text)
			}
		}
		if err != nil {
			if err != io.EOF && output != nil {
				output(stream, "process: reading output: "+err.Error())
			}
			return
		}
	}
}
