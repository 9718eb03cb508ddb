//go:build unix

package process

import (
	"bufio"
	"io"
	"os"
)

// maxLine bounds the length of one mirrored line: Lambda's 256 KB limit on a log event. The
// rest of a longer line is discarded and reported to Config.Truncated.
const maxLine = 256 << 10

// attachOutput gives the process plain pipes for stdout and stderr. Pipes are *os.File, so
// exec.Cmd starts no copying goroutine and Wait does not hang on descendants that keep a copy
// of the write end; our readers end when the group is gone.
func (p *Process) attachOutput(output func(Stream, string), truncated func(Stream, int)) error {
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
		pipe := newOutputPipe(r)
		p.flusher.pipes = append(p.flusher.pipes, pipe)
		p.output.Add(1)
		go p.mirror(pipe, stream, output, truncated)
	}
	return nil
}

// mirror delivers r's lines to output until EOF, then closes r. It never blocks on anything but
// output, so a process that floods its pipes is drained as fast as output returns.
func (p *Process) mirror(pipe *outputPipe, stream Stream, output func(Stream, string), truncated func(Stream, int)) {
	defer p.output.Done()
	defer pipe.file.Close()
	defer p.recoverMirror(pipe.file)
	br := bufio.NewReaderSize(pipe, maxLine)
	cut := false // inside a line that was cut: discard up to its end
	dropped := 0
	for {
		line, isPrefix, err := br.ReadLine()
		text, isMarker := p.flusher.strip(string(line))
		switch {
		case cut:
			dropped += len(text)
			if isMarker && text != "" || !isPrefix {
				cut = false
				if truncated != nil {
					truncated(stream, dropped)
				}
				dropped = 0
			}
		case !isMarker && (len(line) > 0 || (err == nil && !isPrefix)) || isMarker && text != "":
			if output != nil {
				output(stream, text)
			}
			cut = isPrefix && !isMarker
		}
		if br.Buffered() == 0 && !cut {
			// Everything read has been delivered (a partial line would still be buffered). Inside
			// a cut line a marker still matters: it ends the cut, so that what follows the flush
			// is a line of its own, and reports the cut to Truncated; so Flush must send one.
			// Settle before the ack, so that a Flush that returns on this ack leaves the pipe
			// settled and the next Flush can skip its marker.
			pipe.settle()
		}
		if isMarker {
			p.flusher.ack()
		}
		if err != nil {
			if err != io.EOF && output != nil {
				output(stream, "process: reading output: "+err.Error())
			}
			return
		}
	}
}
